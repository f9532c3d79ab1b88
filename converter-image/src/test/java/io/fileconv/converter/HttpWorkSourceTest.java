package io.fileconv.converter;

import com.fasterxml.jackson.databind.JsonNode;
import io.fileconv.core.FailureClass;
import io.fileconv.core.options.PdfA;
import io.fileconv.core.options.PdfOptions;
import io.fileconv.core.work.WorkItem;
import io.fileconv.core.work.WorkOutcome;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The pod side of the work protocol (converter-image/README.md) against a real HTTP server that implements it. */
class HttpWorkSourceTest {
    FakeWorkEndpoint endpoint;
    HttpWorkSource source;

    @BeforeEach
    void start() throws IOException {
        endpoint = new FakeWorkEndpoint("job-token");
        source = new HttpWorkSource(endpoint.url(), "job-token", "converter-abc12");
    }

    @AfterEach
    void stop() {
        endpoint.close();
    }

    @Test
    void claimsAnItemWithItsPresignedUrlsOrNothingWithinTheWait() throws Exception {
        assertThat(source.claim(Duration.ofSeconds(1))).isEmpty();
        WorkItem item = new WorkItem("lease-1", "file-1", 2, "text/plain",
                URI.create("http://s3.local/b/k/input?X-Amz-Signature=ab%2Fcd"),
                URI.create("http://s3.local/b/k/output.pdf?X-Amz-Signature=ef"), 120, 30,
                new PdfOptions("1-2", true, PdfA.PDF_A_2B, null, null, null, 80, 150, null, null));
        endpoint.queue.add(item);
        assertThat(source.claim(Duration.ofSeconds(5))).contains(item);
        assertThat(endpoint.requests).contains("POST /work/v1/claim?waitSeconds=1", "POST /work/v1/claim?waitSeconds=5");
        assertThat(endpoint.pods).containsOnly("converter-abc12");
    }

    @Test
    void theWarmUpReadsAnItemWithoutAskingTheEndpoint() throws Exception {
        source.warmUp();
        assertThat(endpoint.requests).as("the warm-up is local: no claim, no lease").isEmpty();
        endpoint.queue.add(new WorkItem("lease-2", "file-2", 1, "text/plain", URI.create("http://s3.local/in"),
                URI.create("http://s3.local/out"), 120, 30, null));
        assertThat(source.claim(Duration.ofSeconds(5))).get().extracting(WorkItem::fileId).isEqualTo("file-2");
    }

    @Test
    void heartbeatIsFalseOnceTheLeaseIsGone() throws Exception {
        assertThat(source.heartbeat("lease-7")).isTrue();
        endpoint.goneLeases.add("lease-7");
        assertThat(source.heartbeat("lease-7")).isFalse();
        assertThat(endpoint.heartbeats.get("lease-7").get()).isEqualTo(2);
    }

    @Test
    void reportsOutcomesAsTheProtocolsJson() throws Exception {
        source.report("lease-ok", WorkOutcome.converted(123));
        source.report("lease-bad", WorkOutcome.failed(FailureClass.TIMEOUT, "took too long", 60_000));
        endpoint.goneLeases.add("lease-late");
        source.report("lease-late", WorkOutcome.converted(5)); // 410: ignored, no exception

        JsonNode ok = endpoint.outcomes.get("lease-ok");
        assertThat(ok.get("converted").asBoolean()).isTrue();
        assertThat(ok.get("failureClass").isNull()).isTrue();
        assertThat(ok.get("reason").isNull()).isTrue();
        assertThat(ok.get("conversionMs").asLong()).isEqualTo(123);
        JsonNode bad = endpoint.outcomes.get("lease-bad");
        assertThat(bad.get("converted").asBoolean()).isFalse();
        assertThat(bad.get("failureClass").asText()).isEqualTo("TIMEOUT");
        assertThat(bad.get("reason").asText()).isEqualTo("took too long");
        assertThat(endpoint.outcomes).doesNotContainKey("lease-late");
    }

    @Test
    void aBadTokenIsRefusedAndNotReadyIsATransientError() throws IOException {
        HttpWorkSource wrong = new HttpWorkSource(endpoint.url(), "not-the-token", "converter-abc12");
        assertThatThrownBy(() -> wrong.claim(Duration.ofSeconds(1))).isInstanceOf(WorkSourceRefusedException.class);
        assertThatThrownBy(() -> wrong.heartbeat("l")).isInstanceOf(WorkSourceRefusedException.class);
        assertThatThrownBy(() -> wrong.report("l", WorkOutcome.converted(1)))
                .isInstanceOf(WorkSourceRefusedException.class);
        endpoint.notReadyClaims.set(1);
        assertThatThrownBy(() -> source.claim(Duration.ofSeconds(1))).isInstanceOf(IOException.class)
                .hasMessageContaining("503");
    }
}
