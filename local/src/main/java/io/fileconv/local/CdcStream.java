package io.fileconv.local;

import io.debezium.engine.ChangeEvent;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.format.Json;
import io.fileconv.core.ChangeEvents;
import io.fileconv.core.Region;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Debezium's embedded engine reading one region's files table from the binlog and writing each change event to
 * that region's topic, keyed by the row id (so all events of a file stay in order on one partition). An event
 * is marked processed only after Kafka acknowledged it and every event before it ({@link InFlightEvents}): a crash
 * re-sends, never drops (the dispatcher is idempotent). In a cluster, Kafka Connect with the same connector
 * settings does this job (strimzi/).
 */
final class CdcStream implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CdcStream.class);
    static final int MAX_BATCH_SIZE = 1;
    static final long POLL_INTERVAL_MS = 500;
    /** Change events sent and not yet acknowledged, at most: the engine waits for Kafka beyond this. */
    static final int MAX_IN_FLIGHT = 1000;
    private static final Duration DRAIN_ON_CLOSE = Duration.ofSeconds(5);

    private final Region region;
    private final DebeziumEngine<ChangeEvent<String, String>> engine;
    private final ExecutorService executor;
    private final InFlightEvents inFlight;
    private final ExecutorService marker;

    private CdcStream(Region region, DebeziumEngine<ChangeEvent<String, String>> engine, ExecutorService executor,
                      InFlightEvents inFlight, ExecutorService marker) {
        this.region = region;
        this.engine = engine;
        this.executor = executor;
        this.inFlight = inFlight;
        this.marker = marker;
    }

    static Properties connectorConfig(Region region, String dbHost, int dbPort, Path stateDir) throws IOException {
        Properties p = new Properties();
        // Debezium registers JMX beans under the topic prefix: two stacks in one JVM (tests) need distinct ones, and
        // the prefix keys the stored offsets, so it must stay the same across restarts of one data directory.
        String instance = instanceId(stateDir);
        p.setProperty("name", "fileconv-cdc-" + region.code() + "-" + instance);
        p.setProperty("connector.class", "io.debezium.connector.mariadb.MariaDbConnector");
        p.setProperty("offset.storage", "org.apache.kafka.connect.storage.FileOffsetBackingStore");
        p.setProperty("offset.storage.file.filename", stateDir.resolve("offsets-" + region.code() + ".dat").toString());
        p.setProperty("offset.flush.interval.ms", "1000");
        p.setProperty("database.hostname", dbHost);
        p.setProperty("database.port", String.valueOf(dbPort));
        p.setProperty("database.user", "root");
        p.setProperty("database.password", "");
        p.setProperty("database.ssl.mode", "disable");
        p.setProperty("database.server.id", String.valueOf(5400 + region.ordinal()));
        p.setProperty("topic.prefix", "fileconv-" + region.code() + "-" + instance);
        p.setProperty("database.include.list", region.database());
        p.setProperty("table.include.list", region.database() + ".files");
        p.setProperty("column.include.list", ChangeEvents.columnIncludeList(region));
        p.setProperty("include.schema.changes", "false");
        p.setProperty("tombstones.on.delete", "false");
        p.setProperty("snapshot.mode", "initial");
        p.setProperty("snapshot.locking.mode", "none");
        p.setProperty("schema.history.internal", "io.debezium.storage.file.history.FileSchemaHistory");
        p.setProperty("schema.history.internal.file.filename",
                stateDir.resolve("schema-history-" + region.code() + ".dat").toString());
        p.setProperty("converter.schemas.enable", "false");
        // Debezium's queue hands over a batch only once it holds max.batch.size events or poll.interval.ms has
        // passed, and each idle poll ends in up to 1 ms of busy waiting (its timer counts whole milliseconds). One
        // event per batch leaves at once; the interval then only paces an idle engine. 512 events or 10 ms held a
        // lone change ~5 ms on average and cost 8% of a core per idle engine; 1 or 500 ms: 0.1 ms and 0.04%
        // (docs/PERFORMANCE.md §2). A backlog drains without waiting on the timer; the handler below does not wait
        // for Kafka per event either (up to MAX_IN_FLIGHT are unacknowledged).
        p.setProperty("max.batch.size", String.valueOf(MAX_BATCH_SIZE));
        p.setProperty("poll.interval.ms", String.valueOf(POLL_INTERVAL_MS));
        // Keep streaming through MySQL restarts: retry the connection forever with backoff.
        p.setProperty("errors.max.retries", "-1");
        p.setProperty("errors.retry.delay.initial.ms", "300");
        p.setProperty("errors.retry.delay.max.ms", "5000");
        p.setProperty("connect.keep.alive", "true");
        return p;
    }

    private static String instanceId(Path stateDir) throws IOException {
        Path file = stateDir.resolve("instance-id");
        if (!Files.exists(file)) {
            Files.createDirectories(stateDir);
            Files.writeString(file, Long.toHexString(new SecureRandom().nextLong() >>> 32));
        }
        return Files.readString(file).trim();
    }

    static CdcStream start(Region region, String dbHost, int dbPort, Path stateDir,
                           KafkaProducer<String, String> producer) throws IOException {
        Files.createDirectories(stateDir);
        ExecutorService marker = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "cdc-mark-" + region.code());
            t.setDaemon(true);
            return t;
        });
        InFlightEvents inFlight = new InFlightEvents(MAX_IN_FLIGHT, marker);
        DebeziumEngine<ChangeEvent<String, String>> engine = DebeziumEngine.create(Json.class)
                .using(connectorConfig(region, dbHost, dbPort, stateDir))
                .notifying(new ChangeEventForwarder(region, producer, inFlight))
                .using((success, message, error) -> {
                    if (!success) {
                        LOG.error("CDC engine of region {} stopped: {}", region.code(), message, error);
                    }
                })
                .build();
        ExecutorService executor = Executors.newSingleThreadExecutor(r -> new Thread(r, "cdc-" + region.code()));
        executor.execute(engine);
        return new CdcStream(region, engine, executor, inFlight, marker);
    }

    @Override
    public void close() {
        // New events wait, those in flight are acknowledged and marked, then the engine stores its offsets as it
        // stops (its stop interrupts a handler still waiting), so a clean restart normally re-sends nothing.
        inFlight.pause();
        try {
            if (!inFlight.awaitDrained(DRAIN_ON_CLOSE)) {
                LOG.info("CDC of region {}: {} change events unacknowledged at stop are sent again at the next start",
                        region.code(), inFlight.size());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            engine.close();
        } catch (Exception | Error e) {
            LOG.debug("CDC engine {} close: {}", region.code(), e.toString());
        }
        inFlight.close();
        executor.shutdown();
        marker.shutdown();
        try {
            executor.awaitTermination(15, TimeUnit.SECONDS);
            marker.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
