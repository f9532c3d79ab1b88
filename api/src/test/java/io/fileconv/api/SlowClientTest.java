package io.fileconv.api;

import io.fileconv.core.Region;
import io.fileconv.core.testing.TestInfra;
import io.fileconv.core.testing.TestInfraExtension;
import io.fileconv.testkit.ApiClient;
import io.fileconv.testkit.RawHttp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Slow clients over raw sockets against an API of its own with short limits (header deadline 1 s, idle 5 s, body at
 * least 4 KiB/s). The client sends faster than the idle timeout, so only the header deadline and the data-rate rule
 * can stop it; each test gives the server many times its limit and fails if the client is still being read.
 */
@ExtendWith(TestInfraExtension.class)
class SlowClientTest {
    static TestInfra infra;
    static TestApi node;

    @BeforeAll
    static void start(TestInfra i) throws Exception {
        infra = i;
        Map<String, String> vars = new HashMap<>();
        vars.put("FILECONV_HTTP_HEADER_TIMEOUT_SECONDS", "1");
        vars.put("FILECONV_HTTP_IDLE_TIMEOUT_SECONDS", "5");
        vars.put("FILECONV_HTTP_MIN_REQUEST_BYTES_PER_SECOND", "4096");
        node = TestApi.start(i, Path.of("target", "slow-client-api"), 20L << 20, vars);
    }

    @AfterAll
    static void stop() {
        if (node != null) {
            node.close();
        }
    }

    @Test
    void headersTrickledLineByLineAreCutOffAtTheHeaderDeadline() throws Exception {
        // 200 lines of ~14 bytes stay far below Jetty's 8 KiB header limit: only the deadline can end this.
        int sent = 0;
        boolean closed = false;
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), node.port())) {
            OutputStream out = s.getOutputStream();
            out.write("GET /healthz HTTP/1.1\r\nHost: localhost\r\n".getBytes(StandardCharsets.US_ASCII));
            for (; sent < 200; sent++) {
                try {
                    out.write(("X-Slow-" + sent + ": 1\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                } catch (IOException e) {
                    closed = true;
                    break;
                }
                Thread.sleep(250);
            }
        }
        assertThat(closed).as("connection closed by the server while headers were still arriving (%d lines sent)",
                sent).isTrue();
        // A client that sends its headers at once is served as usual.
        RawHttp.Response ok = RawHttp.send(node.port(), "GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII));
        assertThat(ok.status()).isEqualTo(200);
    }

    @Test
    void aBodyThatStallsIsEndedByTheIdleTimeoutWith408() throws Exception {
        String user = "stalled-uploader";
        String token = new ApiClient("http://localhost:" + node.port()).token(user, "uk");
        String headers = new String(RawHttp.upload(token, "multipart/form-data; boundary=B", new byte[0]),
                StandardCharsets.ISO_8859_1).replace("Content-Length: 0", "Content-Length: 100000");
        RawHttp.Response answer;
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), node.port())) {
            s.setSoTimeout(60_000); // the client waits far longer than the server's 5 s idle timeout
            s.getOutputStream().write((headers + "--B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"s.txt\""
                    + "\r\n\r\nthe first bytes, then nothing").getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
            answer = RawHttp.read(s.getInputStream());
        }
        assertThat(answer.status()).as(answer.body()).isEqualTo(408);
        assertThat(ApiClient.json(answer.body()).get("type").asText()).isEqualTo("https://fileconv.io/problems/too-slow");
        assertThat(infra.files(Region.UK).listOwned(user, null, null, 10)).isEmpty();
    }

    @Test
    void aBodyTrickledBelowTheMinimumRateIsRefusedWith408() throws Exception {
        trickleIsRefused("slow-uploader");
    }

    /**
     * The rate is each request's own: Jetty's MinimumDataRateHandler counted the bytes of every request since start,
     * so after one fast upload of a few MiB a trickling client was never refused.
     */
    @Test
    void theMinimumRateIsPerRequestNotForTheWholeServer() throws Exception {
        ApiClient api = new ApiClient("http://localhost:" + node.port());
        String fast = api.token("fast-uploader", "uk");
        byte[] text = "a line of a fast upload, sent at once\n".repeat(200_000).getBytes(StandardCharsets.US_ASCII);
        assertThat(api.upload(fast, "fast.txt", text).statusCode()).isEqualTo(201);
        trickleIsRefused("slow-after-fast");
    }

    /** JSON bodies are read through the servlet stream, not the multipart parser: the same rule ends them. */
    @Test
    void aJsonBodyTrickledBelowTheMinimumRateIsRefusedWith408() throws Exception {
        byte[] head = ("POST /api/v1/dev/token HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                + "Content-Length: 100000\r\n\r\n{\"user\":\"").getBytes(StandardCharsets.US_ASCII);
        RawHttp.Trickled trickled = RawHttp.trickle(node.port(), head);
        int chunks = trickled.chunks();
        RawHttp.Response answer = trickled.answer();
        assertThat(chunks).as("the server stopped reading before the client finished").isLessThan(400);
        assertThat(answer.status()).as(answer.body()).isEqualTo(408);
        assertThat(ApiClient.json(answer.body()).get("type").asText()).isEqualTo("https://fileconv.io/problems/too-slow");
    }

    private static void trickleIsRefused(String user) throws Exception {
        String token = new ApiClient("http://localhost:" + node.port()).token(user, "uk");
        int declared = 200_000;
        String partHead = "--B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"slow.txt\"\r\n\r\n";
        byte[] head = RawHttp.upload(token, "multipart/form-data; boundary=B", new byte[0]);
        String headers = new String(head, StandardCharsets.ISO_8859_1)
                .replace("Content-Length: 0", "Content-Length: " + declared);
        // 100 bytes every 250 ms is 400 B/s, a tenth of the minimum; 400 chunks would take 100 s.
        RawHttp.Trickled trickled = RawHttp.trickle(node.port(),
                (headers + partHead).getBytes(StandardCharsets.ISO_8859_1));
        int chunks = trickled.chunks();
        RawHttp.Response answer = trickled.answer();
        assertThat(chunks).as("the server stopped reading before the client finished").isLessThan(400);
        assertThat(answer.status()).as(answer.body()).isEqualTo(408);
        assertThat(answer.header("Content-Type")).startsWith("application/problem+json");
        assertThat(ApiClient.json(answer.body()).get("type").asText()).isEqualTo("https://fileconv.io/problems/too-slow");
        assertThat(infra.files(Region.UK).listOwned(user, null, null, 10)).isEmpty();
    }
}
