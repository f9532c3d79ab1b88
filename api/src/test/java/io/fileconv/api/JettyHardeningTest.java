package io.fileconv.api;

import io.javalin.Javalin;
import io.fileconv.testkit.RawHttp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The data-rate rule must not refuse a small body that arrived whole just because the server read it in two calls
 * a few milliseconds apart. Jetty's own servlet rule ({@code HttpConfiguration.setMinRequestDataRate}) did: it
 * checks on every read, without grace, bytes since the first byte against the rate, so a 30-byte JSON body read
 * again 4 ms later is "below 8 KiB/s" and gets 408. On a busy machine (a GC pause, a preempted thread, cold code
 * right after start) that gap happens; the web UI's sign-in then failed now and then.
 */
class JettyHardeningTest {
    private Javalin app;

    @AfterEach
    void stop() {
        if (app != null) {
            app.stop();
        }
    }

    /** A route that reads its body in two parts with a pause between, as a thread delayed by the machine would. */
    private int start(HttpLimits limits) {
        app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.jetty.port = 0;
            config.jetty.host = "127.0.0.1";
            JettyHardening.apply(config, limits);
            config.routes.post("/echo", ctx -> {
                InputStream in = ctx.req().getInputStream();
                try {
                    int first = in.read();
                    Thread.sleep(100);
                    byte[] rest = in.readAllBytes();
                    ctx.result((char) first + new String(rest, StandardCharsets.US_ASCII));
                } catch (java.io.IOException e) {
                    ctx.status(RequestBodyGuard.isTooSlow(e) ? 408 : 500).result(e.toString());
                }
            });
        }).start();
        return app.port();
    }

    @Test
    void aSmallBodyReadInTwoCallsWithAPauseIsNotRefused() throws Exception {
        int port = start(new HttpLimits(Duration.ofSeconds(30), Duration.ofSeconds(10), 8192));
        String body = "{\"user\":\"alice\",\"region\":\"in\"}";
        RawHttp.Response answer = RawHttp.send(port, ("POST /echo HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
                + "Content-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n" + body)
                .getBytes(StandardCharsets.US_ASCII));
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        assertThat(answer.body()).isEqualTo(body);
    }

    /** Without Jetty's rule, the guard still ends a body trickled through a servlet stream (not only multipart). */
    @Test
    void aBodyTrickledBelowTheRateIsStillRefused() throws Exception {
        int port = start(new HttpLimits(Duration.ofSeconds(30), Duration.ofSeconds(10), 4096));
        int declared = 100_000;
        // 100 bytes every 250 ms is 400 B/s, a tenth of the minimum; 400 chunks would take 100 s.
        byte[] head = ("POST /echo HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
                + "Content-Type: application/json\r\nContent-Length: " + declared + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        RawHttp.Trickled trickled = RawHttp.trickle(port, head);
        int chunks = trickled.chunks();
        RawHttp.Response answer = trickled.answer();
        assertThat(chunks).as("the server stopped reading before the client finished").isLessThan(400);
        assertThat(answer.status()).as(answer.body()).isEqualTo(408);
    }
}
