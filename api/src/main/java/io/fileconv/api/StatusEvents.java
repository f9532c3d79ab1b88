package io.fileconv.api;

import io.fileconv.core.FileRecord;
import io.fileconv.core.FileRepository;
import io.fileconv.core.metrics.MetricNames;
import io.javalin.http.Context;
import io.javalin.http.sse.SseClient;
import io.javalin.http.sse.SseHandler;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code GET /api/v1/events}: the caller's own status changes as Server-Sent Events ({@code event: status}, the data
 * is the file's status body), resumable with {@code Last-Event-ID}. A resume that finds more changes than it replays
 * sends {@code event: resync}: the client reloads its list. Streams are bounded per user and per instance.
 */
public final class StatusEvents implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StatusEvents.class);
    static final int MAX_STREAMS_PER_USER = 5;
    static final int MAX_STREAMS = 1_000;
    static final int RESUME_LIMIT = 1_000;

    private final CallerResolver callers;
    private final StatusFeed feed;
    private final ExecutorService sender = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "status-stream-sender");
        t.setDaemon(true);
        return t;
    });
    private final Set<EventStream> open = ConcurrentHashMap.newKeySet();
    private final Map<String, AtomicInteger> perUser = new ConcurrentHashMap<>();
    private final AtomicInteger total = new AtomicInteger();

    /**
     * @param idleTimeout the server's connection idle timeout: keep-alive comments go out at half of it (at most
     *                    every 15 s) so an idle stream is not cut by the server or a proxy
     */
    StatusEvents(CallerResolver callers, StatusFeed feed, MeterRegistry registry, Duration idleTimeout) {
        this.callers = callers;
        this.feed = feed;
        Duration keepAlive = idleTimeout.dividedBy(2).compareTo(Duration.ofSeconds(15)) < 0
                ? idleTimeout.dividedBy(2) : Duration.ofSeconds(15);
        feed.every(keepAlive, () -> open.forEach(EventStream::keepAlive));
        MetricNames.Meter m = MetricNames.STATUS_STREAMS;
        Gauge.builder(m.name(), total, AtomicInteger::get).description(m.description()).register(registry);
    }

    /** Whether two reads of a row show the same change (the feed and a resume replay can both carry one). */
    static boolean sameChange(FileRecord a, FileRecord b) {
        return a.status() == b.status() && a.attempts() == b.attempts() && a.updatedAt().equals(b.updatedAt());
    }

    public void stream(Context ctx) throws Exception {
        Caller caller = callers.resolve(ctx, false);
        String accept = ctx.header("Accept");
        if (accept == null || !accept.contains("text/event-stream")) {
            throw new Problem(406, "not-acceptable", "Not acceptable",
                    "this resource is an event stream: send Accept: text/event-stream");
        }
        String lastEventId = ctx.header("Last-Event-ID");
        FileRepository files = caller.home().files();
        StatusEventId start = lastEventId == null || lastEventId.isBlank()
                ? new StatusEventId(files.databaseNow(), "") : StatusEventId.parse(lastEventId.trim());
        admit(caller.userId());
        try {
            new SseHandler(client -> open(client, caller.userId(), files, start)).handle(ctx);
        } catch (Exception e) {
            release(caller.userId());
            throw e;
        }
    }

    private void open(SseClient client, String userId, FileRepository files, StatusEventId start) {
        EventStream stream = new EventStream(client, start, sender,
                f -> client.ctx().jsonMapper().toJsonString(FileView.of(f), Map.class));
        // Subscribed before the replay reads, so a change between the two is in one or both (sent once).
        AutoCloseable subscription = feed.subscribe(userId, stream::offer);
        open.add(stream);
        client.onClose(() -> {
            try {
                subscription.close();
            } catch (Exception impossible) {
                throw new IllegalStateException(impossible);
            }
            if (open.remove(stream)) {
                release(userId);
            }
        });
        try {
            List<FileRecord> missed = files.changedSince(userId, start.changedAt(), RESUME_LIMIT);
            missed.forEach(stream::offer);
            if (missed.size() == RESUME_LIMIT) {
                client.sendEvent("resync", "{}");
            }
        } catch (Exception e) {
            LOG.warn("status stream: reading the changes since {} failed; closing the stream", start, e);
            client.close();
            return;
        }
        client.keepAlive();
    }

    private void admit(String userId) {
        if (total.incrementAndGet() > MAX_STREAMS) {
            total.decrementAndGet();
            throw new Problem(503, "too-many-streams", "Too many event streams",
                    "this instance serves as many event streams as it can; try again shortly")
                    .with("retryAfterSeconds", 10);
        }
        AtomicInteger mine = perUser.computeIfAbsent(userId, u -> new AtomicInteger());
        if (mine.incrementAndGet() > MAX_STREAMS_PER_USER) {
            release(userId);
            throw new Problem(429, "too-many-streams", "Too many event streams",
                    "at most " + MAX_STREAMS_PER_USER + " event streams per user; close one first")
                    .with("retryAfterSeconds", 10);
        }
    }

    private void release(String userId) {
        total.decrementAndGet();
        perUser.computeIfPresent(userId, (u, n) -> n.decrementAndGet() <= 0 ? null : n);
    }

    @Override
    public void close() {
        open.forEach(s -> s.closeClient());
        sender.shutdownNow();
    }
}
