package io.fileconv.core;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * What a process started, closed in reverse order of start: later parts use earlier ones (a dispatcher its
 * connection pool), so they stop first. A part that fails to close is logged and the rest still close, so one
 * stuck client never leaves a broker or a database running.
 */
public final class Closer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Closer.class);

    private final String owner;
    private final Deque<AutoCloseable> parts = new ArrayDeque<>();

    /** @param owner names the process in the log line of a failed close ("API", "operator") */
    public Closer(String owner) {
        this.owner = owner;
    }

    /** Registers {@code part} (null is ignored) and returns it. */
    public synchronized <T extends AutoCloseable> T push(T part) {
        if (part != null) {
            parts.push(part);
        }
        return part;
    }

    /** Closes everything pushed, last first; safe to call again (there is nothing left the second time). */
    @Override
    public void close() {
        boolean interrupted = false;
        AutoCloseable part;
        while ((part = next()) != null) {
            try {
                part.close();
            } catch (Exception | Error e) {
                interrupted |= e instanceof InterruptedException;
                LOG.warn("{}: stopping {} failed: {}", owner, part.getClass().getSimpleName(), e.toString());
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private synchronized AutoCloseable next() {
        return parts.poll();
    }
}
