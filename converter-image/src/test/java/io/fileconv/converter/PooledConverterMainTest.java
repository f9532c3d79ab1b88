package io.fileconv.converter;

import com.fasterxml.jackson.databind.JsonNode;
import io.fileconv.core.Env;
import io.fileconv.core.work.WorkItem;
import io.fileconv.embedded.FreePorts;
import io.fileconv.testkit.SampleDocuments;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A converter pod in pool mode: the worker talking the HTTP work protocol to a real server, documents moving through
 * real presigned URLs of a real S3 API, converted by a real LibreOffice.
 */
class PooledConverterMainTest {
    static final String TOKEN = "per-job-token";

    @TempDir
    static Path work;
    static PresigningS3 s3;
    static WorkItems items;

    @BeforeAll
    static void start() throws Exception {
        s3 = PresigningS3.start(work.resolve("s3"));
        items = new WorkItems(s3);
    }

    @AfterAll
    static void stop() throws Exception {
        if (s3 != null) {
            s3.close();
        }
    }

    /**
     * No credentials: the pod's whole environment is its work endpoint, its token and local settings, and it reads
     * nothing else (every name it asks for is recorded), yet it converts. Not-ready answers (503) are waited out.
     */
    @Test
    void poolModeConvertsWithNothingButTheWorkEndpointAndItsTokenThenExitsWhenIdle() throws Exception {
        try (FakeWorkEndpoint endpoint = new FakeWorkEndpoint(TOKEN)) {
            SampleDocuments.Doc docx = SampleDocuments.docx();
            SampleDocuments.Doc txt = SampleDocuments.txt();
            WorkItem a = items.upload(docx.bytes(), ConversionWorkerTest.DOCX);
            WorkItem b = items.upload(txt.bytes(), ConversionWorkerTest.TXT);
            endpoint.queue.add(a);
            endpoint.queue.add(b);
            endpoint.notReadyClaims.set(2);
            Map<String, String> vars = Map.of(
                    "FILECONV_WORK_URL", endpoint.url().toString(),
                    "FILECONV_WORK_TOKEN", TOKEN,
                    "FILECONV_WORK_DIR", work.resolve("pod").toString(),
                    "FILECONV_IDLE_SECONDS", "3",
                    "FILECONV_OFFICE_PORT", Integer.toString(FreePorts.take()),
                    "HOSTNAME", "converter-pool-in-7f9c2");
            RecordingMap env = new RecordingMap(vars);

            assertThat(ConverterMain.run(new Env(env))).isEqualTo(ConversionWorker.EXIT_IDLE);

            assertThat(env.read).allMatch(name -> name.startsWith("FILECONV_WORK_") || name.equals("HOSTNAME")
                    || Set.of("FILECONV_IDLE_SECONDS", "FILECONV_TIMEOUT_SECONDS", "FILECONV_OFFICE_PORT").contains(name));
            for (WorkItem w : new WorkItem[]{a, b}) {
                JsonNode outcome = endpoint.outcomes.get(w.leaseId());
                assertThat(outcome.get("converted").asBoolean()).as(w.fileId()).isTrue();
                assertThat(outcome.get("conversionMs").asLong()).isPositive();
            }
            assertThat(pdfText(a)).contains(docx.sentence());
            assertThat(pdfText(b)).contains(txt.sentence());
            assertThat(endpoint.pods).containsOnly("converter-pool-in-7f9c2");
        }
    }

    @Test
    void aRefusedTokenEndsTheWorkerWithANonZeroCode() throws Exception {
        try (FakeWorkEndpoint endpoint = new FakeWorkEndpoint(TOKEN)) {
            endpoint.queue.add(items.upload(SampleDocuments.txt().bytes(), ConversionWorkerTest.TXT));
            Map<String, String> vars = new HashMap<>(Map.of(
                    "FILECONV_WORK_URL", endpoint.url().toString(),
                    "FILECONV_WORK_TOKEN", "a-revoked-token",
                    "FILECONV_WORK_DIR", work.resolve("pod-refused").toString(),
                    "FILECONV_IDLE_SECONDS", "600",
                    "FILECONV_OFFICE_PORT", Integer.toString(FreePorts.take())));

            assertThat(ConverterMain.run(new Env(vars))).isEqualTo(ConversionWorker.EXIT_REFUSED);
            assertThat(endpoint.queue).as("it took no work").hasSize(1);
            assertThat(endpoint.outcomes).isEmpty();
        }
    }

    @Test
    void aSourceThatStaysUnreachableEndsTheWorkerWithANonZeroCode() throws Exception {
        URI closed = URI.create("http://127.0.0.1:" + FreePorts.take());
        try (OfficePool pool = OfficePool.start(new OfficePoolConfig(FreePorts.take(1), 10, Duration.ofSeconds(60),
                work.resolve("office-unreachable")))) {
            ConversionWorker worker = new ConversionWorker(new HttpWorkSource(closed, TOKEN, "pod"),
                    new DocumentConverter(pool), work.resolve("scratch"),
                    new ConversionWorker.Settings(Duration.ofMinutes(10), Duration.ofSeconds(5), 1 << 20,
                            Duration.ofSeconds(2)));
            assertThat(worker.run()).isEqualTo(ConversionWorker.EXIT_SOURCE_UNREACHABLE);
        }
    }

    private static String pdfText(WorkItem w) throws Exception {
        Path pdf = s3.download(WorkItems.outputKey(w.fileId()), Files.createTempFile(work, "out", ".pdf"));
        return DocumentIsolationTest.text(pdf);
    }

    /** The environment a pod would have, recording every name the converter reads. */
    static final class RecordingMap extends HashMap<String, String> {
        final Set<String> read = ConcurrentHashMap.newKeySet();

        RecordingMap(Map<String, String> vars) {
            super(vars);
        }

        @Override
        public String get(Object key) {
            read.add(String.valueOf(key));
            return super.get(key);
        }
    }
}
