package io.fileconv.local;

import io.fileconv.core.Env;
import io.fileconv.core.Ids;
import io.fileconv.core.Region;
import io.fileconv.testkit.ApiClient;
import io.fileconv.testkit.SampleDocuments;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The per-user in-flight limit over HTTP, on an API of its own (small limits) in front of the shared stack: the count
 * read from MySQL, 429 + Retry-After + problem+json, the refusal counted on /metrics, and the upload admitted once a
 * file ends converting. Needs the whole stack for that conversion; the rate limit is the API's UserLimitsTest.
 */
@ExtendWith(SharedStack.class)
class InFlightLimitEndToEndTest {
    static final int PER_MINUTE = 3;
    static final int IN_FLIGHT = 2;
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static EmbeddedStack stack;
    static ApiNode node;
    static ApiClient api;
    static String base;

    @BeforeAll
    static void start(EmbeddedStack s) throws Exception {
        stack = s;
        Map<String, String> vars = new HashMap<>();
        s.infra().endpoints().settings().forEach((k, v) -> vars.put((String) k, (String) v));
        vars.put("FILECONV_USER_UPLOADS_PER_MINUTE", Integer.toString(PER_MINUTE));
        vars.put("FILECONV_USER_MAX_IN_FLIGHT", Integer.toString(IN_FLIGHT));
        Path dir = Path.of("target", "in-flight-limit-api").toAbsolutePath();
        EmbeddedStack.deleteTree(dir);
        node = ApiNode.start(new Env(vars), dir, 0, 20L << 20, () -> true);
        base = "http://localhost:" + node.port();
        api = new ApiClient(base);
    }

    @AfterAll
    static void stop() {
        if (node != null) {
            node.close();
        }
    }

    static String metrics() throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    @Test
    void theInFlightLimitCountsTheUsersUnfinishedFilesInMySql() throws Exception {
        String user = "busy-user";
        String token = api.token(user, "in");
        byte[] doc = SampleDocuments.txt().bytes();
        // Two files the pipeline is converting, written as another API replica would have left them: rows only
        // (CONVERTING rows are not dispatched again, so they stay open until this test closes them).
        List<String> open = List.of(Ids.newId(), Ids.newId());
        try (Connection c = stack.files(Region.IN).dataSource().getConnection()) {
            for (String id : open) {
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO files (id, user_id, original_name,"
                        + " detected_type, size_bytes, sha256, input_key, output_key, status, attempts, created_at,"
                        + " updated_at) VALUES (?, ?, 'open.txt', 'text/plain', 1, ?, ?, ?, 'CONVERTING', 1,"
                        + " UTC_TIMESTAMP(3), UTC_TIMESTAMP(3))")) {
                    ps.setString(1, id);
                    ps.setString(2, user);
                    ps.setString(3, "0".repeat(64));
                    ps.setString(4, user + "/" + id + "/input");
                    ps.setString(5, user + "/" + id + "/output.pdf");
                    ps.executeUpdate();
                }
            }
            try {
                HttpResponse<String> refused = api.upload(token, "third.txt", doc);
                assertThat(refused.statusCode()).as(refused.body()).isEqualTo(429);
                assertThat(refused.headers().firstValue("Retry-After")).hasValue("15");
                var problem = ApiClient.json(refused.body());
                assertThat(problem.get("type").asText()).isEqualTo("https://fileconv.io/problems/too-many-in-flight");
                assertThat(problem.get("limit").asInt()).isEqualTo(IN_FLIGHT);
                assertThat(stack.files(Region.IN).listOwned(user, null, null, 10)).hasSize(2);
                assertThat(stack.objectStore().client().listObjectsV2(b -> b.bucket(Region.IN.defaultBucket())
                        .prefix(user + "/")).contents()).as("nothing stored for a refused upload").isEmpty();
                assertThat(metrics()).containsPattern(
                        "fileconv_upload_admissions_total\\{[^}]*outcome=\"in_flight_limited\"[^}]*} [1-9]");

                // One of them ends: room for one more.
                close(c, open.get(0));
                String id = api.uploadOk(token, "third.txt", doc);
                assertThat(api.awaitTerminal(token, id, Duration.ofMinutes(2)).get("status").asText())
                        .isEqualTo("converted");
            } finally {
                for (String id : open) {
                    close(c, id);
                }
            }
        }
    }

    private static void close(Connection c, String id) throws Exception {
        // FAILED (not CANCELLED): the dispatcher ignores that change event, so nothing else touches these rows.
        try (PreparedStatement ps = c.prepareStatement("UPDATE files SET status='FAILED', failure_class='BAD_INPUT',"
                + " failure_reason='test row', finished_at=UTC_TIMESTAMP(3), updated_at=UTC_TIMESTAMP(3)"
                + " WHERE id=? AND status='CONVERTING'")) {
            ps.setString(1, id);
            ps.executeUpdate();
        }
    }
}
