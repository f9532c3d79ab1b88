package io.fileconv.converter;

import io.fileconv.core.ConversionFailure;
import io.fileconv.core.FailureClass;
import io.fileconv.core.LogContext;
import io.fileconv.core.SupportedTypes;
import io.fileconv.core.work.WorkItem;
import io.fileconv.core.work.WorkOutcome;
import io.fileconv.core.work.WorkSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * The pooled converter's loop ("Job with a work queue"): claim a document from the {@link WorkSource} (long poll),
 * read it through its presigned GET, convert it on the warm office process, write the PDF through its presigned PUT
 * and report the outcome, heartbeating the lease meanwhile. A lost lease (cancelled, expired) stops that
 * conversion (its office process is killed and restarts) and nothing is reported. A document that fails, crashes or
 * hangs LibreOffice fails only itself. {@link #run()} returns when the source had no work for the idle limit (the
 * Job completes), or with a non-zero code when the source refuses the worker or stays unreachable.
 */
public final class ConversionWorker {
    private static final Logger LOG = LoggerFactory.getLogger(ConversionWorker.class);

    /** The source had no work for the idle limit. */
    public static final int EXIT_IDLE = 0;
    /** The source refused the worker's token. */
    public static final int EXIT_REFUSED = 3;
    /** The source could not be reached (or was not ready) for longer than {@link Settings#giveUpAfter()}. */
    public static final int EXIT_SOURCE_UNREACHABLE = 4;

    private static final Duration MIN_BACKOFF = Duration.ofMillis(250);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(10);
    /** How long an interrupted thumbnail may take to end (PDFBox's rendering does not stop for an interrupt). */
    private static final Duration THUMBNAIL_STOP_WAIT = Duration.ofSeconds(30);

    /**
     * @param idleLimit     end when no work came for this long
     * @param maxClaimWait  longest single long poll (kept below proxies' idle timeouts)
     * @param maxInputBytes larger inputs fail as BAD_INPUT without being read further
     * @param giveUpAfter   end (non-zero) when talking to the source keeps failing for this long
     */
    public record Settings(Duration idleLimit, Duration maxClaimWait, long maxInputBytes, Duration giveUpAfter) {
        public static Settings idleAfter(Duration idleLimit) {
            return new Settings(idleLimit, Duration.ofSeconds(20), 100L * 1024 * 1024, Duration.ofMinutes(2));
        }
    }

    private final WorkSource source;
    private final DocumentConverter converter;
    private final Path scratch;
    private final Settings settings;
    private final PresignedTransfers transfers;
    private volatile boolean stopRequested;
    private volatile boolean refused;
    /** Renders and uploads a document's thumbnail while its PDF is uploaded (one at a time: one document at a time). */
    private ExecutorService thumbnails;

    public ConversionWorker(WorkSource source, DocumentConverter converter, Path scratch, Settings settings) {
        this(source, converter, scratch, settings, PresignedTransfers.defaultClient());
    }

    public ConversionWorker(WorkSource source, DocumentConverter converter, Path scratch, Settings settings,
                            HttpClient storageClient) {
        this.source = source;
        this.converter = converter;
        this.scratch = scratch;
        this.settings = settings;
        this.transfers = new PresignedTransfers(storageClient, settings.maxInputBytes(), Duration.ofMinutes(10));
    }

    /** Asks the loop to end after the current document and long poll (for an in-process host shutting down). */
    public void stop() {
        stopRequested = true;
    }

    /** @return {@link #EXIT_IDLE}, {@link #EXIT_REFUSED} or {@link #EXIT_SOURCE_UNREACHABLE} */
    public int run() {
        ScheduledExecutorService heartbeats = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "lease-heartbeat");
            t.setDaemon(true);
            return t;
        });
        thumbnails = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "thumbnail");
            t.setDaemon(true);
            return t;
        });
        try {
            long idleSince = System.nanoTime();
            while (!stopRequested) {
                Duration idle = Duration.ofNanos(System.nanoTime() - idleSince);
                Duration left = settings.idleLimit().minus(idle);
                if (left.isNegative() || left.isZero()) {
                    LOG.info("no work for {} s: the worker ends", settings.idleLimit().toSeconds());
                    return EXIT_IDLE;
                }
                Duration wait = left.compareTo(settings.maxClaimWait()) < 0 ? left : settings.maxClaimWait();
                Optional<WorkItem> item = withRetry("claim work", () -> source.claim(wait));
                if (item.isPresent()) {
                    process(item.get(), heartbeats);
                    idleSince = System.nanoTime();
                }
            }
            return EXIT_IDLE;
        } catch (WorkerEnd end) {
            return end.code;
        } finally {
            heartbeats.shutdownNow();
            thumbnails.shutdownNow();
        }
    }

    private void process(WorkItem item, ScheduledExecutorService heartbeats) throws WorkerEnd {
        try (LogContext ignored = LogContext.forFile(item.fileId(), null, null, item.attempt(), null)) {
            Cancellation lease = new Cancellation();
            long period = Math.max(1000L, item.leaseSeconds() * 1000L / 3);
            ScheduledFuture<?> beat = heartbeats.scheduleAtFixedRate(() -> heartbeat(item, lease), period, period,
                    TimeUnit.MILLISECONDS);
            WorkOutcome outcome;
            Phases phases = new Phases();
            try {
                outcome = work(item, lease, phases);
            } finally {
                beat.cancel(false);
            }
            if (refused) {
                throw new WorkerEnd(EXIT_REFUSED);
            }
            if (lease.isCancelled()) {
                LOG.info("{\"event\":\"lease-lost\",\"file\":\"{}\",\"attempt\":{}}", item.fileId(), item.attempt());
                return;
            }
            if (outcome.converted()) {
                LOG.info("{\"event\":\"converted\",\"file\":\"{}\",\"attempt\":{},\"ms\":{},\"downloadMs\":{},"
                        + "\"uploadMs\":{},\"thumbnailMs\":{}}", item.fileId(), item.attempt(), outcome.conversionMs(),
                        phases.downloadMs, phases.uploadMs, phases.thumbnailMs);
            } else {
                LOG.warn("{\"event\":\"failed\",\"file\":\"{}\",\"attempt\":{},\"class\":\"{}\",\"reason\":\"{}\"}",
                        item.fileId(), item.attempt(), outcome.failureClass(),
                        String.valueOf(outcome.reason()).replace('"', '\''));
            }
            withRetry("report the outcome", () -> {
                source.report(item.leaseId(), outcome);
                return null;
            });
        }
    }

    private void heartbeat(WorkItem item, Cancellation lease) {
        try {
            if (!source.heartbeat(item.leaseId())) {
                LOG.info("lease {} is gone: stopping its conversion", item.leaseId());
                lease.cancel();
            }
        } catch (WorkSourceRefusedException e) {
            LOG.error("the work source refuses this worker: {}", e.getMessage());
            refused = true;
            lease.cancel();
        } catch (Exception e) {
            // The source decides when a lease expires; a missed beat is retried at the next period.
            LOG.warn("heartbeat of lease {} failed: {}", item.leaseId(), e.toString());
        }
    }

    /** Where a document's time went besides LibreOffice (for the log: storage and the thumbnail are per-file costs). */
    private static final class Phases {
        long downloadMs;
        long uploadMs;
        long thumbnailMs;
    }

    private static long msSince(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000;
    }

    /** Download, convert, upload; every failure becomes an outcome of this document only. */
    private WorkOutcome work(WorkItem item, Cancellation lease, Phases phases) {
        Optional<SupportedTypes.Type> type = SupportedTypes.byMediaType(item.detectedType());
        if (type.isEmpty()) {
            return WorkOutcome.failed(FailureClass.UNSUPPORTED, "type " + item.detectedType() + " is not convertible", 0);
        }
        Path dir;
        try {
            dir = Files.createTempDirectory(Files.createDirectories(scratch), "work-");
        } catch (IOException e) {
            QuietFailures.of(FailureClass.INTERNAL, "no scratch space", e);
            return WorkOutcome.failed(FailureClass.INTERNAL, "no scratch space", 0);
        }
        long started = 0;
        try {
            Path input = dir.resolve("document." + type.get().canonicalExtension());
            Path output = dir.resolve("document.pdf");
            long t = System.nanoTime();
            transfers.download(item.sourceUrl(), input);
            phases.downloadMs = msSince(t);
            started = System.nanoTime();
            Duration limit = item.timeoutSeconds() > 0 ? Duration.ofSeconds(item.timeoutSeconds()) : null;
            long ms = converter.convert(input, output, lease, limit, item.options(), item.password());
            // A cancel reaches the worker at its next heartbeat: ask once more before writing the PDF, so a
            // cancelled file's PDF is not written (the source discards one that a cancel still overtakes).
            heartbeat(item, lease);
            if (lease.isCancelled()) {
                return null;
            }
            // The thumbnail is read from the local PDF, so it needs not wait for the PDF's upload: both go at once
            // (the outcome still waits for both, so a CONVERTED file has its thumbnail when it has one at all).
            Future<Boolean> thumbnail = item.thumbnailUrl() == null ? null : thumbnails.submit(() -> {
                try (LogContext ignored = LogContext.forFile(item.fileId(), null, null, item.attempt(), null)) {
                    long began = System.nanoTime();
                    try {
                        return thumbnail(item, output, dir.resolve("thumbnail.png"));
                    } finally {
                        phases.thumbnailMs = msSince(began);
                    }
                }
            });
            boolean pdfWritten = false;
            Boolean thumbnailWritten;
            t = System.nanoTime();
            try {
                transfers.upload(output, item.targetUrl());
                pdfWritten = true;
                phases.uploadMs = msSince(t);
            } finally {
                // Settled before the scratch directory is deleted; a failed attempt's thumbnail is not written on.
                thumbnailWritten = thumbnail == null ? null : settleThumbnail(item, thumbnail, pdfWritten);
            }
            return WorkOutcome.converted(ms, thumbnailWritten);
        } catch (ConversionFailure f) {
            long ms = started == 0 ? 0 : msSince(started);
            return WorkOutcome.failed(f.failureClass(), f.getMessage(), ms);
        } catch (RuntimeException e) {
            LOG.error("unexpected failure converting {}", item.fileId(), e);
            return WorkOutcome.failed(FailureClass.INTERNAL, "converter error: " + e, 0);
        } finally {
            deleteQuietly(dir);
        }
    }

    /**
     * The thumbnail's result once the PDF is written; when the PDF's upload failed or the host is stopping, the
     * thumbnail is interrupted instead (it counts as not written), and its thread is waited for a bounded time so
     * that it does not write into a scratch directory being deleted.
     */
    private Boolean settleThumbnail(WorkItem item, Future<Boolean> thumbnail, boolean wanted) {
        boolean interrupted = false;
        if (wanted) {
            try {
                return thumbnail.get();
            } catch (InterruptedException e) {
                interrupted = true;
            } catch (ExecutionException e) {
                LOG.warn("{\"event\":\"thumbnail-failed\",\"file\":\"{}\",\"attempt\":{},\"reason\":\"{}\"}",
                        item.fileId(), item.attempt(), e.getCause().getClass().getSimpleName());
                return false;
            }
        }
        thumbnail.cancel(true);
        interrupted |= Thread.interrupted(); // the bounded wait below must not end at once
        try {
            // One thread runs thumbnails in order: this no-op runs once the cancelled one has ended.
            thumbnails.submit(() -> { }).get(THUMBNAIL_STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            interrupted = true;
        } catch (ExecutionException | TimeoutException | RejectedExecutionException e) {
            LOG.warn("thumbnail of {} still running after its conversion ended: {}", item.fileId(), e.toString());
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        return false;
    }

    /**
     * Renders and uploads the first page's PNG; a failure is logged and reported (counted by the work source), never
     * a failure of the conversion. Called only for an item that asks for a thumbnail.
     */
    private boolean thumbnail(WorkItem item, Path pdf, Path png) {
        try {
            ThumbnailRenderer.render(pdf, png);
            transfers.upload(png, item.thumbnailUrl(), "image/png");
            return true;
        } catch (IOException | ConversionFailure | RuntimeException | LinkageError e) {
            // LinkageError too: a renderer missing from the classpath must not end the worker's thread.
            LOG.warn("{\"event\":\"thumbnail-failed\",\"file\":\"{}\",\"attempt\":{},\"reason\":\"{}\"}",
                    item.fileId(), item.attempt(), e.getClass().getSimpleName());
            return false;
        }
    }

    private interface SourceCall<T> {
        T call() throws Exception;
    }

    /** Retries transport failures with back-off; ends the worker when refused or past the give-up bound. */
    private <T> T withRetry(String what, SourceCall<T> call) throws WorkerEnd {
        long firstFailure = 0;
        Duration backoff = MIN_BACKOFF;
        while (true) {
            try {
                return call.call();
            } catch (WorkSourceRefusedException e) {
                LOG.error("the work source refuses this worker ({}): {}", what, e.getMessage());
                throw new WorkerEnd(EXIT_REFUSED);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new WorkerEnd(EXIT_SOURCE_UNREACHABLE);
            } catch (Exception e) {
                long now = System.nanoTime();
                firstFailure = firstFailure == 0 ? now : firstFailure;
                if (Duration.ofNanos(now - firstFailure).compareTo(settings.giveUpAfter()) >= 0) {
                    LOG.error("could not {} for {} s, giving up: {}", what, settings.giveUpAfter().toSeconds(),
                            e.toString());
                    throw new WorkerEnd(EXIT_SOURCE_UNREACHABLE);
                }
                LOG.warn("could not {} ({}); retrying in {} ms", what, e.toString(), backoff.toMillis());
                try {
                    Thread.sleep(backoff.toMillis());
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new WorkerEnd(EXIT_SOURCE_UNREACHABLE);
                }
                backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
            }
        }
    }

    private static final class WorkerEnd extends Exception {
        private final int code;

        WorkerEnd(int code) {
            super(null, null, false, false);
            this.code = code;
        }
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            LOG.warn("could not clean {}", dir, e);
        }
    }
}
