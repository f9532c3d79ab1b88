package io.fileconv.local;

import io.fileconv.converter.ConversionTask;
import io.fileconv.converter.DocumentConverter;
import io.fileconv.converter.OfficePool;
import io.fileconv.converter.OfficePoolConfig;
import io.fileconv.core.ObjectStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;

/**
 * One worker slot of the LocalLauncher: a single-process office pool and the task that converts on it. Cancelling
 * the slot's running conversion kills its soffice; before the slot takes new work it is restarted as a whole,
 * because JODConverter's own restart can fail when a process is killed while it is starting one.
 */
public final class ConverterSlot implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ConverterSlot.class);

    private final OfficePoolConfig config;
    private final ObjectStore store;
    private final Path scratch;
    private volatile OfficePool pool;
    private volatile ConversionTask task;
    private volatile boolean killed;

    public ConverterSlot(OfficePoolConfig config, ObjectStore store, Path scratch) throws Exception {
        this.config = config;
        this.store = store;
        this.scratch = scratch;
        start();
    }

    private void start() throws Exception {
        pool = OfficePool.start(config);
        task = new ConversionTask(store, new DocumentConverter(pool), scratch);
        killed = false;
    }

    ConversionTask task() {
        return task;
    }

    /** Stops the conversion running in this slot now (its office process dies). */
    synchronized void kill() {
        if (!killed) {
            killed = true;
            pool.killOfficeProcesses();
        }
    }

    /** Called by the worker before the slot is reused: a killed slot gets a fresh pool. */
    synchronized void recoverIfKilled() {
        if (!killed) {
            return;
        }
        LOG.info("restarting the office process of a cancelled conversion");
        pool.close();
        try {
            start();
        } catch (Exception e) {
            throw new IllegalStateException("office process could not be restarted", e);
        }
    }

    @Override
    public void close() {
        pool.close();
    }
}
