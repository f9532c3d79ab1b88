package io.fileconv.pipeline.sweep;

import io.fileconv.core.ConversionLauncher;
import io.fileconv.core.ConversionRequest;
import io.fileconv.core.Env;
import io.fileconv.core.FailureClass;
import io.fileconv.core.FileRecord;
import io.fileconv.core.FileRepository;
import io.fileconv.core.FileStatus;
import io.fileconv.core.LogContext;
import io.fileconv.core.Region;
import io.fileconv.core.metrics.RecoveryMetrics;
import io.fileconv.pipeline.LeaderTask;
import io.fileconv.pipeline.PeriodicPass;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Nothing stays stuck: every {@code interval} the leader looks for rows QUEUED or CONVERTING unchanged for longer
 * than {@code grace} whose attempt has no resource (deleted too early, never created, or lost with the cluster's
 * state) and drives them on through the one state machine:
 * <ul>
 *   <li>QUEUED without a resource: launched again (the launch is idempotent per attempt, AlreadyExists is
 *   success), and the reconciler converts it as any other;</li>
 *   <li>CONVERTING without a resource: nothing can report its outcome any more, so it ends FAILED with
 *   {@link FailureClass#INTERNAL} (retryable) and the reason; the retry job puts it back.</li>
 * </ul>
 * A row with a live resource is left alone, however old: its reconciler owns it. The grace period covers the
 * moment between a dispatcher's launch and its commit, and an informer that has not seen a new resource yet.
 */
public final class ConversionSweeper implements LeaderTask {
    private static final Logger LOG = LoggerFactory.getLogger(ConversionSweeper.class);
    private static final Set<FileStatus> IN_FLIGHT = EnumSet.of(FileStatus.QUEUED, FileStatus.CONVERTING);
    private static final int PAGE = 200;

    /** Whether the attempt of a request still has its resource (a FileConversion, in a cluster). */
    @FunctionalInterface
    public interface Resources {
        boolean exists(ConversionRequest request) throws Exception;
    }

    /**
     * @param interval time between passes (FILECONV_SWEEP_SECONDS); zero or negative: no sweeper
     * @param grace    how long a row must be unchanged before it is looked at (FILECONV_SWEEP_GRACE_SECONDS)
     */
    public record Settings(Duration interval, Duration grace) {
        /** FILECONV_SWEEP_SECONDS (0 = off) and FILECONV_SWEEP_GRACE_SECONDS. */
        public static Settings from(Env env) {
            return new Settings(env.getSeconds("FILECONV_SWEEP_SECONDS", 60),
                    env.getSeconds("FILECONV_SWEEP_GRACE_SECONDS", 300));
        }

        public boolean enabled() {
            return interval.compareTo(Duration.ZERO) > 0;
        }
    }

    private final Map<Region, FileRepository> repositories;
    private final Function<Region, String> buckets;
    private final ConversionLauncher launcher;
    private final Resources resources;
    private final Settings settings;
    private final RecoveryMetrics metrics;
    private PeriodicPass timer;

    public ConversionSweeper(Map<Region, FileRepository> repositories, Function<Region, String> buckets,
                             ConversionLauncher launcher, Resources resources, Settings settings,
                             RecoveryMetrics metrics) {
        this.repositories = new EnumMap<>(repositories);
        this.buckets = buckets;
        this.launcher = launcher;
        this.resources = resources;
        this.settings = settings;
        this.metrics = metrics.withRepairs(repositories.keySet());
    }

    @Override
    public synchronized void start() {
        if (timer != null || !settings.enabled()) {
            return;
        }
        timer = new PeriodicPass("fileconv-sweeper", "sweep", settings.interval(), settings.interval(), this::sweep,
                LOG);
        LOG.info("sweeper on: every {} s, rows unchanged for {} s", settings.interval().toSeconds(),
                settings.grace().toSeconds());
    }

    /** One pass over every region; returns the number of rows repaired. A region that fails is retried next pass. */
    public int sweep() {
        int repaired = 0;
        for (Map.Entry<Region, FileRepository> e : repositories.entrySet()) {
            try {
                repaired += sweep(e.getKey(), e.getValue());
            } catch (Exception ex) {
                LOG.warn("sweep of region {} failed: {}", e.getKey().code(), ex.toString());
            }
        }
        return repaired;
    }

    private int sweep(Region region, FileRepository files) throws Exception {
        int repaired = 0;
        String after = null;
        while (true) {
            List<FileRecord> page = files.findUnchanged(IN_FLIGHT, settings.grace(), after, PAGE);
            for (FileRecord row : page) {
                if (repair(region, files, row)) {
                    repaired++;
                }
            }
            if (page.size() < PAGE) {
                return repaired;
            }
            after = page.get(page.size() - 1).id();
        }
    }

    private boolean repair(Region region, FileRepository files, FileRecord row) throws Exception {
        ConversionRequest request = ConversionRequest.forRow(row, buckets.apply(region));
        if (resources.exists(request)) {
            return false;
        }
        try (LogContext ignored = LogContext.forFile(row.id(), row.userId(), region, row.attempts(),
                row.requestId())) {
            if (row.status() == FileStatus.QUEUED) {
                launcher.launch(request);
                metrics.repaired(region, RecoveryMetrics.RELAUNCHED);
                LOG.warn("file {} attempt {}: QUEUED for more than {} s without its conversion; launched again",
                        row.id(), row.attempts(), settings.grace().toSeconds());
                return true;
            }
            String reason = "conversion lost: attempt " + row.attempts() + "'s conversion no longer exists while the"
                    + " file was converting (unchanged for more than " + settings.grace().toSeconds() + " s)";
            if (files.markFailed(row.id(), row.attempts(), FailureClass.INTERNAL, reason)) {
                metrics.repaired(region, RecoveryMetrics.FAILED);
                LOG.warn("file {} attempt {}: {}; FAILED (retryable)", row.id(), row.attempts(), reason);
                return true;
            }
            return false; // the row moved on meanwhile (converted, cancelled): nothing to repair
        }
    }

    @Override
    public synchronized void close() {
        if (timer != null) {
            timer.close();
            timer = null;
        }
    }
}
