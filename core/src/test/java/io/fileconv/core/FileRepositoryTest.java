package io.fileconv.core;

import com.zaxxer.hikari.HikariDataSource;
import io.fileconv.core.testing.TestInfraExtension;
import io.fileconv.core.testing.TestInfra;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The state machine's conditional UPDATEs on a real MariaDB: allowed transitions apply once, refused and replayed
 * ones change nothing. Uses its own schema on the shared server, apart from the regions' schemas other tests use.
 */
@ExtendWith(TestInfraExtension.class)
class FileRepositoryTest {
    static HikariDataSource ds;
    static FileRepository repo;
    static ConsumerOffsetStore offsets;

    @BeforeAll
    static void schema(TestInfra infra) throws Exception {
        try (Connection c = DriverManager.getConnection(infra.jdbcBase(), "root", "")) {
            c.createStatement().execute("DROP DATABASE IF EXISTS fileconv_repotest");
            c.createStatement().execute("CREATE DATABASE fileconv_repotest");
        }
        ds = Databases.pool(infra.jdbcBase(), "fileconv_repotest", "root", "", 4);
        Databases.migrateRegion(ds);
        repo = new FileRepository(Region.IN, ds);
        offsets = new ConsumerOffsetStore(ds);
    }

    @AfterAll
    static void close() {
        ds.close();
    }

    private static String newFile(String user) throws SQLException {
        String id = Ids.newId();
        repo.insertUploaded(id, user, "a.txt", "text/plain", 3, "0".repeat(64), "req-1");
        return id;
    }

    private static FileStatus status(String id) throws SQLException {
        return repo.find(id).orElseThrow().status();
    }

    private static boolean queue(String id, int attempt) throws SQLException {
        try (Connection c = ds.getConnection()) {
            return repo.markQueued(c, id, attempt);
        }
    }

    @Test
    void happyPathAppliesEachTransitionOnceAndReplaysAreNoOps() throws Exception {
        String id = newFile("u1");
        assertThat(status(id)).isEqualTo(FileStatus.UPLOADED);
        assertThat(queue(id, 1)).isTrue();
        assertThat(queue(id, 1)).as("replayed event").isFalse();
        assertThat(repo.claimForConversion(id, 1)).isTrue();
        assertThat(repo.claimForConversion(id, 1)).as("re-claim after a crash").isTrue();
        assertThat(repo.markConverted(id, 1, 120)).isTrue();
        assertThat(repo.markConverted(id, 1, 120)).as("second result of the same attempt").isFalse();
        assertThat(repo.markFailed(id, 1, FailureClass.TIMEOUT, "late")).isFalse();
        assertThat(repo.cancel("u1", id)).as("cancel after converted").isFalse();
        FileRecord f = repo.find(id).orElseThrow();
        assertThat(f.status()).isEqualTo(FileStatus.CONVERTED);
        assertThat(f.queuedAt()).isNotNull();
        assertThat(f.startedAt()).isNotNull();
        assertThat(f.finishedAt()).isNotNull();
        assertThat(f.failureClass()).isNull();
    }

    @Test
    void refusedTransitionsChangeNothing() throws Exception {
        String id = newFile("u2");
        assertThat(repo.claimForConversion(id, 1)).as("UPLOADED -> CONVERTING skips QUEUED").isFalse();
        assertThat(repo.markConverted(id, 1, 1)).as("UPLOADED -> CONVERTED").isFalse();
        assertThat(repo.requeueForRetry(id, 1)).as("UPLOADED -> UPLOADED by retry").isFalse();
        assertThat(status(id)).isEqualTo(FileStatus.UPLOADED);
        assertThat(queue(id, 2)).as("wrong attempt").isFalse();
        assertThat(status(id)).isEqualTo(FileStatus.UPLOADED);
    }

    @Test
    void cancelWorksFromEveryNonTerminalStateForTheOwnerOnly() throws Exception {
        String uploaded = newFile("u3");
        assertThat(repo.cancel("someone-else", uploaded)).isFalse();
        assertThat(repo.cancel("u3", uploaded)).isTrue();
        assertThat(queue(uploaded, 1)).as("dispatch after cancel").isFalse();

        String queued = newFile("u3");
        queue(queued, 1);
        assertThat(repo.cancel("u3", queued)).isTrue();
        assertThat(repo.claimForConversion(queued, 1)).as("claim after cancel").isFalse();

        String converting = newFile("u3");
        queue(converting, 1);
        repo.claimForConversion(converting, 1);
        assertThat(repo.cancel("u3", converting)).isTrue();
        assertThat(repo.markConverted(converting, 1, 5)).as("result after cancel").isFalse();
        assertThat(status(converting)).isEqualTo(FileStatus.CANCELLED);
    }

    @Test
    void retryMovesAFailedAttemptBackOnceAndOldAttemptsCannotWrite() throws Exception {
        String id = newFile("u4");
        queue(id, 1);
        repo.claimForConversion(id, 1);
        assertThat(repo.markFailed(id, 1, FailureClass.STORAGE_ERROR, "S3 down")).isTrue();
        FileRecord failed = repo.find(id).orElseThrow();
        assertThat(failed.failureClass()).isEqualTo(FailureClass.STORAGE_ERROR);
        assertThat(failed.failureReason()).isEqualTo("S3 down");
        assertThat(repo.requeueForRetry(id, 1)).isTrue();
        assertThat(repo.requeueForRetry(id, 1)).as("a second retry run").isFalse();
        FileRecord again = repo.find(id).orElseThrow();
        assertThat(again.status()).isEqualTo(FileStatus.UPLOADED);
        assertThat(again.attempts()).isEqualTo(2);
        assertThat(queue(id, 1)).as("stale event of attempt 1").isFalse();
        assertThat(queue(id, 2)).isTrue();
    }

    @Test
    void listingIsNewestFirstWithCursorAndOwnedOnly() throws Exception {
        for (int i = 0; i < 5; i++) {
            newFile("lister");
            Thread.sleep(2);
        }
        newFile("other");
        List<FileRecord> page1 = repo.listOwned("lister", null, null, 3);
        assertThat(page1).hasSize(3).extracting(FileRecord::userId).containsOnly("lister");
        assertThat(page1.get(0).id()).isGreaterThan(page1.get(1).id());
        List<FileRecord> page2 = repo.listOwned("lister", null, page1.get(2).id(), 3);
        assertThat(page2).hasSize(2);
        assertThat(page2.get(0).id()).isLessThan(page1.get(2).id());
        assertThat(repo.listOwned("lister", FileStatus.CONVERTED, null, 10)).isEmpty();
    }

    @Test
    void storedOffsetsNeverMoveBackwards() throws Exception {
        try (Connection c = ds.getConnection()) {
            offsets.save(c, "g", "t", 0, 10);
            offsets.save(c, "g", "t", 0, 7);
        }
        assertThat(offsets.nextOffset("g", "t", 0)).hasValue(10);
        assertThat(offsets.nextOffset("g", "t", 1)).isEmpty();
    }
}
