package io.fileconv.local;

import io.fileconv.core.ConversionRequest;
import io.fileconv.core.Databases;
import io.fileconv.core.FileRepository;
import io.fileconv.core.FileStatus;
import io.fileconv.core.Region;
import io.fileconv.core.S3Keys;
import io.fileconv.core.UserDirectory;
import io.fileconv.core.deletion.FileEraser;
import io.fileconv.core.metrics.DeletionMetrics;
import io.fileconv.core.metrics.FileconvMetrics;
import io.fileconv.pipeline.erase.EraseCommand;
import io.fileconv.pipeline.retention.RetentionSweep;
import io.fileconv.testkit.ApiClient;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.Base64;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import static io.fileconv.local.ApiRulesEndToEndTest.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Delete, retention and erasure on the embedded stack, judged by what the storage holds: the bucket listed through
 * the S3 API (objects and unfinished multipart uploads) and the rows queried in MariaDB.
 */
@ExtendWith(SharedStack.class)
class DeleteAndRetentionTest {
    static EmbeddedStack stack;
    static ApiClient api;
    static S3Client s3;
    static final String BUCKET = Region.IN.defaultBucket();

    @BeforeAll
    static void setUp(EmbeddedStack s) {
        stack = s;
        api = new ApiClient(s.baseUrl());
        s3 = s.objectStore().client();
    }

    // ---- what storage holds --------------------------------------------------------------------------------

    static List<String> objectsUnder(String prefix) {
        return s3.listObjectsV2Paginator(r -> r.bucket(BUCKET).prefix(prefix)).contents().stream()
                .map(o -> o.key()).toList();
    }

    static List<String> uploadsUnder(String prefix) {
        return s3.listMultipartUploadsPaginator(r -> r.bucket(BUCKET).prefix(prefix)).uploads().stream()
                .map(u -> u.key()).toList();
    }

    static long rows(String sql, String param) throws Exception {
        try (Connection c = DriverManager.getConnection(stack.jdbcBase(), "root", "");
             PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, param);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    static long fileRows(String id) throws Exception {
        return rows("SELECT COUNT(*) FROM " + Region.IN.database() + ".files WHERE id=?", id);
    }

    /** An upload whose parts are stored but which was never completed (a crash, or one still streaming). */
    static String unfinishedUpload(String key) {
        String uploadId = s3.createMultipartUpload(r -> r.bucket(BUCKET).key(key)).uploadId();
        s3.uploadPart(r -> r.bucket(BUCKET).key(key).uploadId(uploadId).partNumber(1),
                RequestBody.fromBytes(new byte[64 * 1024]));
        return uploadId;
    }

    static String userOf(String token) throws Exception {
        return ApiClient.json(new String(Base64.getUrlDecoder().decode(token.split("\\.")[1]),
                StandardCharsets.UTF_8)).get("sub").asText();
    }

    // ---- DELETE -----------------------------------------------------------------------------------------

    @Test
    void deletingAConvertedFileLeavesNoObjectPartOrRow() throws Exception {
        String token = api.token("delete-converted", "in");
        String user = userOf(token);
        String id = api.uploadOk(token, "report.txt", "Delete me once converted.".getBytes(StandardCharsets.UTF_8));
        assertThat(api.awaitTerminal(token, id, Duration.ofSeconds(60)).get("status").asText()).isEqualTo("converted");
        String folder = S3Keys.fileFolder(user, id);
        unfinishedUpload(S3Keys.input(user, id));
        assertThat(objectsUnder(folder)).containsExactlyInAnyOrder(S3Keys.input(user, id), S3Keys.output(user, id),
                S3Keys.thumbnail(user, id));
        assertThat(uploadsUnder(folder)).hasSize(1);

        HttpResponse<String> deleted = api.delete(token, "/api/v1/files/" + id);
        assertThat(deleted.statusCode()).as(deleted.body()).isEqualTo(204);
        assertThat(deleted.body()).isEmpty();

        assertThat(objectsUnder(folder)).isEmpty();
        assertThat(uploadsUnder(folder)).isEmpty();
        assertThat(fileRows(id)).isZero();
        assertProblem(api.get(token, "/api/v1/files/" + id), 404, "not-found");
        // A retried DELETE has the same effect (nothing there) and says so.
        assertProblem(api.delete(token, "/api/v1/files/" + id), 404, "not-found");
        assertThat(api.get("", "/metrics").body())
                .containsPattern("fileconv_files_deleted_total\\{[^}]*reason=\"api\"[^}]*region=\"in\"[^}]*} [1-9]");
    }

    @Test
    void deletingAConvertingFileStopsItAndNoLatePdfSurvives() throws Exception {
        String token = api.token("delete-converting", "in");
        String user = userOf(token);
        FileRepository files = stack.files(Region.IN);
        String id = api.uploadOk(token, "slow.csv", RetryAndCancelTest.slowCsv());
        await().atMost(Duration.ofSeconds(60)).until(() -> files.find(id).orElseThrow().status()
                == FileStatus.CONVERTING);

        assertThat(api.delete(token, "/api/v1/files/" + id).statusCode()).isEqualTo(204);
        assertThat(fileRows(id)).isZero();
        assertThat(objectsUnder(S3Keys.fileFolder(user, id))).isEmpty();
        // The cancel reached the worker (its lease revoked; it kills that office process at its next heartbeat),
        // and whatever it may still PUT is discarded when it reports: the folder stays empty.
        await().atMost(Duration.ofSeconds(30)).until(() -> !stack.launcher().holds(
                new ConversionRequest(id, user, Region.IN, BUCKET, S3Keys.input(user, id),
                        S3Keys.output(user, id), 1, "text/csv", null)));
        await().during(Duration.ofSeconds(8)).atMost(Duration.ofSeconds(20))
                .until(() -> objectsUnder(S3Keys.fileFolder(user, id)).isEmpty());
        assertThat(fileRows(id)).isZero();
    }

    @Test
    void deletingRightAfterUploadLeavesNothingWhateverStateItReached() throws Exception {
        String token = api.token("delete-early", "in");
        String user = userOf(token);
        String id = api.uploadOk(token, "early.txt", "Deleted before it could be converted, maybe.".getBytes());
        assertThat(api.delete(token, "/api/v1/files/" + id).statusCode()).isEqualTo(204);
        // The change events of the insert, the cancel and the delete still flow through the dispatcher: none of
        // them may bring back a row or an object.
        String marker = api.uploadOk(token, "marker.txt", "Converted after the deleted one was dispatched.".getBytes());
        api.awaitTerminal(token, marker, Duration.ofSeconds(60));
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(15))
                .until(() -> objectsUnder(S3Keys.fileFolder(user, id)).isEmpty());
        assertThat(fileRows(id)).isZero();
        assertThat(stack.conversionLog().lines()).noneMatch(l -> l.contains(id) && l.contains("converted"));
    }

    @Test
    void anotherUsersFileIsNotFoundAndStaysUntouched() throws Exception {
        String alice = api.token("delete-alice", "in");
        String mallory = api.token("delete-mallory", "in");
        String user = userOf(alice);
        String id = api.uploadOk(alice, "mine.txt", "Only alice may delete this.".getBytes());
        api.awaitTerminal(alice, id, Duration.ofSeconds(60));
        assertProblem(api.delete(mallory, "/api/v1/files/" + id), 404, "not-found");
        assertProblem(api.delete(mallory, "/api/v1/files/01a21b7a-5faa-78ca-b3b9-bfbef3863a41"), 404, "not-found");
        assertProblem(api.delete(mallory, "/api/v1/files/not-an-id"), 404, "not-found");
        assertThat(fileRows(id)).isOne();
        assertThat(objectsUnder(S3Keys.fileFolder(user, id))).hasSize(3); // input, PDF, thumbnail
        assertThat(api.get(alice, "/api/v1/files/" + id).statusCode()).isEqualTo(200);
    }

    // ---- retention ----------------------------------------------------------------------------------------

    @Test
    void retentionDeletesTerminalFilesFinishedBeforeThePeriodOnly() throws Exception {
        String token = api.token("retention-user", "in");
        String user = userOf(token);
        String moverToken = api.token("retention-mover", "in");
        String old = api.uploadOk(token, "old.txt", "Finished 31 days ago.".getBytes());
        String recent = api.uploadOk(token, "recent.txt", "Finished 29 days ago.".getBytes());
        String moving = api.uploadOk(moverToken, "moving.txt", "Old, but its owner is being moved.".getBytes());
        api.awaitTerminal(token, old, Duration.ofSeconds(60));
        api.awaitTerminal(token, recent, Duration.ofSeconds(60));
        api.awaitTerminal(moverToken, moving, Duration.ofSeconds(60));
        backdate(old, 31);
        backdate(recent, 29);
        backdate(moving, 31);

        Map<Region, FileRepository> repositories = new EnumMap<>(Region.class);
        for (Region r : Region.values()) {
            repositories.put(r, stack.files(r));
        }
        try (var directoryDb = Databases.pool(stack.jdbcBase(), Databases.DIRECTORY, "root", "", 1)) {
            RetentionSweep retention = new RetentionSweep(repositories, Region::defaultBucket,
                    new UserDirectory(directoryDb), new FileEraser(stack.objectStore(),
                    new DeletionMetrics(FileconvMetrics.none())),
                    new RetentionSweep.Settings(Duration.ofDays(30), Duration.ofHours(1)));
            // A region move owns the rows of a user it froze: retention leaves them to it.
            UserDirectory directory = new UserDirectory(directoryDb);
            assertThat(directory.freeze(userOf(moverToken), Region.IN, "test-move")).isTrue();
            assertThat(retention.pass()).isEqualTo(1);
            assertThat(retention.pass()).isZero();
            assertThat(fileRows(moving)).isOne();
            directory.unfreeze(userOf(moverToken), Region.IN, "test-move");
            assertThat(retention.pass()).isEqualTo(1);
            assertThat(fileRows(moving)).isZero();
            // Off (0 days) deletes nothing, however old.
            backdate(recent, 3650);
            assertThat(new RetentionSweep(repositories, Region::defaultBucket, directory,
                    new FileEraser(stack.objectStore(), new DeletionMetrics(FileconvMetrics.none())),
                    new RetentionSweep.Settings(Duration.ZERO, Duration.ofHours(1))).pass()).isZero();
        }
        assertThat(fileRows(old)).isZero();
        assertThat(objectsUnder(S3Keys.fileFolder(user, old))).isEmpty();
        assertThat(fileRows(recent)).isOne();
        assertThat(objectsUnder(S3Keys.fileFolder(user, recent))).hasSize(3); // input, PDF, thumbnail
        assertThat(rows("SELECT COUNT(*) FROM " + Region.IN.database() + ".deleted_files WHERE id=?", old)).isOne();
    }

    /** As if the file had finished {@code days} ago (the retention job reads finished_at by the database's clock). */
    static void backdate(String id, int days) throws Exception {
        try (Connection c = DriverManager.getConnection(stack.jdbcBase(), "root", "");
             PreparedStatement ps = c.prepareStatement("UPDATE " + Region.IN.database() + ".files SET finished_at ="
                     + " UTC_TIMESTAMP(3) - INTERVAL ? DAY WHERE id=?")) {
            ps.setInt(1, days);
            ps.setString(2, id);
            assertThat(ps.executeUpdate()).isOne();
        }
    }

    // ---- erasure ------------------------------------------------------------------------------------------

    @Test
    void erasureRemovesEveryFileObjectPartKeyAndTheDirectoryEntry() throws Exception {
        String token = api.token("erase-me", "in");
        String other = api.token("erase-bystander", "in");
        String user = userOf(token);
        String converted = api.uploadOk(token, "a.txt", "First file.".getBytes());
        api.awaitTerminal(token, converted, Duration.ofSeconds(60));
        String cancelled = api.uploadOk(token, "b.txt", "Second file.".getBytes());
        api.post(token, "/api/v1/files/" + cancelled + "/cancel");
        api.awaitTerminal(token, cancelled, Duration.ofSeconds(60));
        // Leftovers without a row: an upload still streaming (its parts) and an orphan object of a crashed one.
        unfinishedUpload(user + "/01a21b7a-5faa-78ca-b3b9-bfbef3863a41/input");
        s3.putObject(r -> r.bucket(BUCKET).key(user + "/01a21b7a-5faa-78ca-b3b9-bfbef3863a42/input"),
                RequestBody.fromString("orphan"));
        String kept = api.uploadOk(other, "c.txt", "A bystander's file.".getBytes());
        api.awaitTerminal(other, kept, Duration.ofSeconds(60));

        assertThat(EraseCommand.run(stack.infra().endpoints().env(), user)).isZero();

        assertThat(objectsUnder(S3Keys.userFolder(user))).isEmpty();
        assertThat(uploadsUnder(S3Keys.userFolder(user))).isEmpty();
        assertThat(rows("SELECT COUNT(*) FROM " + Region.IN.database() + ".files WHERE user_id=?", user)).isZero();
        assertThat(rows("SELECT COUNT(*) FROM " + Region.IN.database() + ".upload_keys WHERE user_id=?", user))
                .isZero();
        assertThat(rows("SELECT COUNT(*) FROM " + Databases.DIRECTORY + ".users WHERE user_id=?", user)).isZero();
        // Running it again finds nothing and succeeds; the bystander keeps everything.
        assertThat(EraseCommand.run(stack.infra().endpoints().env(), user)).isZero();
        assertThat(fileRows(kept)).isOne();
        assertThat(objectsUnder(S3Keys.fileFolder(userOf(other), kept))).hasSize(3); // input, PDF, thumbnail
        assertThat(EraseCommand.run(stack.infra().endpoints().env())).isEqualTo(2);
    }
}
