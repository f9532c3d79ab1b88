package io.fileconv.local;

import com.fasterxml.jackson.databind.JsonNode;
import io.fileconv.testkit.ApiClient;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Listing and cancel over HTTP on the embedded stack, on files the pipeline converted. The API's validation, refusals
 * and region routing, which need no conversion, are the API's ApiBehaviourTest.
 */
@ExtendWith(SharedStack.class)
class ListAndCancelEndToEndTest {
    static ApiClient api;

    @BeforeAll
    static void setUp(EmbeddedStack s) {
        api = new ApiClient(s.baseUrl());
    }

    private static void assertProblem(HttpResponse<String> r, int status, String slug) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
        JsonNode p = ApiClient.json(r.body());
        assertThat(p.get("type").asText()).isEqualTo("https://fileconv.io/problems/" + slug);
        assertThat(p.get("status").asInt()).isEqualTo(status);
        assertThat(p.get("detail").asText()).isNotBlank();
    }

    @Test
    void listIsNewestFirstWithCursorPagingAndStatusFilter() throws Exception {
        String token = api.token("lister-http", "us");
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(api.uploadOk(token, "n" + i + ".txt", ("note " + i).getBytes()));
        }
        for (String id : ids) {
            api.awaitTerminal(token, id, Duration.ofSeconds(60));
        }
        JsonNode p1 = ApiClient.json(api.get(token, "/api/v1/files?limit=2").body());
        assertThat(p1.get("items")).hasSize(2);
        assertThat(p1.get("items").get(0).get("id").asText()).isEqualTo(ids.get(4));
        Set<String> seen = new HashSet<>();
        String cursor = null;
        do {
            JsonNode page = ApiClient.json(api.get(token, "/api/v1/files?limit=2"
                    + (cursor == null ? "" : "&cursor=" + cursor)).body());
            page.get("items").forEach(i -> seen.add(i.get("id").asText()));
            cursor = page.get("nextCursor").isNull() ? null : page.get("nextCursor").asText();
        } while (cursor != null);
        assertThat(seen).containsExactlyInAnyOrderElementsOf(ids);
        JsonNode converted = ApiClient.json(api.get(token, "/api/v1/files?status=converted&limit=100").body());
        assertThat(converted.get("items")).hasSize(5);
        assertThat(ApiClient.json(api.get(token, "/api/v1/files?status=failed").body()).get("items")).isEmpty();
        assertProblem(api.get(token, "/api/v1/files?status=bogus"), 400, "bad-status");
        assertProblem(api.get(token, "/api/v1/files?cursor=../../x"), 400, "bad-cursor");
    }

    @Test
    void cancellingAFinishedFileIsAConflictAndAnotherUsersIsNotFound() throws Exception {
        String token = api.token("canceller", "uk");
        String id = api.uploadOk(token, "c.txt", "cancel me".getBytes());
        api.awaitTerminal(token, id, Duration.ofSeconds(60));
        assertProblem(api.post(token, "/api/v1/files/" + id + "/cancel"), 409, "not-cancellable");
        assertProblem(api.post(api.token("stranger", "uk"), "/api/v1/files/" + id + "/cancel"), 404, "not-found");
        assertProblem(api.get(token, "/api/v1/files/not-an-id"), 404, "not-found");
    }
}
