package io.fileconv.pipeline.dispatch;

import io.fileconv.core.ConversionLauncher;
import io.fileconv.core.ConversionRequest;
import io.fileconv.core.Env;
import io.fileconv.core.FileRecord;
import io.fileconv.core.FileRepository;
import io.fileconv.core.FileStatus;
import io.fileconv.core.KafkaClientSettings;
import io.fileconv.core.LogContext;
import io.fileconv.core.Region;
import io.fileconv.core.S3Keys;
import io.fileconv.core.metrics.ConsumerLag;
import io.fileconv.core.metrics.FileconvMetrics;
import io.fileconv.core.metrics.PipelineMetrics;
import io.fileconv.core.metrics.RecoveryMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
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
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Turns change events of the regional files tables into launches, with an exactly-once effect over Kafka's
 * at-least-once delivery:
 * <ol>
 *   <li>Kafka offsets are never committed to Kafka; they live in the region's MySQL database and move in the same
 *   transaction as the event's effect (UPLOADED -> QUEUED), so the stored offset never passes an effect that is not
 *   committed.</li>
 *   <li>On assignment the consumer seeks to the stored offsets, so a restart replays from the first event whose
 *   effect is not committed.</li>
 *   <li>Replays are harmless: an attempt is dispatched only while its row is UPLOADED at that attempt, the
 *   transition is conditional, and launching is idempotent per (file, attempt).</li>
 *   <li>The records of one poll are applied together ({@link DispatchBatch}): their rows are read side by side, then
 *   one transaction per region commits every new attempt's transition and the partitions' offsets. A partition
 *   advances only past records whose effect happened; from its first failure on it is redelivered.</li>
 *   <li>Only then is each committed attempt handed on: {@link ConversionLauncher#dispatched} at once (the leader's
 *   work queue takes it), {@link ConversionLauncher#launch} (a FileConversion create, an API-server round trip) on
 *   the launch threads, retried a few times. So a burst's creates never hold up the commits, and a later user's file
 *   reaches the fair queue without waiting for them. A crash between the commit and the launch leaves a QUEUED row
 *   without its resource, which the sweeper launches after its grace period.</li>
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
    private final Map<TopicPartition, Long> positions = new ConcurrentHashMap<>();
    /** Runs the launches of a batch side by side (see {@link DispatchBatch}). */
    /** Row reads of a poll's new attempts, side by side. */
    private final ExecutorService reads;
    /** Launches after the commit; a separate pool, so a backlog of creates never delays the next poll's reads. */
    private final ExecutorService launches;
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
        this(kafka, group, regions, launcher, registry, DEFAULT_LAUNCH_PARALLELISM);
    }

    /** How many launches of one batch run at once unless FILECONV_DISPATCH_PARALLELISM says otherwise. */
    public static final int DEFAULT_LAUNCH_PARALLELISM = 8;
    /** How many launches of one poll run at once (default {@value #DEFAULT_LAUNCH_PARALLELISM}). */
    public static final String PARALLELISM = "FILECONV_DISPATCH_PARALLELISM";

    /** The dispatcher of a deployable: every served region, in the one consumer group, as FILECONV_* configures. */
    public static Dispatcher forRegions(Env env, KafkaClientSettings kafka, Map<Region, FileRepository> repositories,
                                        ConversionLauncher launcher, MeterRegistry registry) {
        return new Dispatcher(kafka, GROUP, RegionContext.forRegions(env, repositories), launcher, registry,
                env.getInt(PARALLELISM, DEFAULT_LAUNCH_PARALLELISM));
    }

    /**
     * @param launchParallelism how many launches of one poll run at once: on the cluster path each is a
     *                          FileConversion create, an API-server round trip, so one at a time bounds dispatch to
     *                          the inverse of that round trip (~11 files/s measured in bench/pool)
     */
    public Dispatcher(KafkaClientSettings kafka, String group, Collection<RegionContext> regions,
                      ConversionLauncher launcher, MeterRegistry registry, int launchParallelism) {
        if (launchParallelism < 1) {
            throw new IllegalArgumentException("launch parallelism must be at least 1, not " + launchParallelism);
        }
        this.reads = daemonPool("dispatcher-read-", launchParallelism);
        this.launches = daemonPool("dispatcher-launch-", launchParallelism);
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

    private static ExecutorService daemonPool(String prefix, int threads) {
        AtomicInteger n = new AtomicInteger();
        return Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, prefix + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
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
                if (!batch.isEmpty()) {
                    try {
                        applyBatch(batch);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        break;
                    }
                }
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
            Set<TopicPartition> owned = consumer.assignment();
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

    /**
     * Plans every record of the poll, starts the row reads side by side, then per region: waits for them, runs the
     * cancellations, and commits UPLOADED -> QUEUED of every new attempt with the partitions' next offsets in one
     * transaction, then hands the committed attempts on. A partition whose record failed goes back to that record;
     * one whose commit failed, to the start of the batch.
     */
    private void applyBatch(ConsumerRecords<String, String> records) throws InterruptedException {
        DispatchBatch batch = new DispatchBatch();
        Map<TopicPartition, Long> first = new HashMap<>();
        for (TopicPartition tp : records.partitions()) {
            for (ConsumerRecord<String, String> rec : records.records(tp)) {
                first.putIfAbsent(tp, rec.offset());
                try {
                    batch.add(tp, plan(rec));
                } catch (Exception e) {
                    LOG.warn("event {}@{} not applied, will retry: {}", tp, rec.offset(), e.toString());
                    batch.stopPlanning(tp, rec.offset());
                    break;
                }
            }
        }
        boolean retry = false;
        Map<Region, Map<TopicPartition, DispatchBatch.Applied>> byRegion = new HashMap<>();
        for (TopicPartition tp : batch.partitions()) {
            DispatchBatch.Applied applied = batch.apply(tp, launcher, (p, offset, cause) ->
                    LOG.warn("event {}@{} not applied, will retry: {}", p, offset, cause.toString()));
            byRegion.computeIfAbsent(Region.fromTopic(tp.topic()), r -> new HashMap<>()).put(tp, applied);
        }
        for (Map.Entry<Region, Map<TopicPartition, DispatchBatch.Applied>> e : byRegion.entrySet()) {
            RegionContext ctx = regions.get(e.getKey());
            Map<TopicPartition, DispatchBatch.Applied> applied = e.getValue();
            List<ConversionRequest> queued = new ArrayList<>();
            try {
                inTransaction(ctx, c -> {
                    queued.clear();
                    for (Map.Entry<TopicPartition, DispatchBatch.Applied> a : applied.entrySet()) {
                        for (ConversionRequest r : a.getValue().launched()) {
                            if (ctx.files().markQueued(c, r.fileId(), r.attempt())) {
                                queued.add(r);
                            }
                        }
                        TopicPartition tp = a.getKey();
                        if (a.getValue().next() > first.get(tp)) {
                            ctx.offsets().save(c, group, tp.topic(), tp.partition(), a.getValue().next());
                        }
                    }
                });
            } catch (SQLException ex) {
                LOG.warn("effects of {} events of region {} not committed, will retry: {}", applied.size(),
                        ctx.region().code(), ex.toString());
                applied.keySet().forEach(tp -> consumer.seek(tp, first.get(tp)));
                retry = true;
                continue;
            }
            for (Map.Entry<TopicPartition, DispatchBatch.Applied> a : applied.entrySet()) {
                DispatchBatch.Applied done = a.getValue();
                eventsApplied += done.effects();
                positions.put(a.getKey(), done.next());
                if (!done.complete()) {
                    consumer.seek(a.getKey(), done.next());
                    retry = true;
                }
                done.launched().forEach(r -> LOG.info("dispatched file={} attempt={} region={} queued={}",
                        r.fileId(), r.attempt(), r.region().code(), queued.contains(r)));
            }
            // On this thread: on the launch threads it would wait behind earlier launches.
            queued.forEach(this::tellLauncher);
            queued.forEach(this::launchAfterCommit);
        }
        if (retry) {
            backoff();
        }
    }

    /** The launcher learns of each committed QUEUED row (the in-process queue takes it now). */
    private void tellLauncher(ConversionRequest request) {
        try {
            launcher.dispatched(request);
        } catch (Exception e) {
            // The event's effect is committed: the QUEUED row is found again by the sweeper (or at start).
            LOG.warn("file={} attempt={}: queued, but the launcher failed to take it: {}", request.fileId(),
                    request.attempt(), e.toString());
        }
    }

    /** How often a committed attempt's launch is tried before the sweeper is left to do it. */
    static final int LAUNCH_TRIES = 4;

    /**
     * Launches a committed attempt on the launch threads, retrying with back-off (API server briefly away); after
     * {@link #LAUNCH_TRIES} the QUEUED row is the sweeper's, which launches rows left without their resource.
     */
    private void launchAfterCommit(ConversionRequest request) {
        try {
            launches.execute(() -> {
                try (LogContext ignored = LogContext.forFile(request.fileId(), request.userId(), request.region(),
                        request.attempt(), request.requestId())) {
                    for (int attempt = 1; running.get(); attempt++) {
                        try {
                            launcher.launch(request);
                            return;
                        } catch (Exception e) {
                            if (attempt >= LAUNCH_TRIES) {
                                LOG.warn("file={} attempt={}: queued, but its launch failed {} times ({}); the sweeper"
                                        + " launches it", request.fileId(), request.attempt(), attempt, e.toString());
                                return;
                            }
                            Thread.sleep(250L << attempt);
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt(); // stopping: the sweeper launches what is left
                }
            });
        } catch (RejectedExecutionException e) {
            LOG.info("file={} attempt={}: not launched, the dispatcher is stopping (the sweeper launches it)",
                    request.fileId(), request.attempt());
        }
    }

    /** What {@code rec} asks for; a new attempt's row read starts at once. */
    private DispatchBatch.Step plan(ConsumerRecord<String, String> rec) {
        RegionContext ctx = regions.get(Region.fromTopic(rec.topic()));
        DispatchBatch.Skip skip = new DispatchBatch.Skip(rec.offset());
        FileChange change;
        try {
            change = FileChange.parse(rec.value()).orElse(null);
        } catch (FileChange.UnusableEvent e) {
            // Retrying cannot make it usable and would hold up every later event of the partition: record, skip.
            // Never the payload in the log: it is untrusted content.
            recovery.eventSkipped(ctx.region(), e.reason());
            LOG.warn("skipped unusable change event at {}-{} offset {} ({}: {})", rec.topic(), rec.partition(),
                    rec.offset(), e.reason(), e.getMessage());
            return skip;
        }
        if (change == null) {
            return skip;
        }
        if (change.sourceTsMs() > 0) {
            metrics.changeEventRead(ctx.region(), Instant.ofEpochMilli(change.sourceTsMs()));
        }
        if (change.isNewAttempt()) {
            // The row read runs side by side with the batch's others.
            return DispatchBatch.launch(rec.offset(), () -> attemptIfUploaded(ctx, change), reads);
        }
        if (change.isCancellation()) {
            return new DispatchBatch.Cancel(rec.offset(), new ConversionRequest(change.fileId(), null, ctx.region(),
                    null, null, null, change.attempts(), null, null));
        }
        return skip;
    }

    /**
     * The event's attempt while its row is UPLOADED at that attempt; null when there is nothing to dispatch. Owner,
     * type and request id come from the row, keys from the ids: nothing of the event but the id, status and attempt
     * decides what is converted.
     */
    private ConversionRequest attemptIfUploaded(RegionContext ctx, FileChange change) throws Exception {
        Optional<FileRecord> row = RowBehindEvent.read(() -> ctx.files().find(change.fileId()), change.attempts());
        try (LogContext ignored = LogContext.forFile(change.fileId(), row.map(FileRecord::userId).orElse(null),
                ctx.region(), change.attempts(), row.map(FileRecord::requestId).orElse(null))) {
            if (row.isEmpty()) {
                LOG.info("file={} is not in region {} (deleted or moved): nothing to dispatch", change.fileId(),
                        ctx.region().code());
                return null;
            }
            if (row.get().status() != FileStatus.UPLOADED || row.get().attempts() != change.attempts()) {
                // A replayed event of an attempt that was dispatched, finished or superseded: launching again would
                // convert it twice once its resource expired.
                LOG.info("file={} attempt={} is {} at attempt {}: already dispatched, nothing to do",
                        change.fileId(), change.attempts(), row.get().status(), row.get().attempts());
                return null;
            }
            return request(ctx, change, row.get());
        }
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
        reads.shutdownNow();
        launches.shutdownNow();
    }
}
