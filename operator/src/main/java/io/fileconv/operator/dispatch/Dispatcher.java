package io.fileconv.operator.dispatch;

import io.fileconv.core.ConversionLauncher;
import io.fileconv.core.ConversionRequest;
import io.fileconv.core.Env;
import io.fileconv.core.FileRecord;
import io.fileconv.core.KafkaClientSettings;
import io.fileconv.core.S3Keys;
import io.fileconv.core.LogContext;
import io.fileconv.core.Region;
import io.fileconv.core.metrics.ConsumerLag;
import io.fileconv.core.metrics.FileconvMetrics;
import io.fileconv.core.metrics.PipelineMetrics;
import io.fileconv.core.metrics.RecoveryMetrics;
import io.fileconv.core.FileStatus;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Turns change events of the regional files tables into launches, with an exactly-once effect over Kafka's
 * at-least-once delivery:
 * <ol>
 *   <li>Kafka offsets are never committed to Kafka; they live in the region's MySQL database and move in the same
 *   transaction as the event's effect (UPLOADED -> QUEUED), so the stored offset never passes an effect that is not
 *   committed.</li>
 *   <li>On assignment the consumer seeks to the stored offsets, so a restart replays from the first event whose
 *   effect is not committed.</li>
 *   <li>Replays are harmless: an attempt is launched only while its row is UPLOADED at that attempt, launching is
 *   idempotent per (file, attempt) and the transition is conditional.</li>
 *   <li>An event that cannot be used (not JSON, no id or status, an unknown status) is counted
 *   (fileconv_dispatch_skipped_events_total), logged by position without its content, and skipped like an event
 *   without effect: retrying it would block its partition forever.</li>
 * </ol>
 */
public final class Dispatcher implements AutoCloseable {
    public static final String GROUP = "fileconv-dispatcher";
    private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);

    private final Map<Region, RegionContext> regions;
    private final KafkaClientSettings kafka;
    private final String group;
    private volatile String failure;
    private final ConversionLauncher launcher;
    private final KafkaConsumer<String, String> consumer;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread;
    private final Map<TopicPartition, Long> positions = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile long eventsApplied;
    private final ConsumerLag lag;
    private final PipelineMetrics metrics;
    private final RecoveryMetrics recovery;
    private long nextLagCheck;

    public Dispatcher(String bootstrap, Collection<RegionContext> regions, ConversionLauncher launcher) {
        this(bootstrap, regions, launcher, FileconvMetrics.none());
    }

    /**
     * @param registry gets fileconv_kafka_consumer_lag, fileconv_cdc_delay_seconds and
     *                 fileconv_dispatch_skipped_events_total
     */
    public Dispatcher(String bootstrap, Collection<RegionContext> regions, ConversionLauncher launcher,
                      MeterRegistry registry) {
        this(KafkaClientSettings.from(new Env(Map.of("FILECONV_KAFKA_BOOTSTRAP", bootstrap))), GROUP, regions,
                launcher, registry);
    }

    /**
     * @param kafka brokers and credentials (FILECONV_KAFKA_*)
     * @param group the consumer group, also the key of the offsets stored in MySQL ({@link #GROUP} in production)
     */
    public Dispatcher(KafkaClientSettings kafka, String group, Collection<RegionContext> regions,
                      ConversionLauncher launcher, MeterRegistry registry) {
        this.lag = new ConsumerLag(registry);
        this.metrics = new PipelineMetrics(registry);
        this.recovery = new RecoveryMetrics(registry).withSkipReasons(
                regions.stream().map(RegionContext::region).toList(), FileChange.UnusableEvent.REASONS);
        this.regions = new HashMap<>();
        regions.forEach(r -> this.regions.put(r.region(), r));
        this.launcher = launcher;
        this.kafka = kafka;
        this.group = group;
        this.consumer = new KafkaConsumer<>(consumerProperties(kafka, group));
        this.thread = new Thread(this::loop, "dispatcher");
    }

    /**
     * The consumer's configuration. Offsets are never committed to Kafka (they live in MySQL), so the group is used
     * for partition assignment only: the Kafka principal needs READ on the group and READ (which includes DESCRIBE,
     * used by endOffsets for the lag gauge) on each region's files topic, nothing else.
     */
    public static Properties consumerProperties(KafkaClientSettings kafka, String group) {
        Properties p = new Properties();
        p.putAll(kafka.clientProperties());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "100");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "2000");
        return p;
    }

    /**
     * Why the brokers refuse this consumer (wrong credentials, missing ACL), or null. The dispatcher keeps trying
     * (a rotated password or a new ACL takes effect without a restart) and logs the same sentence.
     */
    public String failure() {
        return failure;
    }

    public void start() {
        thread.start();
    }

    /** Number of change events whose effect this dispatcher committed (launch + transition). */
    public long eventsApplied() {
        return eventsApplied;
    }

    /** The consumer's own position per partition, for lag reporting. */
    public Map<TopicPartition, Long> positions() {
        return Map.copyOf(positions);
    }

    private void loop() {
        List<String> topics = regions.keySet().stream().map(Region::filesTopic).toList();
        consumer.subscribe(topics, new SeekToStoredOffsets());
        try {
            while (running.get()) {
                ConsumerRecords<String, String> batch;
                try {
                    batch = consumer.poll(Duration.ofMillis(200));
                    failure = null;
                } catch (AuthenticationException | AuthorizationException e) {
                    refused(e);
                    continue;
                }
                Map<TopicPartition, Long> skipped = new HashMap<>();
                for (TopicPartition tp : batch.partitions()) {
                    for (ConsumerRecord<String, String> rec : batch.records(tp)) {
                        try {
                            if (!apply(rec)) {
                                skipped.put(tp, rec.offset() + 1);
                            } else {
                                skipped.remove(tp);
                            }
                            positions.put(tp, rec.offset() + 1);
                        } catch (Exception e) {
                            LOG.warn("event {}@{} not applied, will retry: {}", tp, rec.offset(), e.toString());
                            consumer.seek(tp, rec.offset());
                            backoff();
                            break;
                        }
                    }
                }
                saveSkipped(skipped);
                updateLag();
            }
        } catch (WakeupException e) {
            if (running.get()) {
                throw e;
            }
        } catch (RuntimeException e) {
            LOG.error("dispatcher stopped", e);
        } finally {
            consumer.close(Duration.ofSeconds(2));
        }
    }

    private void refused(KafkaException e) {
        String who = kafka.username() == null ? "the brokers" : "the brokers (" + kafka.securityProtocol() + " "
                + kafka.saslMechanism() + " as user " + kafka.username() + ")";
        failure = (e instanceof AuthenticationException ? "Kafka authentication failed: " + who
                + " refused FILECONV_KAFKA_USERNAME/FILECONV_KAFKA_PASSWORD or the TLS settings"
                : "Kafka authorization failed: the ACLs of " + who + " do not allow READ on the files topics and"
                + " on group " + group) + " (" + e.getMessage() + ")";
        LOG.error("{}; retrying in 5 s", failure);
        sleep(5_000);
    }

    /**
     * Lag from the consumer's own position against the log end, every {@link #LAG_INTERVAL_NANOS}: the consumer is
     * single-threaded, so this runs in the poll loop, between batches, when the position is what was processed.
     */
    private void updateLag() {
        long now = System.nanoTime();
        if (now - nextLagCheck < 0) {
            return;
        }
        nextLagCheck = now + LAG_INTERVAL_NANOS;
        try {
            java.util.Set<TopicPartition> owned = consumer.assignment();
            Map<TopicPartition, Long> ends = owned.isEmpty() ? Map.of()
                    : consumer.endOffsets(owned, Duration.ofSeconds(2));
            Map<ConsumerLag.Partition, Long> rows = new HashMap<>();
            for (TopicPartition tp : owned) {
                Long end = ends.get(tp);
                if (end != null) {
                    rows.put(new ConsumerLag.Partition(tp.topic(), tp.partition()),
                            end - consumer.position(tp, Duration.ofSeconds(2)));
                }
            }
            lag.update(rows);
        } catch (WakeupException e) {
            throw e;
        } catch (KafkaException e) {
            LOG.debug("lag not updated: {}", e.toString()); // the gauge keeps its last value until the next try
        }
    }

    private static final long LAG_INTERVAL_NANOS = Duration.ofSeconds(2).toNanos();

    /** @return true when the event had an effect (its offset was committed with it) */
    private boolean apply(ConsumerRecord<String, String> rec) throws Exception {
        RegionContext ctx = regions.get(Region.fromTopic(rec.topic()));
        FileChange change;
        try {
            change = FileChange.parse(rec.value()).orElse(null);
        } catch (FileChange.UnusableEvent e) {
            // Retrying cannot make it usable and would hold up every later event of the partition: record, skip.
            // Never the payload in the log: it is untrusted content.
            recovery.eventSkipped(ctx.region(), e.reason());
            LOG.warn("skipped unusable change event at {}-{} offset {} ({}: {})", rec.topic(), rec.partition(),
                    rec.offset(), e.reason(), e.getMessage());
            return false;
        }
        if (change == null) {
            return false;
        }
        if (change.sourceTsMs() > 0) {
            metrics.changeEventRead(ctx.region(), Instant.ofEpochMilli(change.sourceTsMs()));
        }
        if (change.isNewAttempt()) {
            // Owner, type and request id come from the row, keys from the ids: nothing of the event but the id,
            // status and attempt decides what is converted.
            Optional<FileRecord> row = ctx.files().find(change.fileId());
            try (LogContext ignored = LogContext.forFile(change.fileId(), row.map(FileRecord::userId).orElse(null),
                    ctx.region(), change.attempts(), row.map(FileRecord::requestId).orElse(null))) {
                if (row.isEmpty()) {
                    LOG.info("file={} is not in region {} (deleted or moved): nothing to dispatch", change.fileId(),
                            ctx.region().code());
                    return false;
                }
                if (row.get().status() != FileStatus.UPLOADED || row.get().attempts() != change.attempts()) {
                    // A replayed event of an attempt that was dispatched (the launch precedes the QUEUED commit),
                    // finished or superseded: launching again would convert it twice once its resource expired.
                    LOG.info("file={} attempt={} is {} at attempt {}: already dispatched, nothing to do",
                            change.fileId(), change.attempts(), row.get().status(), row.get().attempts());
                    return false;
                }
                return dispatch(rec, ctx, change, row.get());
            }
        }
        if (change.isCancellation()) {
            try (LogContext ignored = LogContext.forFile(change.fileId(), null, ctx.region(), change.attempts(),
                    null)) {
                launcher.cancel(ctx.region(), change.fileId(), change.attempts());
                inTransaction(ctx, c -> ctx.offsets().save(c, group, rec.topic(), rec.partition(), rec.offset() + 1));
                eventsApplied++;
                return true;
            }
        }
        return false;
    }

    private boolean dispatch(ConsumerRecord<String, String> rec, RegionContext ctx, FileChange change, FileRecord row)
            throws Exception {
        ConversionRequest request = request(ctx, change, row);
        launcher.launch(request);
        boolean[] queued = new boolean[1];
        inTransaction(ctx, c -> {
            queued[0] = ctx.files().markQueued(c, change.fileId(), change.attempts());
            ctx.offsets().save(c, group, rec.topic(), rec.partition(), rec.offset() + 1);
        });
        LOG.info("dispatched file={} attempt={} region={} queued={}", change.fileId(), change.attempts(),
                ctx.region().code(), queued[0]);
        eventsApplied++;
        if (queued[0]) {
            try {
                launcher.dispatched(request);
            } catch (Exception e) {
                // The event's effect is committed: the QUEUED row is found again by the sweeper (or at start).
                LOG.warn("file={} attempt={}: queued, but the launcher failed to take it: {}", change.fileId(),
                        change.attempts(), e.toString());
            }
        }
        return true;
    }

    /**
     * The launch of the event's attempt of {@code row} with the row's PDF options; the object keys are derived from the
     * ids, never read.
     */
    static ConversionRequest request(RegionContext ctx, FileChange change, FileRecord row) {
        return new ConversionRequest(row.id(), row.userId(), ctx.region(), ctx.bucket(),
                S3Keys.input(row.userId(), row.id()), S3Keys.output(row.userId(), row.id()), change.attempts(),
                row.detectedType(), row.requestId(), row.options());
    }

    /** Events without effect still move the stored offset, once per partition and batch. */
    private void saveSkipped(Map<TopicPartition, Long> skipped) {
        skipped.forEach((tp, next) -> {
            RegionContext ctx = regions.get(Region.fromTopic(tp.topic()));
            try {
                inTransaction(ctx, c -> ctx.offsets().save(c, group, tp.topic(), tp.partition(), next));
            } catch (SQLException e) {
                LOG.debug("offset of skipped events not saved (they will be skipped again): {}", e.toString());
            }
        });
    }

    private interface TxBody {
        void run(Connection c) throws SQLException;
    }

    private static void inTransaction(RegionContext ctx, TxBody body) throws SQLException {
        try (Connection c = ctx.files().dataSource().getConnection()) {
            c.setAutoCommit(false);
            try {
                body.run(c);
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    private void backoff() {
        sleep(1000);
    }

    private void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private final class SeekToStoredOffsets implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            for (TopicPartition tp : partitions) {
                RegionContext ctx = regions.get(Region.fromTopic(tp.topic()));
                while (running.get()) {
                    try {
                        OptionalLong next = ctx.offsets().nextOffset(group, tp.topic(), tp.partition());
                        if (next.isPresent()) {
                            consumer.seek(tp, next.getAsLong());
                        } else {
                            consumer.seekToBeginning(List.of(tp));
                        }
                        LOG.info("assigned {} from stored offset {}", tp, next.isPresent() ? next.getAsLong() : "beginning");
                        break;
                    } catch (SQLException e) {
                        LOG.warn("cannot read stored offset of {} yet: {}", tp, e.toString());
                        backoff();
                    }
                }
            }
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            partitions.forEach(positions::remove);
        }
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        consumer.wakeup();
        thread.join(10_000);
    }
}
