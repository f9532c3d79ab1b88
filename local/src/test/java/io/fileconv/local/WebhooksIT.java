package io.fileconv.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.fileconv.core.Region;
import io.fileconv.core.deletion.FileEraser;
import io.fileconv.core.metrics.DeletionMetrics;
import io.fileconv.core.metrics.FileconvMetrics;
import io.fileconv.testkit.ApiClient;
import io.fileconv.testkit.EncryptedDocuments;
import io.fileconv.testkit.SampleDocuments;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static io.fileconv.local.ApiRulesEndToEndTest.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Webhooks end to end on an embedded stack of its own (real MariaDB, Kafka, Debezium, S3, LibreOffice), whose
 * FILECONV_WEBHOOK_ALLOWED_HOSTS lists two loopback receivers (JDK HttpServer): signature checked here independently
 * of the signer, retries keep the webhook-id, a pending delivery survives a restart of the deliverer, redirects are
 * not followed, and URLs that are not https or point to private addresses are refused at upload.
 */
class WebhooksIT {
    /** One request a receiver got. */
    record Received(String path, String id, String timestamp, String signature, String body, int answered) {
    }

    /** A loopback receiver answering each request with the status the test sets (200 unless told otherwise). */
    static final class Receiver implements AutoCloseable {
        final HttpServer server;
        final List<Received> got = new CopyOnWriteArrayList<>();
        final AtomicInteger status = new AtomicInteger(200);
        volatile String location;

        Receiver() throws Exception {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/", ex -> {
                byte[] body = ex.getRequestBody().readAllBytes();
                int answer = status.get();
                got.add(new Received(ex.getRequestURI().getPath(), ex.getRequestHeaders().getFirst("webhook-id"),
                        ex.getRequestHeaders().getFirst("webhook-timestamp"),
                        ex.getRequestHeaders().getFirst("webhook-signature"), new String(body, StandardCharsets.UTF_8),
                        answer));
                if (location != null) {
                    ex.getResponseHeaders().add("Location", location);
                }
                ex.sendResponseHeaders(answer, -1);
                ex.close();
            });
            server.start();
        }

        int port() {
            return server.getAddress().getPort();
        }

        String url(String path) {
            return "http://127.0.0.1:" + port() + path;
        }

        List<Received> at(String path) {
            return got.stream().filter(r -> r.path().equals(path)).toList();
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }

    static Receiver receiver;
    static Receiver redirector;
    static EmbeddedStack stack;
    static ApiClient api;

    @BeforeAll
    static void start() throws Exception {
        receiver = new Receiver();
        redirector = new Receiver();
        Path dir = Path.of("target", "webhooks-it").toAbsolutePath();
        EmbeddedStack.deleteTree(dir);
        stack = EmbeddedStack.start(new StackOptions(dir, 0, 1, Duration.ofSeconds(60), 20L << 20).withEnv(Map.of(
                "FILECONV_WEBHOOK_ALLOWED_HOSTS", "127.0.0.1:" + receiver.port() + ",127.0.0.1:" + redirector.port(),
                "FILECONV_WEBHOOK_INTERVAL_SECONDS", "1",
                "FILECONV_WEBHOOK_RETRY_BASE_SECONDS", "1")));
        api = new ApiClient(stack.baseUrl());
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
        receiver.close();
        redirector.close();
    }

    static String upload(String token, String name, String webhookUrl) throws Exception {
        HttpResponse<String> r = api.upload(token, name, ("webhook test " + name).getBytes(StandardCharsets.UTF_8),
                Map.of("webhookUrl", webhookUrl));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return ApiClient.json(r.body()).get("id").asText();
    }

    static String secretOf(String token) throws Exception {
        HttpResponse<String> r = api.get(token, "/api/v1/webhook");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("Cache-Control")).hasValue("no-store");
        return ApiClient.json(r.body()).get("secret").asText();
    }

    /** The Standard Webhooks signature, computed here from the spec rather than with the production signer. */
    static String expectedSignature(String secret, Received r) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(Base64.getDecoder().decode(secret.substring("whsec_".length())), "HmacSHA256"));
        return "v1," + Base64.getEncoder().encodeToString(mac.doFinal((r.id() + "." + r.timestamp() + "." + r.body())
                .getBytes(StandardCharsets.UTF_8)));
    }

    static String[] delivery(String id) throws Exception {
        try (Connection c = DriverManager.getConnection(stack.jdbcBase(), "root", "");
             PreparedStatement ps = c.prepareStatement("SELECT state, attempts, last_error FROM "
                     + Region.IN.database() + ".webhook_deliveries WHERE id=?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? new String[]{rs.getString(1), rs.getString(2), rs.getString(3)} : null;
            }
        }
    }

    @Test
    void aConvertedFileIsAnnouncedOnceWithAValidSignature() throws Exception {
        String token = api.token("hook-signed", "in");
        String id = upload(token, "signed.txt", receiver.url("/signed"));
        assertThat(api.awaitTerminal(token, id, Duration.ofSeconds(90)).get("status").asText()).isEqualTo("converted");
        await().atMost(Duration.ofSeconds(60)).until(() -> !receiver.at("/signed").isEmpty());
        Received r = receiver.at("/signed").get(0);

        assertThat(r.id()).isEqualTo(id + ".1.converted");
        assertThat(Long.parseLong(r.timestamp())).isPositive();
        assertThat(r.signature()).isEqualTo(expectedSignature(secretOf(token), r));
        JsonNode body = ApiClient.json(r.body());
        assertThat(body.get("type").asText()).isEqualTo("file.converted");
        assertThat(body.get("data").get("id").asText()).isEqualTo(id);
        assertThat(body.get("data").get("status").asText()).isEqualTo("CONVERTED");
        assertThat(body.get("data").get("originalName").asText()).isEqualTo("signed.txt");
        assertThat(r.body()).doesNotContain("whsec_").doesNotContain("password");
        await().atMost(Duration.ofSeconds(30)).until(() -> "DELIVERED".equals(delivery(r.id())[0]));
    }

    /** Every terminal state is announced, not only CONVERTED: a file that fails and one the user cancels. */
    @Test
    void aFailedAndACancelledFileAreAnnouncedToo() throws Exception {
        String token = api.token("hook-terminal", "in");
        // Encrypted and sent with a wrong password: the converter ends it FAILED (class password).
        SampleDocuments.Doc locked = EncryptedDocuments.docx("hook-secret");
        HttpResponse<String> up = api.upload(token, locked.name(), locked.bytes(),
                Map.of("webhookUrl", receiver.url("/failed"), "password", "not-hook-secret"));
        assertThat(up.statusCode()).as(up.body()).isEqualTo(201);
        String failed = ApiClient.json(up.body()).get("id").asText();
        assertThat(api.awaitTerminal(token, failed, Duration.ofSeconds(90)).get("status").asText()).isEqualTo("failed");

        // The stack's one office process is busy with a long document, so the next upload is still waiting when the
        // user cancels it.
        SampleDocuments.Doc longDoc = SampleDocuments.pagedDocx(150);
        String busy = api.uploadOk(api.token("hook-busy", "in"), longDoc.name(), longDoc.bytes());
        String cancelled = upload(token, "cancel-me.txt", receiver.url("/cancelled"));
        HttpResponse<String> cancel = api.post(token, "/api/v1/files/" + cancelled + "/cancel");
        assertThat(cancel.statusCode()).as(cancel.body()).isBetween(200, 299);
        assertThat(api.awaitTerminal(token, cancelled, Duration.ofSeconds(90)).get("status").asText())
                .isEqualTo("cancelled");

        await().atMost(Duration.ofSeconds(60)).until(() -> !receiver.at("/failed").isEmpty()
                && !receiver.at("/cancelled").isEmpty());
        Received f = receiver.at("/failed").get(0);
        assertThat(f.id()).isEqualTo(failed + ".1.failed");
        assertThat(f.signature()).isEqualTo(expectedSignature(secretOf(token), f));
        JsonNode fb = ApiClient.json(f.body());
        assertThat(fb.get("type").asText()).isEqualTo("file.failed");
        assertThat(fb.get("data").get("status").asText()).isEqualTo("FAILED");
        assertThat(fb.get("data").get("failureClass").asText()).isNotBlank();
        assertThat(f.body()).doesNotContain("hook-secret");
        assertThat(f.body()).doesNotContain("not-hook-secret");
        Received c = receiver.at("/cancelled").get(0);
        assertThat(c.id()).isEqualTo(cancelled + ".1.cancelled");
        assertThat(c.signature()).isEqualTo(expectedSignature(secretOf(token), c));
        JsonNode cb = ApiClient.json(c.body());
        assertThat(cb.get("type").asText()).isEqualTo("file.cancelled");
        assertThat(cb.get("data").get("status").asText()).isEqualTo("CANCELLED");
        api.awaitTerminal(api.token("hook-busy", "in"), busy, Duration.ofMinutes(2));
    }

    @Test
    void aFailedTryIsRetriedWithTheSameIdAfterARestartOfTheDeliverer() throws Exception {
        String token = api.token("hook-retry", "in");
        receiver.status.set(500); // every request to this receiver fails until the test says otherwise
        String id = upload(token, "retry.txt", receiver.url("/retry"));
        api.awaitTerminal(token, id, Duration.ofSeconds(90));
        await().atMost(Duration.ofSeconds(60)).until(() -> !receiver.at("/retry").isEmpty());

        stack.worker().webhooks().close();
        int triesBefore = receiver.at("/retry").size();
        String deliveryId = receiver.at("/retry").get(0).id();
        assertThat(delivery(deliveryId)[0]).isEqualTo("PENDING");
        assertThat(Integer.parseInt(delivery(deliveryId)[1])).isGreaterThanOrEqualTo(triesBefore);

        receiver.status.set(200);
        stack.worker().webhooks().start();
        await().atMost(Duration.ofSeconds(60)).until(() -> "DELIVERED".equals(delivery(deliveryId)[0]));
        List<Received> tries = receiver.at("/retry");
        assertThat(tries).hasSizeGreaterThan(triesBefore);
        assertThat(tries).extracting(Received::id).containsOnly(deliveryId);
        assertThat(tries.get(0).answered()).isEqualTo(500);
        assertThat(tries.get(tries.size() - 1).answered()).isEqualTo(200);
        assertThat(tries.get(tries.size() - 1).body()).isEqualTo(tries.get(0).body());
    }

    @Test
    void aRedirectIsNotFollowed() throws Exception {
        String token = api.token("hook-redirect", "in");
        redirector.status.set(302);
        redirector.location = receiver.url("/redirected");
        String id = upload(token, "redirect.txt", redirector.url("/moved"));
        api.awaitTerminal(token, id, Duration.ofSeconds(90));
        await().atMost(Duration.ofSeconds(60)).until(() -> !redirector.at("/moved").isEmpty());
        String deliveryId = redirector.at("/moved").get(0).id();
        // The try is recorded after the response: had the client followed the redirect, it would have happened first.
        await().atMost(Duration.ofSeconds(30)).until(() -> "HTTP 302".equals(delivery(deliveryId)[2]));
        assertThat(receiver.at("/redirected")).isEmpty();
    }

    @Test
    void urlsThatAreNotHttpsOrPointToPrivateAddressesAreRefusedAtUpload() throws Exception {
        String token = api.token("hook-refused", "in");
        for (String url : List.of("http://hooks.example.com/x", "https://192.168.1.10/hook", "https://10.0.0.1/hook",
                "https://[::1]/hook", "https://169.254.169.254/latest", "http://127.0.0.1:1/not-listed",
                "not a url")) {
            assertProblem(api.upload(token, "refused.txt", "x".getBytes(StandardCharsets.UTF_8),
                    Map.of("webhookUrl", url)), 400, "bad-webhook-url");
        }
        HttpResponse<String> put = api.put(token, "/api/v1/webhook", "{\"url\":\"http://hooks.example.com/\"}");
        assertProblem(put, 400, "bad-webhook-url");
    }

    @Test
    void theDefaultUrlIsSetValidatedAndUsedAndTheSecretRotates() throws Exception {
        String token = api.token("hook-default", "in");
        String first = secretOf(token);
        assertThat(first).startsWith("whsec_").isEqualTo(secretOf(token));
        HttpResponse<String> put = api.put(token, "/api/v1/webhook", "{\"url\":\"" + receiver.url("/default") + "\"}");
        assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
        HttpResponse<String> rotated = api.post(token, "/api/v1/webhook/secret");
        String second = ApiClient.json(rotated.body()).get("secret").asText();
        assertThat(second).startsWith("whsec_").isNotEqualTo(first);

        HttpResponse<String> r = api.upload(token, "default.txt", "by default".getBytes(StandardCharsets.UTF_8));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        String id = ApiClient.json(r.body()).get("id").asText();
        await().atMost(Duration.ofSeconds(90)).until(() -> !receiver.at("/default").isEmpty());
        Received got = receiver.at("/default").get(0);
        assertThat(got.id()).startsWith(id + ".1.");
        assertThat(got.signature()).isEqualTo(expectedSignature(second, got));
    }

    static long rowsOf(String table, String user) throws Exception {
        try (Connection c = DriverManager.getConnection(stack.jdbcBase(), "root", "");
             PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM " + Region.IN.database() + "." + table
                     + " WHERE user_id=?")) {
            ps.setString(1, user);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    @Test
    void erasureRemovesTheSettingsAndEveryDelivery() throws Exception {
        String token = api.token("hook-erased", "in");
        String user = DeleteAndRetentionTest.userOf(token);
        secretOf(token);
        String id = upload(token, "erased.txt", receiver.url("/erased"));
        api.awaitTerminal(token, id, Duration.ofSeconds(90));
        await().atMost(Duration.ofSeconds(60)).until(() -> rowsOf("webhook_deliveries", user) == 1);
        assertThat(rowsOf("webhook_settings", user)).isEqualTo(1);

        new FileEraser(stack.objectStore(), new DeletionMetrics(FileconvMetrics.none()))
                .eraseUser(stack.files(Region.IN), Region.IN.defaultBucket(), user);
        assertThat(rowsOf("webhook_deliveries", user)).isZero();
        assertThat(rowsOf("webhook_settings", user)).isZero();
    }
}
