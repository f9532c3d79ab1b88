package io.fileconv.local;

import io.fileconv.testkit.ApiClient;
import io.fileconv.testkit.ImageBombs;
import io.fileconv.testkit.RawHttp;
import io.fileconv.testkit.SampleDocuments;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A bounded fuzz run of the upload endpoint: {@value #CASES} seeded multipart mutations (MultipartMutator) sent as
 * raw bytes. Every answer must be 2xx or 4xx (a 5xx or a dropped connection fails the case, named by its number
 * and description), and afterwards the stack must still be live, ready and converting. Bounded by count, not time.
 */
@ExtendWith(SharedStack.class)
class UploadFuzzTest {
    static final long SEED = 20261202L;
    static final int CASES = 160;
    /** Users the cases rotate through, so the per-user limits (60 a minute, 20 in flight) are not what answers. */
    static final int USERS = 16;

    @Test
    void everyMutatedUploadIsAnswered2xxOr4xxAndTheStackStaysHealthy(EmbeddedStack stack) throws Exception {
        ApiClient api = new ApiClient(stack.baseUrl());
        int port = RawHttp.port(stack.baseUrl());
        String[] regions = {"in", "us", "uk"};
        String[] tokens = new String[USERS];
        for (int i = 0; i < USERS; i++) {
            tokens[i] = api.token("fuzz-" + i, regions[i % regions.length]);
        }
        MultipartMutator mutator = new MultipartMutator(SEED, List.of(
                new MultipartMutator.Sample("notes.txt", SampleDocuments.txt().bytes()),
                new MultipartMutator.Sample("table.csv", SampleDocuments.csv().bytes()),
                new MultipartMutator.Sample("page.html", SampleDocuments.html().bytes()),
                new MultipartMutator.Sample("dot.png", ImageBombs.pngClaiming(1, 1)),
                new MultipartMutator.Sample("letter.docx", SampleDocuments.docx().bytes())));
        Map<Integer, Integer> statuses = new TreeMap<>();
        Map<String, Map<Integer, Integer>> byKind = new TreeMap<>();
        for (int i = 0; i < CASES; i++) {
            MultipartMutator.Upload u = mutator.next();
            RawHttp.Response r = RawHttp.send(port, RawHttp.upload(tokens[i % USERS], u.contentType(), u.body()));
            assertThat(r.status()).as("case %d (%s): %s", i, u.description(), r.body()).isBetween(200, 499);
            statuses.merge(r.status(), 1, Integer::sum);
            byKind.computeIfAbsent(u.description().replaceAll("[0-9]+", "N"), k -> new TreeMap<>())
                    .merge(r.status(), 1, Integer::sum);
        }
        System.out.println("upload fuzz, seed " + SEED + ", " + CASES + " cases: " + statuses);
        byKind.forEach((kind, answers) -> System.out.println("  " + kind + ": " + answers));
        assertThat(statuses.keySet()).as("the run reached both acceptance and refusals").contains(201, 400);

        assertThat(api.get("", "/healthz").statusCode()).isEqualTo(200);
        assertThat(api.get("", "/readyz").statusCode()).isEqualTo(200);
        String token = api.token("after-fuzz", "in");
        String id = api.uploadOk(token, "after.txt", SampleDocuments.txt().bytes());
        assertThat(api.awaitTerminal(token, id, Duration.ofMinutes(3)).get("status").asText()).isEqualTo("converted");
    }
}
