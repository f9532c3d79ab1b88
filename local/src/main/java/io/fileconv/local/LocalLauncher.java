package io.fileconv.local;

import io.fileconv.converter.ConversionTask;
import io.fileconv.core.ConversionFailure;
import io.fileconv.core.ConversionLauncher;
import io.fileconv.core.ConversionRequest;
import io.fileconv.core.FileRecord;
import io.fileconv.core.FileRepository;
import io.fileconv.core.FileStatus;
import io.fileconv.core.LogContext;
import io.fileconv.core.ObjectStore;
import io.fileconv.core.Region;
import io.fileconv.core.S3Keys;
import io.fileconv.core.metrics.MetricNames;
import io.fileconv.core.metrics.PipelineMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The embedded stack's adapter of the launcher port: runs the converter in-process on the warm office pool
 * instead of creating a FileConversion and a Job. Launches are deduplicated per (file, attempt); the claim
 * QUEUED -> CONVERTING is conditional, so only one run of an attempt gets to convert. Work lost in a crash is
 * found again at start ({@link #resumeInterrupted}) from the rows left in QUEUED or CONVERTING.
 */
public final class LocalLauncher implements ConversionLauncher {
    private static final Logger LOG = LoggerFactory.getLogger(LocalLauncher.class);
    private static final long CLAIM_WAIT_MS = 30_000;

    private final Map<Region, FileRepository> repositories;
    private final java.util.concurrent.BlockingQueue<ConverterSlot> freeSlots;
    private final Map<String, ConverterSlot> busySlots = new ConcurrentHashMap<>();
    private final Set<String> cancelled = ConcurrentHashMap.newKeySet();
    private final ObjectStore store;
    private final ConversionLog log;
    private final ExecutorService workers;
    private final Map<String, Future<?>> inFlight = new ConcurrentHashMap<>();
    private final Set<String> seen = Collections.newSetFromMap(Collections.synchronizedMap(
            new LinkedHashMap<>(1024, 0.75f, false) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                    return size() > 100_000;
                }
            }));
    /** False once stopping: no new claims. In-flight conversions still finish and record their outcome. */
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicBoolean closed = new AtomicBoolean(false);
    private final AtomicLong conversions = new AtomicLong();
    private final PipelineMetrics metrics;

    /** @param metrics conversion time/outcome and pipeline latency, recorded here as the operator does in a cluster */
    public LocalLauncher(Map<Region, FileRepository> repositories, List<ConverterSlot> slots, ObjectStore store,
                         ConversionLog log, PipelineMetrics metrics) {
        this.metrics = metrics;
        this.repositories = repositories;
        this.freeSlots = new java.util.concurrent.ArrayBlockingQueue<>(slots.size(), false, slots);
        this.store = store;
        this.log = log;
        this.workers = Executors.newFixedThreadPool(slots.size(), r -> new Thread(r, "converter"));
    }

    /** Conversions this process ran to an outcome (converted or failed). */
    public long conversions() {
        return conversions.get();
    }

    @Override
    public void launch(ConversionRequest req) {
        String key = key(req.fileId(), req.attempt());
        if (!running.get() || !seen.add(key)) {
            return;
        }
        inFlight.put(key, workers.submit(() -> {
            try {
                run(req);
            } finally {
                inFlight.remove(key);
            }
        }));
    }

    @Override
    public void cancel(Region region, String fileId, int attempt) {
        String key = key(fileId, attempt);
        cancelled.add(key);
        Future<?> f = inFlight.get(key);
        if (f != null) {
            // A queued attempt never starts. A running one is stopped for real: its office process is killed, so
            // the conversion fails at once and JODConverter starts a fresh process. The worker thread is not
            // interrupted: an interrupt inside JODConverter's task wait leaves the pool entry unable to restart.
            // A result that still arrives is discarded by the conditional CONVERTING -> CONVERTED.
            f.cancel(false);
            ConverterSlot slot = busySlots.get(key);
            if (slot != null) {
                LOG.info("stopping the running conversion of file={} attempt={}", fileId, attempt);
                slot.kill();
            }
        }
    }

    /** Re-launches attempts that a previous run of this process dispatched but did not finish. */
    public void resumeInterrupted() throws SQLException {
        // A worker starting while MySQL restarts waits for it instead of dying: its work would wait anyway.
        for (int attempt = 1; ; attempt++) {
            try {
                resumeOnce();
                return;
            } catch (SQLException e) {
                if (attempt >= 60 || !running.get()) {
                    throw e;
                }
                LOG.warn("cannot read interrupted work yet, retrying: {}", e.toString());
                sleep(1000);
            }
        }
    }

    private void resumeOnce() throws SQLException {
        for (FileRepository repo : repositories.values()) {
            for (FileRecord f : repo.findInStatus(EnumSet.of(FileStatus.QUEUED, FileStatus.CONVERTING))) {
                LOG.info("resuming file={} attempt={} status={}", f.id(), f.attempts(), f.status());
                launch(new ConversionRequest(f.id(), f.userId(), f.region(), bucketOf(f.region()),
                        S3Keys.input(f.userId(), f.id()), S3Keys.output(f.userId(), f.id()), f.attempts(),
                        f.detectedType(), f.requestId()));
            }
        }
    }

    private final Map<Region, String> buckets = new ConcurrentHashMap<>();

    public LocalLauncher withBucket(Region region, String bucket) {
        buckets.put(region, bucket);
        return this;
    }

    private String bucketOf(Region region) {
        return buckets.getOrDefault(region, region.defaultBucket());
    }

    private void run(ConversionRequest req) {
        try (LogContext ignored = LogContext.forRequest(req)) {
            convert(req);
        }
    }

    private void convert(ConversionRequest req) {
        FileRepository repo = repositories.get(req.region());
        if (!claim(repo, req)) {
            return;
        }
        recordRow(repo, req, metrics::conversionStarted);
        String key = key(req.fileId(), req.attempt());
        ConverterSlot slot;
        try {
            slot = freeSlots.take();
        } catch (InterruptedException e) {
            return; // cancelled while waiting for a free office process
        }
        long ms;
        long t0 = System.nanoTime();
        busySlots.put(key, slot);
        try {
            if (cancelled.contains(key)) {
                return;
            }
            ms = slot.task().run(req, () -> cancelled.contains(key));
        } catch (ConversionFailure f) {
            if (Thread.currentThread().isInterrupted() || closed.get() || cancelled.contains(key)) {
                LOG.info("attempt file={} attempt={} interrupted", req.fileId(), req.attempt());
                return;
            }
            log.append(req.fileId(), req.attempt(), "FAILED:" + f.failureClass());
            conversions.incrementAndGet();
            String outcome = MetricNames.outcome(f.failureClass());
            metrics.conversionFinished(req.detectedType(), outcome, Duration.ofNanos(System.nanoTime() - t0));
            Boolean failed = retrying(() -> repo.markFailed(req.fileId(), req.attempt(), f.failureClass(), f.getMessage()));
            if (Boolean.TRUE.equals(failed)) {
                recordRow(repo, req, row -> metrics.terminal(row, outcome));
            }
            LOG.info("failed file={} attempt={} class={} reason={}", req.fileId(), req.attempt(), f.failureClass(),
                    f.getMessage());
            return;
        } finally {
            busySlots.remove(key);
            try {
                slot.recoverIfKilled();
            } finally {
                freeSlots.add(slot);
            }
        }
        log.append(req.fileId(), req.attempt(), "CONVERTED");
        conversions.incrementAndGet();
        metrics.conversionFinished(req.detectedType(), MetricNames.CONVERTED, Duration.ofMillis(ms));
        Boolean applied = retrying(() -> repo.markConverted(req.fileId(), req.attempt(), ms));
        if (Boolean.TRUE.equals(applied)) {
            recordRow(repo, req, row -> metrics.terminal(row, MetricNames.CONVERTED));
        }
        if (Boolean.FALSE.equals(applied)) {
            // Cancelled while converting: the PDF must never be served, so it is not kept either.
            store.delete(req.bucket(), req.outputKey());
            LOG.info("discarded PDF of file={} attempt={}: no longer converting", req.fileId(), req.attempt());
        }
    }

    /** Metrics need the row's created_at; a failed look-up costs a sample, never the conversion. */
    private static void recordRow(FileRepository repo, ConversionRequest req,
                                  java.util.function.Consumer<FileRecord> record) {
        try {
            repo.find(req.fileId()).ifPresent(record);
        } catch (SQLException e) {
            LOG.debug("no metrics for file={}: {}", req.fileId(), e.toString());
        }
    }

    /** QUEUED -> CONVERTING; waits briefly while the dispatcher's transaction (UPLOADED -> QUEUED) commits. */
    private boolean claim(FileRepository repo, ConversionRequest req) {
        long deadline = System.currentTimeMillis() + CLAIM_WAIT_MS;
        while (running.get() && !Thread.currentThread().isInterrupted()) {
            try {
                if (repo.claimForConversion(req.fileId(), req.attempt())) {
                    return true;
                }
                // Not claimable yet: the dispatcher's UPLOADED -> QUEUED may still be uncommitted (InnoDB's
                // semi-consistent read lets our UPDATE skip the locked row), or it committed just after our UPDATE.
                FileRecord now = repo.find(req.fileId()).orElse(null);
                boolean pending = now != null && now.attempts() == req.attempt()
                        && (now.status() == FileStatus.UPLOADED || now.status() == FileStatus.QUEUED);
                if (!pending || System.currentTimeMillis() > deadline) {
                    return false;
                }
            } catch (SQLException e) {
                LOG.warn("claim of file={} not possible yet: {}", req.fileId(), e.toString());
            }
            sleep(10); // the dispatcher commits right after launching: a short poll keeps the hand-over cheap
        }
        return false;
    }

    private interface SqlCall<T> {
        T call() throws SQLException;
    }

    /** Outcomes are retried until MySQL takes them; if the process dies first, the attempt is resumed at start. */
    private <T> T retrying(SqlCall<T> call) {
        int failuresWhileStopping = 0;
        while (!closed.get()) {
            try {
                return call.call();
            } catch (SQLException e) {
                // Stopping with MySQL already gone (e.g. Ctrl-C stops both): give up after a few tries; the
                // attempt is still QUEUED/CONVERTING and the next start converts it again.
                if (!running.get() && ++failuresWhileStopping >= 5) {
                    LOG.warn("outcome not stored before stopping; it will be redone at the next start: {}", e.toString());
                    return null;
                }
                LOG.warn("storing an outcome failed, retrying: {}", e.toString());
                sleep(500);
            }
        }
        return null;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String key(String fileId, int attempt) {
        return fileId + "#" + attempt;
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        workers.shutdown();
        if (!workers.awaitTermination(60, TimeUnit.SECONDS)) {
            closed.set(true);
            workers.shutdownNow();
            workers.awaitTermination(10, TimeUnit.SECONDS);
        }
        closed.set(true);
    }
}
