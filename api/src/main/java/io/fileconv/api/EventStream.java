package io.fileconv.api;

import io.fileconv.core.FileRecord;
import io.javalin.http.sse.SseClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * One open {@code GET /api/v1/events} connection. The feed only enqueues; writing happens on a sender thread, one
 * drain at a time per stream, so a client that stops reading holds up its own stream and nobody else's. A stream that
 * falls {@link #MAX_BACKLOG} events behind is closed: its client reconnects with Last-Event-ID and catches up from
 * the database instead of from this process's memory.
 */
final class EventStream {
    private static final Logger LOG = LoggerFactory.getLogger(EventStream.class);
    static final int MAX_BACKLOG = 1_000;
    private static final Object KEEP_ALIVE = new Object();

    private final SseClient client;
    private final StatusEventId start;
    private final Executor sender;
    private final Function<FileRecord, String> json;
    private final Queue<Object> backlog = new ConcurrentLinkedQueue<>();
    private final AtomicInteger size = new AtomicInteger();
    private final AtomicBoolean draining = new AtomicBoolean();
    // Written by the draining thread only (one at a time).
    private final Map<String, FileRecord> sent = new HashMap<>();

    /**
     * @param start changes at or before it are not sent (the client has them: its Last-Event-ID, or its connect time)
     * @param json  the status body of a row, the same shape GET /api/v1/files/{id} answers
     */
    EventStream(SseClient client, StatusEventId start, Executor sender, Function<FileRecord, String> json) {
        this.client = client;
        this.start = start;
        this.sender = sender;
        this.json = json;
    }

    void offer(FileRecord f) {
        if (start.precedes(f)) {
            enqueue(f);
        }
    }

    void keepAlive() {
        enqueue(KEEP_ALIVE);
    }

    void closeClient() {
        client.close();
    }

    private void enqueue(Object item) {
        if (client.terminated()) {
            return;
        }
        if (size.incrementAndGet() > MAX_BACKLOG) {
            LOG.info("closing a status stream {} events behind; its client resumes with Last-Event-ID", MAX_BACKLOG);
            client.close();
            return;
        }
        backlog.add(item);
        if (draining.compareAndSet(false, true)) {
            sender.execute(this::drain);
        }
    }

    private void drain() {
        try {
            Object item;
            while ((item = backlog.poll()) != null) {
                size.decrementAndGet();
                if (client.terminated()) {
                    backlog.clear();
                    return;
                }
                if (item == KEEP_ALIVE) {
                    client.sendComment("keep-alive");
                } else {
                    send((FileRecord) item);
                }
            }
        } finally {
            draining.set(false);
            // An offer that raced with the end of the loop found draining still true: pick its item up now.
            if (!backlog.isEmpty() && draining.compareAndSet(false, true)) {
                sender.execute(this::drain);
            }
        }
    }

    private void send(FileRecord f) {
        FileRecord before = sent.get(f.id());
        if (before != null && (StatusEvents.sameChange(before, f) || f.updatedAt().isBefore(before.updatedAt()))) {
            return; // the resume replay and the live feed can both carry a change; an older one is stale
        }
        if (sent.size() >= 10_000) {
            sent.clear(); // bounded memory; a rare duplicate after this is harmless (events are idempotent)
        }
        sent.put(f.id(), f);
        client.sendEvent("status", json.apply(f), StatusEventId.of(f).toString());
    }
}
