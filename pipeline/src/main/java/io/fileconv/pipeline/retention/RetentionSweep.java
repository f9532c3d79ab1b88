package io.fileconv.pipeline.retention;

import io.fileconv.core.Env;
import io.fileconv.core.FileRepository;
import io.fileconv.core.Region;
import io.fileconv.core.UserDirectory;
import io.fileconv.core.deletion.DeletionReason;
import io.fileconv.core.deletion.ExpiredFiles;
import io.fileconv.core.deletion.FileEraser;
import io.fileconv.pipeline.LeaderTask;
import io.fileconv.pipeline.PeriodicPass;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Deletes terminal files (CONVERTED, FAILED, CANCELLED) that finished more than FILECONV_RETENTION_DAYS ago, through
 * the same {@link FileEraser} as the API's DELETE. Runs on the operator's leader (one pass at a time in the cluster)
 * and in the embedded stack's worker. Files of a user frozen by a region move or living in another region are left
 * to the move: it owns those rows until it has cleaned up (the retry job's rule, {@code RetryMain.livesHere}).
 */
public final class RetentionSweep implements LeaderTask {
    private static final Logger LOG = LoggerFactory.getLogger(RetentionSweep.class);
    private static final int PAGE = 200;
    /** How long a deleted file's id is remembered for region moves' clean-up ({@code deleted_files}). */
    static final Duration DELETION_RECORDS_KEPT = Duration.ofDays(90);
    private static final Duration FIRST_PASS_AT_THE_LATEST = Duration.ofMinutes(1);

    /**
     * @param retention how long a terminal file is kept (FILECONV_RETENTION_DAYS; zero: forever, no job)
     * @param interval  time between passes (FILECONV_RETENTION_SWEEP_SECONDS)
     */
    public record Settings(Duration retention, Duration interval) {
        /**
         * FILECONV_RETENTION_DAYS (unset or 0: files are kept forever) and FILECONV_RETENTION_SWEEP_SECONDS (time
         * between passes).
         */
        public static Settings from(Env env) {
            long days = env.getLong("FILECONV_RETENTION_DAYS", 0);
            if (days < 0) {
                throw new IllegalArgumentException("FILECONV_RETENTION_DAYS must be 0 (keep forever) or more, got "
                        + days);
            }
            return new Settings(Duration.ofDays(days), env.getSeconds("FILECONV_RETENTION_SWEEP_SECONDS", 3600));
        }

        public boolean enabled() {
            return retention.compareTo(Duration.ZERO) > 0 && interval.compareTo(Duration.ZERO) > 0;
        }
    }

    private final Map<Region, FileRepository> repositories;
    private final Function<Region, String> buckets;
    private final UserDirectory directory;
    private final FileEraser eraser;
    private final Settings settings;
    private PeriodicPass timer;

    public RetentionSweep(Map<Region, FileRepository> repositories, Function<Region, String> buckets,
                          UserDirectory directory, FileEraser eraser, Settings settings) {
        this.repositories = new EnumMap<>(repositories);
        this.buckets = buckets;
        this.directory = directory;
        this.eraser = eraser;
        this.settings = settings;
    }

    @Override
    public synchronized void start() {
        if (timer != null || !settings.enabled()) {
            return;
        }
        // The first pass soon after start: a leader that keeps restarting must still delete.
        Duration first = settings.interval().compareTo(FIRST_PASS_AT_THE_LATEST) < 0 ? settings.interval()
                : FIRST_PASS_AT_THE_LATEST;
        timer = new PeriodicPass("fileconv-retention", "retention pass", first, settings.interval(), this::pass, LOG);
        LOG.info("retention on: terminal files are deleted {} days after they finished (a pass every {} s)",
                settings.retention().toDays(), settings.interval().toSeconds());
    }

    /** One pass over every region; returns the number of files deleted. A region that fails is retried next pass. */
    public int pass() {
        if (!settings.enabled()) {
            return 0; // 0 days means keep forever, never "everything finished before now"
        }
        int deleted = 0;
        for (Map.Entry<Region, FileRepository> e : repositories.entrySet()) {
            try {
                deleted += pass(e.getKey(), e.getValue());
            } catch (Exception ex) {
                LOG.warn("retention pass of region {} failed: {}", e.getKey().code(), ex.toString());
            }
        }
        return deleted;
    }

    private int pass(Region region, FileRepository files) throws SQLException {
        ExpiredFiles expired = new ExpiredFiles(files.dataSource());
        Map<String, Boolean> livesHere = new HashMap<>();
        int deleted = 0;
        String after = null;
        while (true) {
            List<ExpiredFiles.Expired> page = expired.page(settings.retention(), after, PAGE);
            for (ExpiredFiles.Expired f : page) {
                if (livesHere(livesHere, f.userId(), region)
                        && eraser.erase(files, buckets.apply(region), f.userId(), f.id(), DeletionReason.RETENTION)) {
                    deleted++;
                }
            }
            if (page.size() < PAGE) {
                expired.pruneDeletionRecords(DELETION_RECORDS_KEPT);
                if (deleted > 0) {
                    LOG.info("retention: deleted {} files in region {}", deleted, region.code());
                }
                return deleted;
            }
            after = page.get(page.size() - 1).id();
        }
    }

    private boolean livesHere(Map<String, Boolean> seen, String userId, Region region) throws SQLException {
        Boolean ok = seen.get(userId);
        if (ok == null) {
            ok = directory.find(userId).map(e -> e.homeRegion() == region && !e.migrating()).orElse(true);
            seen.put(userId, ok);
        }
        return ok;
    }

    @Override
    public synchronized void close() {
        if (timer != null) {
            timer.close();
            timer = null;
        }
    }
}
