package io.fileconv.pipeline.erase;

import com.zaxxer.hikari.HikariDataSource;
import io.fileconv.core.Databases;
import io.fileconv.core.Env;
import io.fileconv.core.FileRepository;
import io.fileconv.core.ObjectStore;
import io.fileconv.core.Region;
import io.fileconv.core.UserDirectory;
import io.fileconv.core.UserIds;
import io.fileconv.core.deletion.FileEraser;
import io.fileconv.core.metrics.DeletionMetrics;
import io.fileconv.core.metrics.FileconvMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Erases all of one user's data in the regions this cell serves (FILECONV_REGIONS): every file (cancelled first if
 * still converting, then its objects and row, as the API's DELETE does), whatever else the region's bucket holds under
 * the user's prefix (objects and multipart parts of uploads that never got a row), the user's idempotency keys, and,
 * when the user's home region is served here, their entry in the user directory. Run from the operator image:
 * {@code java -cp /opt/fileconv/fileconv-operator.jar io.fileconv.operator.erase.EraseMain <userId>}.
 * <p>
 * The user is frozen for the run (the region move's freeze, held by {@code erasure:<user>}): the API answers their
 * writes 503 and an upload already streaming writes no row. A user held by a region move is refused: delete the
 * RegionMigration first, or erase after it completed, in the new home region. Prints one summary line; exits 0 when
 * everything was erased, 1 otherwise (running it again finishes the job), 2 on bad arguments.
 */
public final class EraseCommand {
    private static final Logger LOG = LoggerFactory.getLogger(EraseCommand.class);

    private EraseCommand() {
    }

    /** Erases the user named by {@code args[0]}; returns the exit code. */
    public static int run(Env env, String... args) {
        if (args.length != 1 || !UserIds.isValid(args[0])) {
            System.err.println("usage: EraseMain <userId>");
            return 2;
        }
        String userId = args[0];
        String holder = "erasure:" + userId;
        List<String> parts = new ArrayList<>();
        boolean failed = false;
        try (HikariDataSource users = Databases.pool(env.directoryDatabase(), Databases.DIRECTORY, 1, null);
             ObjectStore store = new ObjectStore(env.objectStore())) {
            UserDirectory directory = new UserDirectory(users);
            Optional<UserDirectory.Entry> entry = directory.find(userId);
            Region home = entry.map(UserDirectory.Entry::homeRegion).filter(env.regions()::contains).orElse(null);
            if (home != null && !directory.freeze(userId, home, holder)) {
                System.out.println("erase " + userId + ": not run, a region move holds the user (delete the"
                        + " RegionMigration or wait until it completed)");
                return 1;
            }
            FileEraser eraser = new FileEraser(store, new DeletionMetrics(FileconvMetrics.none()));
            for (Region region : env.regions()) {
                try (HikariDataSource pool = Databases.pool(env.regionalDatabase(), region.database(), 2, null)) {
                    int files = eraser.eraseUser(new FileRepository(region, pool), env.bucket(region), userId);
                    parts.add(region.code() + ": " + files + " files");
                } catch (Exception e) {
                    LOG.error("erasure in region {} failed", region.code(), e);
                    parts.add(region.code() + ": error (" + e.getClass().getSimpleName() + ")");
                    failed = true;
                }
            }
            if (home != null) {
                if (failed) {
                    directory.unfreeze(userId, home, holder); // the user keeps using what is left until a rerun
                } else {
                    directory.remove(userId, home, holder);
                    parts.add("directory entry removed");
                }
            }
        } catch (Exception e) {
            LOG.error("erasure failed", e);
            System.out.println("erase " + userId + ": failed (" + e.getClass().getSimpleName() + ": "
                    + e.getMessage() + ")");
            return 1;
        }
        System.out.println("erase " + userId + ": " + String.join("; ", parts));
        return failed ? 1 : 0;
    }
}
