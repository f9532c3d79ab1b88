package io.fileconv.pipeline.retry;

import com.zaxxer.hikari.HikariDataSource;
import io.fileconv.core.Databases;
import io.fileconv.core.Env;
import io.fileconv.core.FileRepository;
import io.fileconv.core.Region;
import io.fileconv.core.UserDirectory;
import io.fileconv.core.schema.SchemaGate;
import io.fileconv.core.schema.SchemaKind;
import io.fileconv.core.schema.SchemaTarget;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The daily retry job (the chart's CronJob): in every served region, FAILED files of a retryable failure class
 * whose attempts are below FILECONV_RETRY_MAX_ATTEMPTS go back to UPLOADED with attempts + 1, unless their owner
 * is frozen by a region move or lives in another region (it reads the user directory for that). The dispatcher sees
 * that change event and launches the next attempt. Prints one summary line; exits 1 if any region failed, after
 * trying all of them (a region whose database is down must not stop the others).
 */
public final class RetryCommand {
    private static final Logger LOG = LoggerFactory.getLogger(RetryCommand.class);
    static final int PAGE_SIZE = 500;

    private RetryCommand() {
    }

    /** One retry pass over every served region; returns the process exit code. */
    public static int run(Env env) {
        try {
            return runPass(env);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }

    private static int runPass(Env env) throws InterruptedException {
        int maxAttempts = maxAttempts(env);
        List<String> parts = new ArrayList<>();
        boolean failed = false;
        long deadline = System.nanoTime() + SCHEMA_WAIT.toNanos();
        try (HikariDataSource users = Databases.pool(env.directoryDatabase(), Databases.DIRECTORY, 1, null)) {
            String directoryMissing = awaitSchema(env, new SchemaTarget(Databases.DIRECTORY, SchemaKind.DIRECTORY,
                    users), deadline);
            if (directoryMissing != null) {
                System.out.println("retry: not run, " + directoryMissing);
                return 1;
            }
            UserDirectory directory = new UserDirectory(users);
            for (Region region : env.regions()) {
                try (HikariDataSource pool = Databases.pool(env.regionalDatabase(), region.database(), 2, null)) {
                    String missing = awaitSchema(env, new SchemaTarget(region.database(), SchemaKind.REGION, pool),
                            deadline);
                    if (missing != null) {
                        parts.add(region.code() + ": not run, " + missing);
                        failed = true;
                        continue;
                    }
                    FileRepository files = new FileRepository(region, pool);
                    RetryPass.Result r = new RetryPass(PAGE_SIZE).run(new RetryCandidates(pool, maxAttempts),
                            livesHere(directory, region), files::requeueForRetry);
                    parts.add(summary(region, r));
                } catch (Exception e) {
                    LOG.error("retry in region {} failed", region.code(), e);
                    parts.add(region.code() + ": error (" + e.getClass().getSimpleName() + ")");
                    failed = true;
                }
            }
        }
        System.out.println("retry (max attempts " + maxAttempts + "): " + String.join("; ", parts));
        return failed ? 1 : 0;
    }

    /** How long one run waits for its schemas (FILECONV_DB_MIGRATE) before it gives up on them. */
    static final Duration SCHEMA_WAIT = Duration.ofMinutes(5);

    /** Null once the schema is usable; the reason otherwise, after waiting until {@code deadline}. */
    private static String awaitSchema(Env env, SchemaTarget target, long deadline) throws InterruptedException {
        try (SchemaGate gate = new SchemaGate(env.migrateAtStart(), List.of(target))) {
            return gate.awaitOpen(() -> System.nanoTime() - deadline < 0) ? null : gate.reason();
        }
    }

    /**
     * A region move owns the user's rows from the freeze on: the source's are about to be deleted and the target's
     * are copies until the switch. Retrying either would convert a file the move does not know about.
     */
    public static RetryPass.Eligible livesHere(UserDirectory directory, Region region) {
        Map<String, Boolean> seen = new HashMap<>();
        return c -> {
            Boolean ok = seen.get(c.userId());
            if (ok == null) {
                ok = directory.find(c.userId()).map(e -> e.homeRegion() == region && !e.migrating()).orElse(true);
                seen.put(c.userId(), ok);
            }
            return ok;
        };
    }

    static int maxAttempts(Env env) {
        int max = env.getInt("FILECONV_RETRY_MAX_ATTEMPTS", 3);
        if (max < 1) {
            throw new IllegalStateException("FILECONV_RETRY_MAX_ATTEMPTS must be at least 1, got " + max);
        }
        return max;
    }

    static String summary(Region region, RetryPass.Result r) {
        return region.code() + ": requeued " + r.requeued() + " of " + r.candidates();
    }
}
