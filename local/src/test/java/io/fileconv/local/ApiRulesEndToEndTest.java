package io.fileconv.local;

import com.fasterxml.jackson.databind.JsonNode;
import io.fileconv.core.Region;
import io.fileconv.testkit.ApiClient;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The API's rules that need the pipeline to convert: IDOR on every endpoint of a converted file, a user's input, PDF
 * and thumbnail only in their home region, and cancel racing completion. The rules that need no conversion are the
 * API's ApiRulesTest.
 */
@ExtendWith(SharedStack.class)
class ApiRulesEndToEndTest {
    static EmbeddedStack stack;
    static ApiClient api;

    @BeforeAll
    static void setUp(EmbeddedStack s) {
        stack = s;
        api = new ApiClient(s.baseUrl());
    }

    static void assertProblem(HttpResponse<String> r, int status, String slug) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
        assertThat(ApiClient.json(r.body()).get("type").asText()).isEqualTo("https://fileconv.io/problems/" + slug);
    }

    // ---- authorization: IDOR on every endpoint ------------------------------------------------------------

    @Test
    void anotherUsersFileIsNotFoundOnEveryEndpoint() throws Exception {
        String alice = api.token("idor-alice", "in");
        String mallory = api.token("idor-mallory", "in");
        String id = api.uploadOk(alice, "private.txt", "alice's secret".getBytes());
        api.awaitTerminal(alice, id, Duration.ofSeconds(60));
        assertProblem(api.get(mallory, "/api/v1/files/" + id), 404, "not-found");
        assertProblem(api.get(mallory, "/api/v1/files/" + id + "/pdf"), 404, "not-found");
        assertProblem(api.post(mallory, "/api/v1/files/" + id + "/cancel"), 404, "not-found");
        assertProblem(api.delete(mallory, "/api/v1/files/" + id), 404, "not-found");
        JsonNode list = ApiClient.json(api.get(mallory, "/api/v1/files?limit=100").body());
        list.get("items").forEach(i -> assertThat(i.get("id").asText()).isNotEqualTo(id));
        // a user of another region gets the same answer
        assertProblem(api.get(api.token("idor-uk", "uk"), "/api/v1/files/" + id), 404, "not-found");
        assertThat(api.get(alice, "/api/v1/files/" + id).statusCode()).isEqualTo(200);
    }

    // ---- regions ----------------------------------------------------------------------------------------

    @Test
    void aUsersFilesLiveOnlyInTheirHomeRegion() throws Exception {
        String token = api.token("resident-uk", "uk");
        String id = api.uploadOk(token, "home.txt", "stays in the UK".getBytes());
        api.awaitTerminal(token, id, Duration.ofSeconds(60));
        for (Region r : Region.values()) {
            boolean home = r == Region.UK;
            assertThat(stack.files(r).find(id).isPresent()).as("row in %s", r).isEqualTo(home);
            long objects = stack.objectStore().client().listObjectsV2(b -> b.bucket(r.defaultBucket())
                    .prefix("resident-uk/")).contents().stream().filter(o -> !o.key().endsWith("/")).count();
            assertThat(objects).as("objects in bucket of %s (input, PDF, thumbnail)", r).isEqualTo(home ? 3 : 0);
        }
    }

    // ---- cancel racing completion ---------------------------------------------------------------------

    @Test
    void cancelRacingCompletionEndsInExactlyOneOfThemAndNeverServesACancelledPdf() throws Exception {
        String token = api.token("racer", "us");
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            StringBuilder csv = new StringBuilder("n,label,value\n");
            for (int row = 0; row < 4000; row++) {
                csv.append(row).append(",race ").append(i).append(',').append(row * 7 % 101).append('\n');
            }
            ids.add(api.uploadOk(token, "race-" + i + ".csv", csv.toString().getBytes()));
        }
        List<CompletableFuture<Integer>> cancels = new ArrayList<>();
        Iterator<String> it = ids.iterator();
        int delay = 0;
        while (it.hasNext()) {
            String id = it.next();
            int d = delay += 90;
            cancels.add(CompletableFuture.supplyAsync(() -> {
                try {
                    Thread.sleep(d);
                    return api.post(token, "/api/v1/files/" + id + "/cancel").statusCode();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }));
        }
        for (var c : cancels) {
            assertThat(c.get()).isIn(202, 409);
        }
        int cancelled = 0;
        for (String id : ids) {
            JsonNode s = api.awaitTerminal(token, id, Duration.ofSeconds(60));
            String status = s.get("status").asText();
            assertThat(status).isIn("cancelled", "converted");
            var row = stack.files(Region.US).find(id).orElseThrow();
            if (status.equals("cancelled")) {
                cancelled++;
                assertProblem(api.get(token, "/api/v1/files/" + id + "/pdf"), 409, "not-converted");
                await().atMost(Duration.ofSeconds(30)).until(() ->
                        !stack.objectStore().exists(Region.US.defaultBucket(), row.outputKey()));
            } else {
                assertThat(api.pdf(token, id).statusCode()).isEqualTo(200);
            }
        }
        System.out.println("cancel race: " + cancelled + " of " + ids.size() + " cancelled, the rest converted");
    }
}
