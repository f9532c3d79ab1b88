package io.fileconv.core.schema;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * What a process does with its schemas before it works: with FILECONV_DB_MIGRATE=true (the default; the embedded
 * stack and the tests) it migrates them itself; with false (a cluster, where the migration Job runs first) it only
 * checks that each one is at least at the version this code ships. Either way it retries with a bounded back-off
 * until every schema is usable, and meanwhile {@link #reason()} says why not (readiness answers 503 with it) — the
 * process waits instead of starting consumers against an empty or old schema.
 */
public final class SchemaGate implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SchemaGate.class);
    static final Duration FIRST_RETRY = Duration.ofMillis(500);
    static final Duration MAX_RETRY = Duration.ofSeconds(15);

    private final boolean migrate;
    private final List<SchemaTarget> targets;
    private volatile String reason = "schemas not checked yet";
    private volatile boolean closed;
    private Thread background;

    public SchemaGate(boolean migrate, List<SchemaTarget> targets) {
        this.migrate = migrate;
        this.targets = List.copyOf(targets);
    }

    /** A gate over nothing: open at once (tests of process wiring without a database). */
    public static SchemaGate open() {
        SchemaGate gate = new SchemaGate(false, List.of());
        gate.reason = null;
        return gate;
    }

    public boolean isOpen() {
        return reason == null;
    }

    /** Why the process is not ready, e.g. "schema fileconv_in at version 1, needs 2"; null once open. */
    public String reason() {
        return reason;
    }

    /** One attempt: migrate (if configured) and check every schema; true when all are usable. */
    public boolean tryOpen() {
        if (isOpen()) {
            return true;
        }
        for (SchemaTarget t : targets) {
            if (migrate) {
                try {
                    SchemaVersions.migrate(t);
                } catch (RuntimeException e) {
                    reason = "migrating schema " + t.schema() + " failed: " + SchemaVersions.rootMessage(e);
                    return false;
                }
            }
            Optional<String> missing = SchemaVersions.missing(t);
            if (missing.isPresent()) {
                reason = missing.get() + (migrate ? "" : " (FILECONV_DB_MIGRATE=false: waiting for the migration"
                        + " job, io.fileconv.operator.migrate.MigrateMain)");
                return false;
            }
        }
        reason = null;
        return true;
    }

    /** Blocks until the gate opens; false if {@link #close()} or {@code keepWaiting} ended the wait first. */
    public boolean awaitOpen(BooleanSupplier keepWaiting) throws InterruptedException {
        long delay = FIRST_RETRY.toMillis();
        while (!tryOpen()) {
            LOG.warn("not ready: {}; checking again in {} ms", reason, delay);
            long until = System.nanoTime() + Duration.ofMillis(delay).toNanos();
            while (System.nanoTime() - until < 0) {
                if (closed || !keepWaiting.getAsBoolean()) {
                    return false;
                }
                Thread.sleep(Math.min(100, delay));
            }
            delay = Math.min(delay * 2, MAX_RETRY.toMillis());
        }
        LOG.info("schemas ready: {}", targets.stream().map(SchemaTarget::schema).toList());
        return true;
    }

    /** Waits on a thread of its own and then runs {@code onOpen} there (for processes that serve while waiting). */
    public synchronized void openInBackground(Runnable onOpen) {
        background = new Thread(() -> {
            try {
                if (awaitOpen(() -> true)) {
                    onOpen.run();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                LOG.error("starting after the schema check failed", e);
            }
        }, "schema-gate");
        background.setDaemon(true);
        background.start();
    }

    @Override
    public synchronized void close() throws InterruptedException {
        closed = true;
        if (background != null) {
            background.join(5_000);
        }
    }
}
