package io.fileconv.api;

import io.fileconv.core.testing.TestInfra;
import io.fileconv.core.testing.TestInfraExtension;
import io.fileconv.testkit.ApiClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The per-user upload rate over HTTP, on an API of its own (small limits) in front of the test run's MariaDB and S3:
 * 429 + Retry-After + problem+json, another user unaffected, and the admissions counted by outcome on /metrics. The
 * in-flight limit, whose test ends with a conversion, is local's InFlightLimitEndToEndTest.
 */
@ExtendWith(TestInfraExtension.class)
class UserLimitsTest {
    static final int PER_MINUTE = 3;
    static final int IN_FLIGHT = 2;
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static TestApi node;
    static ApiClient api;
    static String base;

    @BeforeAll
    static void start(TestInfra infra) throws Exception {
        Map<String, String> vars = new HashMap<>();
        vars.put("FILECONV_USER_UPLOADS_PER_MINUTE", Integer.toString(PER_MINUTE));
        vars.put("FILECONV_USER_MAX_IN_FLIGHT", Integer.toString(IN_FLIGHT));
        node = TestApi.start(infra, Path.of("target", "user-limits-api"), 20L << 20, vars);
        base = "http://localhost:" + node.port();
        api = new ApiClient(base);
    }

    @AfterAll
    static void stop() {
        if (node != null) {
            node.close();
        }
    }

    /** An upload without a file part: admitted by the limiter, then refused (400), so it creates no file. */
    static HttpResponse<String> emptyUpload(String token) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/files"))
                .header("Authorization", "Bearer " + token).header("Content-Type", "multipart/form-data; boundary=x")
                .POST(HttpRequest.BodyPublishers.ofString("--x\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\n"
                        + "v\r\n--x--\r\n")).build(), HttpResponse.BodyHandlers.ofString());
    }

    static String metrics() throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    @Test
    void uploadsBeyondTheRatePerMinuteAre429WithRetryAfter() throws Exception {
        String token = api.token("rate-limited-user", "us");
        List<HttpResponse<String>> answers = new ArrayList<>();
        // The bucket starts full and refills one upload every 20 s: the fourth request of a burst finds it empty
        // unless the machine needed 20 s for the first three, so up to ten are sent and the first 429 is checked.
        for (int i = 0; i < 10 && (answers.isEmpty() || answers.get(answers.size() - 1).statusCode() != 429); i++) {
            answers.add(emptyUpload(token));
        }
        assertThat(answers.subList(0, PER_MINUTE)).allSatisfy(r -> assertThat(r.statusCode()).isEqualTo(400));
        HttpResponse<String> refused = answers.get(answers.size() - 1);
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(429);
        assertThat(refused.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
        var problem = ApiClient.json(refused.body());
        assertThat(problem.get("type").asText()).isEqualTo("https://fileconv.io/problems/upload-rate-limited");
        assertThat(problem.get("limit").asInt()).isEqualTo(PER_MINUTE);
        int retryAfter = Integer.parseInt(refused.headers().firstValue("Retry-After").orElseThrow());
        assertThat(retryAfter).isBetween(1, 20);
        assertThat(problem.get("retryAfterSeconds").asInt()).isEqualTo(retryAfter);

        // Another user has a budget of their own.
        assertThat(emptyUpload(api.token("rate-neighbour", "us")).statusCode()).isEqualTo(400);
        assertThat(metrics()).containsPattern("fileconv_upload_admissions_total\\{[^}]*outcome=\"rate_limited\"[^}]*} [1-9]");
    }
}
