package io.fileconv.local;

import com.fasterxml.jackson.databind.JsonNode;
import io.fileconv.core.FileRepository;
import io.fileconv.core.Region;
import io.fileconv.core.deletion.DeletionReason;
import io.fileconv.core.deletion.FileEraser;
import io.fileconv.core.metrics.DeletionMetrics;
import io.fileconv.core.metrics.FileconvMetrics;
import io.fileconv.testkit.ApiClient;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** GET /api/v1/events over HTTP on the embedded stack: own changes live, resume by Last-Event-ID, refusals. */
@ExtendWith(SharedStack.class)
class StatusEventsTest {
    private static final Duration PIPELINE = Duration.ofSeconds(90);
    static ApiClient api;
    static EmbeddedStack stack;

    @BeforeAll
    static void setUp(EmbeddedStack s) {
        stack = s;
        api = new ApiClient(s.baseUrl());
    }

    private static byte[] text(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aStreamCarriesTheCallersOwnChangesToTheTerminalStateAndNobodyElses() throws Exception {
        String alice = api.token("sse-alice", "in");
        String bob = api.token("sse-bob", "in");
        try (SseStream stream = SseStream.open(stack.baseUrl(), alice, null)) {
            assertThat(stream.status()).isEqualTo(200);
            assertThat(stream.contentType()).startsWith("text/event-stream");
            String bobs = api.uploadOk(bob, "bob.txt", text("Bob's file, not Alice's business."));
            String mine = api.uploadOk(alice, "alice.txt", text("Alice watches this one convert."));

            SseStream.Event done = stream.await(SseStream.statusOf(mine, "converted"), PIPELINE);
            JsonNode body = done.json();
            // The same body as GET /api/v1/files/{id}.
            assertThat(body.get("links").get("pdf").asText()).isEqualTo("/api/v1/files/" + mine + "/pdf");
            assertThat(body.get("name").asText()).isEqualTo("alice.txt");
            api.awaitTerminal(bob, bobs, PIPELINE);

            List<SseStream.Event> all = stream.drain(Duration.ofSeconds(2));
            List<String> mineInOrder = new ArrayList<>();
            for (SseStream.Event e : all) {
                assertThat(e.type()).isEqualTo("status");
                assertThat(e.json().get("id").asText()).as("only the caller's files").isEqualTo(mine);
                assertThat(e.id()).endsWith("." + mine);
                mineInOrder.add(e.json().get("status").asText());
            }
            assertThat(mineInOrder).as("each change once, in pipeline order").doesNotHaveDuplicates()
                    .endsWith("converted");
            assertThat(List.of("uploaded", "queued", "converting", "converted")).containsSubsequence(mineInOrder);
        }
    }

    @Test
    void aStreamResumedWithLastEventIdSendsWhatChangedSinceAndNotWhatCameBefore() throws Exception {
        String carol = api.token("sse-carol", "uk");
        String first;
        SseStream.Event lastSeen;
        try (SseStream stream = SseStream.open(stack.baseUrl(), carol, null)) {
            assertThat(stream.status()).isEqualTo(200);
            first = api.uploadOk(carol, "first.txt", text("The first file of the resume test."));
            lastSeen = stream.await(SseStream.statusOf(first, "converted"), PIPELINE);
        }
        // Disconnected: a second file is uploaded and converted meanwhile.
        String second = api.uploadOk(carol, "second.txt", text("Uploaded while nobody listened."));
        api.awaitTerminal(carol, second, PIPELINE);

        try (SseStream resumed = SseStream.open(stack.baseUrl(), carol, lastSeen.id())) {
            assertThat(resumed.status()).isEqualTo(200);
            resumed.await(SseStream.statusOf(second, "converted"), Duration.ofSeconds(30));
            for (SseStream.Event e : resumed.drain(Duration.ofSeconds(1))) {
                assertThat(e.json().get("id").asText()).as("the first file has not changed since the client's last"
                        + " event").isEqualTo(second);
            }
        }
    }

    @Test
    void aCancelIsStreamedToo() throws Exception {
        String dave = api.token("sse-dave", "us");
        try (SseStream stream = SseStream.open(stack.baseUrl(), dave, null)) {
            assertThat(stream.status()).isEqualTo(200);
            String id = api.uploadOk(dave, "cancel-me.txt", text("To be cancelled, maybe too late."));
            api.post(dave, "/api/v1/files/" + id + "/cancel");
            String end = api.awaitTerminal(dave, id, PIPELINE).get("status").asText();
            stream.await(SseStream.statusOf(id, end), Duration.ofSeconds(30));
        }
    }

    @Test
    void cachedStatusReadsFollowChangesMadeByOtherProcesses() throws Exception {
        String frank = api.token("cache-frank", "in");
        String id = api.uploadOk(frank, "cached.txt", text("Read many times, changed elsewhere."));
        assertThat(api.awaitTerminal(frank, id, PIPELINE).get("status").asText()).isEqualTo("converted");
        for (int i = 0; i < 5; i++) {
            assertThat(api.status(frank, id).get("status").asText()).isEqualTo("converted"); // now read from memory
        }
        // The retry job's kind of change, made straight in MySQL (not through this API): the feed reports it.
        FileRepository files = stack.files(Region.IN);
        try (Connection c = files.dataSource().getConnection(); Statement st = c.createStatement()) {
            st.executeUpdate("UPDATE files SET status='FAILED', failure_class='INTERNAL', failure_reason='test',"
                    + " updated_at=UTC_TIMESTAMP(3) WHERE id='" + id + "'");
        }
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(api.status(frank, id).get("status").asText()).isEqualTo("failed"));
        // A deletion by another process (the retention job's eraser): the feed reads the tombstone.
        new FileEraser(stack.objectStore(), new DeletionMetrics(FileconvMetrics.none()))
                .erase(files, Region.IN.defaultBucket(), "cache-frank", id, DeletionReason.RETENTION);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(api.get(frank, "/api/v1/files/" + id).statusCode()).isEqualTo(404));
    }

    @Test
    void refusalsAreProblems() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        URI events = URI.create(stack.baseUrl() + "/api/v1/events");
        HttpResponse<String> noToken = http.send(HttpRequest.newBuilder(events).header("Accept", "text/event-stream")
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(noToken.statusCode()).isEqualTo(401);
        assertThat(noToken.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");

        String erin = api.token("sse-erin", "in");
        HttpResponse<String> notAStream = api.get(erin, "/api/v1/events");
        assertThat(notAStream.statusCode()).isEqualTo(406);
        assertThat(ApiClient.json(notAStream.body()).get("type").asText()).endsWith("/not-acceptable");

        HttpResponse<String> badResume = http.send(HttpRequest.newBuilder(events).header("Accept", "text/event-stream")
                .header("Authorization", "Bearer " + erin).header("Last-Event-ID", "../etc/passwd").build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(badResume.statusCode()).isEqualTo(400);
        assertThat(ApiClient.json(badResume.body()).get("type").asText()).endsWith("/bad-last-event-id");

        List<SseStream> open = new ArrayList<>();
        try {
            for (int i = 0; i < 5; i++) {
                SseStream s = SseStream.open(stack.baseUrl(), erin, null);
                open.add(s);
                assertThat(s.status()).isEqualTo(200);
            }
            try (SseStream sixth = SseStream.open(stack.baseUrl(), erin, null)) {
                assertThat(sixth.status()).isEqualTo(429);
            }
        } finally {
            open.forEach(SseStream::close);
        }
    }
}
