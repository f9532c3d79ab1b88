package io.fileconv.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.zaxxer.hikari.HikariDataSource;
import io.fileconv.core.Databases;
import io.fileconv.core.FileRecord;
import io.fileconv.core.FileStatus;
import io.fileconv.core.Ids;
import io.fileconv.core.ObjectStore;
import io.fileconv.core.Region;
import io.fileconv.core.S3Keys;
import io.fileconv.core.UserDirectory;
import io.fileconv.core.migration.MigrationPhase;
import io.fileconv.core.migration.MigrationState;
import io.fileconv.core.migration.MigrationStep;
import io.fileconv.core.migration.RegionMove;
import io.fileconv.testkit.ApiClient;
import io.fileconv.testkit.SampleDocuments;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Region moves on the real embedded stack (MariaDB, S3, the API, the converter): a user with converted files moves
 * from India to the UK. Uploads are refused while frozen and reads keep working; a rival move is refused; a file
 * requeued during the move is waited for; a row changed between copy and verification is copied again; a late
 * upload after the switch is added to the target; the move is restarted without its state after the switch and
 * converges; afterwards everything is served from the UK and nothing of the user is left in India. Moves that change
 * nothing are core's RegionMoveTest; the retry job's rule for moving users is the operator's RetryMainTest.
 */
@ExtendWith(SharedStack.class)
class RegionMoveEndToEndTest {
    private static final Region FROM = Region.IN;
    private static final Region TO = Region.UK;
    private static final RegionMove.Settings FAST = new RegionMove.Settings(Duration.ofSeconds(3),
            Duration.ofMinutes(2), Duration.ofMillis(200));

    @Test
    void aUserMovesWithTheirFilesAndNothingStaysBehind(EmbeddedStack stack) throws Exception {
        String user = "mover-" + UUID.randomUUID();
        ApiClient api = new ApiClient(stack.baseUrl());
        String token = api.token(user, FROM.code());
        List<SampleDocuments.Doc> docs = List.of(SampleDocuments.txt(), SampleDocuments.docx(), SampleDocuments.csv());
        List<String> ids = new ArrayList<>();
        List<SampleDocuments.Doc> expected = new ArrayList<>(docs);
        for (SampleDocuments.Doc d : docs) {
            ids.add(api.uploadOk(token, d.name(), d.bytes()));
        }
        for (String id : ids) {
            assertThat(api.awaitTerminal(token, id, Duration.ofMinutes(2)).get("status").asText())
                    .isEqualTo("converted");
        }
        String idemKey = "move-key-" + UUID.randomUUID();
        insertUploadKey(stack, FROM, user, idemKey, ids.get(0));

        try (HikariDataSource users = Databases.pool(stack.jdbcBase(), Databases.DIRECTORY, "root", "", 2)) {
            ObjectStore store = stack.objectStore();
            RegionMove move = move(stack, user, users);
            List<MigrationPhase> seen = new ArrayList<>();

            // Pending -> Freezing -> Draining: the user is frozen.
            MigrationState state = until(move, MigrationState.start(), MigrationPhase.Draining, seen);
            await("uploads refused once API caches see the freeze").atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> {
                        HttpResponse<String> r = api.upload(token, "late.txt", SampleDocuments.txt().bytes());
                        assertThat(r.statusCode()).isEqualTo(503);
                        assertThat(r.headers().firstValue("Retry-After")).isPresent();
                        assertThat(ApiClient.json(r.body()).get("type").asText()).endsWith("user-migrating");
                    });
            assertThat(api.get(token, "/api/v1/files").statusCode()).as("reads go on while frozen").isEqualTo(200);
            RegionMove rival = new RegionMove(user, "rival", side(stack, FROM), side(stack, Region.US),
                    new UserDirectory(users), store, FAST, Clock.systemUTC());
            MigrationState refused = rival.runToEnd(MigrationState.start(), x -> { });
            assertThat(refused.phase()).isEqualTo(MigrationPhase.Failed);
            assertThat(refused.message()).contains("being moved by another migration");
            assertThat(new UserDirectory(users).heldBy(user, FROM, "move-of-" + user))
                    .as("the rival neither took nor released the freeze").isTrue();

            // Draining -> Copying; then one file goes back into the pipeline in India (as a requeue would) before
            // the copy: the move must wait for it again rather than copy a file that is being converted.
            state = until(move, state, MigrationPhase.Copying, seen);
            requeue(stack, FROM, ids.get(2));
            state = until(move, state, MigrationPhase.Verifying, seen);
            assertThat(stack.files(FROM).find(ids.get(2)).orElseThrow().attempts()).isEqualTo(2);

            // A finished source row changes between the copy and the verification: verified again after a new copy.
            rename(stack, FROM, ids.get(1), "renamed.docx");
            state = until(move, state, MigrationPhase.Switching, seen);
            assertThat(stack.files(TO).find(ids.get(1)).orElseThrow().originalName()).isEqualTo("renamed.docx");

            // ... -> Switching -> CleaningUp. Then an upload that was still streaming lands in India late: the
            // clean-up must add it to the UK, not delete it.
            state = until(move, state, MigrationPhase.CleaningUp, seen);
            assertThat(new UserDirectory(users).find(user).orElseThrow().homeRegion()).isEqualTo(TO);
            String late = lateUpload(stack, FROM, ids.get(0));
            ids.add(late);
            // The user deletes a moved file in the UK before India is cleaned up: the clean-up must not take its
            // India copy for a late upload and bring it back.
            String deleted = ids.remove(2);
            expected.remove(2);
            await("the delete reaches the UK once API caches see the switch").atMost(Duration.ofSeconds(10))
                    .until(() -> api.delete(token, "/api/v1/files/" + deleted).statusCode() == 204);

            // The state is lost here (a crash): a fresh move starts from Pending and converges.
            state = move(stack, user, users).runToEnd(MigrationState.start(), s -> seen.add(s.phase()));
            assertThat(state.phase()).as(state.message()).isEqualTo(MigrationPhase.Completed);
            assertThat(seen).containsSubsequence(MigrationPhase.Freezing, MigrationPhase.Draining,
                    MigrationPhase.Copying, MigrationPhase.Draining, MigrationPhase.Copying, MigrationPhase.Verifying,
                    MigrationPhase.Copying, MigrationPhase.Verifying, MigrationPhase.Switching,
                    MigrationPhase.CleaningUp, MigrationPhase.Completed);

            // Nothing of the user in India: no rows, no objects, no idempotency keys.
            for (String id : ids) {
                assertThat(stack.files(FROM).find(id)).as("row %s in %s", id, FROM).isEmpty();
                FileRecord moved = stack.files(TO).find(id).orElseThrow();
                assertThat(moved.status()).isEqualTo(FileStatus.CONVERTED);
                assertThat(store.exists(FROM.defaultBucket(), moved.inputKey())).isFalse();
                assertThat(store.exists(FROM.defaultBucket(), moved.outputKey())).isFalse();
                assertThat(store.exists(TO.defaultBucket(), moved.outputKey())).isTrue();
            }
            assertThat(uploadKeys(stack, FROM, user)).isZero();
            assertThat(uploadKeys(stack, TO, user)).isOne();
            assertThat(stack.files(TO).find(deleted)).as("deleted in the UK, not brought back").isEmpty();
            assertThat(stack.files(FROM).find(deleted)).isEmpty();
            for (Region r : List.of(FROM, TO)) {
                assertThat(store.client().listObjectsV2Paginator(b -> b.bucket(r.defaultBucket())
                        .prefix(S3Keys.fileFolder(user, deleted))).contents()).as("objects in %s", r)
                        .isEmpty();
            }
        }

        // Served from the UK: same ids, same PDFs; new uploads accepted and stored there.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(api.upload(token, "after.txt",
                SampleDocuments.txt().bytes()).statusCode()).isEqualTo(201));
        JsonNode list = ApiClient.json(api.get(token, "/api/v1/files?limit=100").body());
        List<String> listed = new ArrayList<>();
        list.get("items").forEach(f -> listed.add(f.get("id").asText()));
        assertThat(listed).containsAll(ids);
        expected.add(docs.get(0)); // the late upload is a copy of the first file
        for (int i = 0; i < ids.size(); i++) {
            HttpResponse<byte[]> pdf = api.pdf(token, ids.get(i));
            assertThat(pdf.statusCode()).isEqualTo(200);
            try (PDDocument d = Loader.loadPDF(pdf.body())) {
                assertThat(new PDFTextStripper().getText(d).replaceAll("\\s+", " "))
                        .contains(expected.get(i).sentence());
            }
        }
    }

    @Test
    void anUploadThatPassedTheCachedCheckBeforeTheFreezeWritesNoRow(EmbeddedStack stack) throws Exception {
        String user = "racer-" + UUID.randomUUID();
        ApiClient api = new ApiClient(stack.baseUrl());
        String token = api.token(user, FROM.code());
        assertThat(api.get(token, "/api/v1/files").statusCode()).isEqualTo(200); // registered, entry cached
        try (HikariDataSource users = Databases.pool(stack.jdbcBase(), Databases.DIRECTORY, "root", "", 2)) {
            UserDirectory directory = new UserDirectory(users);
            assertThat(directory.freeze(user, FROM, "race-test")).isTrue();
            try {
                // Within the API's cache window the request passes the first check; the one before the insert
                // (uncached) refuses it, and the object already streamed to S3 is removed.
                HttpResponse<String> r = api.upload(token, "racing.txt", SampleDocuments.txt().bytes());
                assertThat(r.statusCode()).as(r.body()).isEqualTo(503);
                assertThat(r.headers().firstValue("Retry-After")).hasValue("30");
                assertThat(rowsOf(stack, FROM, user)).isZero();
            } finally {
                directory.unfreeze(user, FROM, "race-test");
            }
        }
    }

    private static void rename(EmbeddedStack stack, Region region, String id, String name) throws Exception {
        try (Connection c = stack.files(region).dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("UPDATE files SET original_name=? WHERE id=?")) {
            ps.setString(1, name);
            ps.setString(2, id);
            assertThat(ps.executeUpdate()).isOne();
        }
    }

    private static int rowsOf(EmbeddedStack stack, Region region, String user) throws Exception {
        return count(stack, region, "files", user);
    }

    private static int uploadKeys(EmbeddedStack stack, Region region, String user) throws Exception {
        return count(stack, region, "upload_keys", user);
    }

    /** The user's rows in one of the region's tables. */
    private static int count(EmbeddedStack stack, Region region, String table, String user) throws Exception {
        try (Connection c = stack.files(region).dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM " + table + " WHERE user_id=?")) {
            ps.setString(1, user);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    private static RegionMove move(EmbeddedStack stack, String user, HikariDataSource users) {
        return new RegionMove(user, "move-of-" + user, side(stack, FROM), side(stack, TO), new UserDirectory(users),
                stack.objectStore(), FAST, Clock.systemUTC());
    }

    private static RegionMove.Side side(EmbeddedStack stack, Region region) {
        return new RegionMove.Side(region, stack.files(region), region.defaultBucket());
    }

    /** Steps the move (waiting where it asks to) until it reaches {@code phase}. */
    private static MigrationState until(RegionMove move, MigrationState state, MigrationPhase phase,
                                       List<MigrationPhase> seen) throws Exception {
        MigrationState s = state;
        while (s.phase() != phase) {
            assertThat(s.phase().isTerminal()).as("%s: %s", s.phase(), s.message()).isFalse();
            MigrationStep step = move.next(s);
            s = step.state();
            seen.add(s.phase());
            Thread.sleep(step.retryAfter().toMillis());
        }
        return s;
    }

    /** FAILED/CONVERTED -> UPLOADED with the next attempt, as the retry job does: the stack converts it again. */
    private static void requeue(EmbeddedStack stack, Region region, String id) throws Exception {
        try (Connection c = stack.files(region).dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("UPDATE files SET status='UPLOADED', attempts=attempts+1,"
                     + " updated_at=UTC_TIMESTAMP(3) WHERE id=?")) {
            ps.setString(1, id);
            assertThat(ps.executeUpdate()).isOne();
        }
    }

    /** A converted file of the user written to the source after the switch (row and both objects); its id. */
    private static String lateUpload(EmbeddedStack stack, Region region, String like) throws Exception {
        String id = Ids.newId();
        FileRecord model = stack.files(region).find(like).orElseThrow();
        String input = S3Keys.input(model.userId(), id);
        String output = S3Keys.output(model.userId(), id);
        var s3 = stack.objectStore().client();
        String bucket = region.defaultBucket();
        s3.copyObject(r -> r.sourceBucket(bucket).sourceKey(model.inputKey()).destinationBucket(bucket)
                .destinationKey(input));
        s3.copyObject(r -> r.sourceBucket(bucket).sourceKey(model.outputKey()).destinationBucket(bucket)
                .destinationKey(output));
        try (Connection c = stack.files(region).dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("INSERT INTO files (id, user_id, original_name, detected_type,"
                     + " size_bytes, sha256, input_key, output_key, status, attempts, created_at, updated_at)"
                     + " SELECT ?, user_id, 'late.txt', detected_type, size_bytes, sha256, ?, ?, status, 1,"
                     + " UTC_TIMESTAMP(3), UTC_TIMESTAMP(3) FROM files WHERE id=?")) {
            ps.setString(1, id);
            ps.setString(2, input);
            ps.setString(3, output);
            ps.setString(4, like);
            assertThat(ps.executeUpdate()).isOne();
        }
        return id;
    }

    private static void insertUploadKey(EmbeddedStack stack, Region region, String user, String key, String fileId)
            throws Exception {
        try (Connection c = stack.files(region).dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("INSERT INTO upload_keys (user_id, idem_key, file_id,"
                     + " created_at) VALUES (?,?,?,UTC_TIMESTAMP(3))")) {
            ps.setString(1, user);
            ps.setString(2, key);
            ps.setString(3, fileId);
            ps.executeUpdate();
        }
    }

}
