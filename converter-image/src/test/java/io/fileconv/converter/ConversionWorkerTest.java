package io.fileconv.converter;

import com.sun.net.httpserver.HttpServer;
import io.fileconv.core.FailureClass;
import io.fileconv.core.work.WorkItem;
import io.fileconv.core.work.WorkOutcome;
import io.fileconv.embedded.FreePorts;
import io.fileconv.testkit.SampleDocuments;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/** The pooled worker on a real LibreOffice, reading and writing a real S3 API through real presigned URLs. */
class ConversionWorkerTest {
    static final String TXT = "text/plain";
    static final String DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
    static final String RTF = "application/rtf";

    @TempDir
    static Path work;
    static PresigningS3 s3;
    static WorkItems items;
    static OfficePool pool;
    static DocumentConverter converter;
    static Path officeDir;

    @BeforeAll
    static void start() throws Exception {
        s3 = PresigningS3.start(work.resolve("s3"));
        items = new WorkItems(s3);
        officeDir = work.resolve("office");
        pool = OfficePool.start(new OfficePoolConfig(FreePorts.take(1), 200, Duration.ofSeconds(60), officeDir));
        converter = new DocumentConverter(pool);
    }

    @AfterAll
    static void stop() throws Exception {
        if (pool != null) {
            pool.close();
        }
        if (s3 != null) {
            s3.close();
        }
    }

    private static ConversionWorker worker(QueueWorkSource source, Duration idle) {
        return new ConversionWorker(source, converter, work.resolve("scratch"), ConversionWorker.Settings.idleAfter(idle));
    }

    @Test
    void oneWarmOfficeProcessConvertsDocumentAfterDocumentThenTheWorkerEndsWhenIdle() throws Exception {
        QueueWorkSource source = new QueueWorkSource();
        SampleDocuments.Doc docx = SampleDocuments.docx();
        SampleDocuments.Doc txt = SampleDocuments.txt();
        SampleDocuments.Doc rtf = SampleDocuments.rtf();
        WorkItem a = items.upload(docx.bytes(), DOCX);
        WorkItem b = items.upload(txt.bytes(), TXT);
        WorkItem c = items.upload(rtf.bytes(), RTF);
        source.queue.addAll(List.of(a, b, c));
        List<Long> officeBefore = pids();

        assertThat(worker(source, Duration.ofSeconds(2)).run()).isEqualTo(ConversionWorker.EXIT_IDLE);

        assertThat(source.outcomes).containsOnlyKeys(a.leaseId(), b.leaseId(), c.leaseId());
        assertThat(source.outcomes.values()).allMatch(WorkOutcome::converted);
        assertThat(pdfText(a)).contains(docx.sentence());
        assertThat(pdfText(b)).contains(txt.sentence());
        assertThat(pdfText(c)).contains(rtf.sentence());
        assertThat(s3.contentType(WorkItems.outputKey(a.fileId()))).isEqualTo("application/pdf");
        assertThat(pids()).as("the same warm office process converted all three").isEqualTo(officeBefore);
        assertThat(source.claims.get()).as("it asked for more work before ending").isGreaterThan(3);
    }

    @Test
    void aBadDocumentFailsOnlyItself() throws Exception {
        QueueWorkSource source = new QueueWorkSource();
        byte[] docx = SampleDocuments.docx().bytes();
        WorkItem truncated = items.upload(Arrays.copyOf(docx, docx.length / 2), DOCX);
        WorkItem empty = items.upload(new byte[0], DOCX);
        WorkItem unsupported = items.upload("x".getBytes(), "application/x-msdownload");
        SampleDocuments.Doc txt = SampleDocuments.txt();
        WorkItem good = items.upload(txt.bytes(), TXT);
        source.queue.addAll(List.of(truncated, empty, unsupported, good));

        assertThat(worker(source, Duration.ofSeconds(2)).run()).isEqualTo(ConversionWorker.EXIT_IDLE);

        assertThat(source.outcomes.get(truncated.leaseId()).failureClass()).isEqualTo(FailureClass.BAD_INPUT);
        assertThat(source.outcomes.get(empty.leaseId()).failureClass()).isEqualTo(FailureClass.BAD_INPUT);
        assertThat(source.outcomes.get(unsupported.leaseId()).failureClass()).isEqualTo(FailureClass.UNSUPPORTED);
        assertThat(source.outcomes.get(truncated.leaseId()).reason()).isNotBlank();
        assertThat(source.outcomes.get(good.leaseId()).converted()).isTrue();
        assertThat(pdfText(good)).contains(txt.sentence());
        assertThat(s3.exists(WorkItems.outputKey(truncated.fileId()))).isFalse();
    }

    @Test
    void aThumbnailThatCannotBeWrittenDoesNotFailTheConversion() throws Exception {
        QueueWorkSource source = new QueueWorkSource();
        WorkItem item = items.upload(SampleDocuments.txt().bytes(), TXT);
        // A signature that no longer matches: the storage refuses the PNG, as it would refuse any broken upload.
        WorkItem withThumbnail = item.withThumbnailUrl(WorkItems.tampered(item.targetUrl()));
        source.queue.add(withThumbnail);

        assertThat(worker(source, Duration.ofSeconds(2)).run()).isEqualTo(ConversionWorker.EXIT_IDLE);

        WorkOutcome outcome = source.outcomes.get(item.leaseId());
        assertThat(outcome.converted()).as(String.valueOf(outcome)).isTrue();
        assertThat(outcome.thumbnail()).isFalse();
    }

    /**
     * The thumbnail is rendered from the local PDF, so it is written while the PDF's own PUT is still open: storage
     * here holds the PDF's PUT until the thumbnail's arrives (a worker doing one after the other waits a minute and
     * fails this test), and the outcome is reported only once both are written.
     */
    @Test
    void theThumbnailIsWrittenWhileThePdfIsStillBeingWritten() throws Exception {
        CountDownLatch thumbnailWritten = new CountDownLatch(1);
        List<Boolean> thumbnailCameDuringPdf = new CopyOnWriteArrayList<>();
        try (HeldStorage storage = HeldStorage.start(
                () -> {
                    thumbnailCameDuringPdf.add(thumbnailWritten.await(60, TimeUnit.SECONDS));
                    return 200;
                },
                () -> {
                    thumbnailWritten.countDown();
                    return 200;
                })) {
            QueueWorkSource source = new QueueWorkSource();
            WorkItem item = storage.receiving(items.upload(SampleDocuments.txt().bytes(), TXT));
            source.queue.add(item);

            assertThat(worker(source, Duration.ofSeconds(2)).run()).isEqualTo(ConversionWorker.EXIT_IDLE);

            WorkOutcome outcome = source.outcomes.get(item.leaseId());
            assertThat(outcome.converted()).as(String.valueOf(outcome)).isTrue();
            assertThat(outcome.thumbnail()).isTrue();
            assertThat(thumbnailCameDuringPdf).containsExactly(true);
        }
    }

    /**
     * A PDF that cannot be written fails its attempt at once: the thumbnail's upload, held open by storage here until
     * the worker has returned, is interrupted rather than waited for (a worker that waited would never return).
     */
    @Test
    void aFailedPdfUploadDoesNotWaitForItsThumbnail() throws Exception {
        CountDownLatch workerReturned = new CountDownLatch(1);
        CountDownLatch thumbnailStarted = new CountDownLatch(1);
        try (HeldStorage storage = HeldStorage.start(
                () -> {
                    thumbnailStarted.await(60, TimeUnit.SECONDS);
                    return 503;
                },
                () -> {
                    thumbnailStarted.countDown();
                    workerReturned.await(5, TimeUnit.MINUTES);
                    return 200;
                })) {
            QueueWorkSource source = new QueueWorkSource();
            WorkItem item = storage.receiving(items.upload(SampleDocuments.txt().bytes(), TXT));
            source.queue.add(item);

            int code = assertTimeoutPreemptively(Duration.ofMinutes(2), () -> worker(source, Duration.ofSeconds(2)).run());
            workerReturned.countDown();

            assertThat(code).isEqualTo(ConversionWorker.EXIT_IDLE);
            assertThat(thumbnailStarted.getCount()).isZero();
            WorkOutcome outcome = source.outcomes.get(item.leaseId());
            assertThat(outcome.converted()).isFalse();
            assertThat(outcome.failureClass()).isEqualTo(FailureClass.STORAGE_ERROR);
        } finally {
            workerReturned.countDown();
        }
    }

    /** Answers a PUT with a status once it decides (it may wait for the other PUT). */
    private interface HeldAnswer {
        int status() throws InterruptedException;
    }

    /** Storage on loopback for a work item's PDF (/pdf) and thumbnail (/png) PUTs, answering when the test says. */
    private record HeldStorage(HttpServer server, ExecutorService threads) implements AutoCloseable {
        static HeldStorage start(HeldAnswer pdf, HeldAnswer png) throws Exception {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            ExecutorService threads = Executors.newFixedThreadPool(2);
            server.setExecutor(threads);
            for (var route : List.of(Map.entry("/pdf", pdf), Map.entry("/png", png))) {
                server.createContext(route.getKey(), exchange -> {
                    exchange.getRequestBody().readAllBytes();
                    int status = 500;
                    try {
                        status = route.getValue().status();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    exchange.sendResponseHeaders(status, -1);
                    exchange.close();
                });
            }
            server.start();
            return new HeldStorage(server, threads);
        }

        /** The same item with its PDF and thumbnail PUT here. */
        WorkItem receiving(WorkItem w) {
            URI base = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
            return new WorkItem(w.leaseId(), w.fileId(), w.attempt(), w.detectedType(), w.sourceUrl(),
                    base.resolve("/pdf"), w.timeoutSeconds(), w.leaseSeconds(), w.options(), null, base.resolve("/png"));
        }

        @Override
        public void close() {
            server.stop(0);
            threads.shutdownNow();
        }
    }

    /**
     * The lease of a document that hangs (its office process is frozen, so it hangs on any machine) is lost while it
     * converts: the worker kills that process, reports nothing, and the next document converts on a fresh one.
     */
    @Test
    void aLostLeaseStopsItsConversionAndTheNextDocumentConverts() throws Exception {
        QueueWorkSource source = new QueueWorkSource();
        WorkItem hanging = items.upload("this conversion is cancelled".getBytes(), TXT, 3);
        SampleDocuments.Doc txt = SampleDocuments.txt();
        WorkItem next = items.upload(txt.bytes(), TXT);
        source.leaseGoneWhen(lease -> lease.equals(hanging.leaseId()) && officeIsConverting());
        List<ProcessHandle> frozen = OfficeProcesses.freeze(officeDir);
        source.queue.add(hanging);
        ConversionWorker w = worker(source, Duration.ofSeconds(3));
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(w::run);

        await().atMost(Duration.ofSeconds(60)).until(() -> frozen.stream().noneMatch(ProcessHandle::isAlive));
        source.queue.add(next);

        assertThat(exit.get(5, TimeUnit.MINUTES)).isEqualTo(ConversionWorker.EXIT_IDLE);
        assertThat(source.heartbeats.get(hanging.leaseId()).get()).isPositive();
        assertThat(source.outcomes).as("nothing is reported for a lost lease").containsOnlyKeys(next.leaseId());
        assertThat(s3.exists(WorkItems.outputKey(hanging.fileId()))).isFalse();
        assertThat(pdfText(next)).contains(txt.sentence());
    }

    /** A document that hangs LibreOffice (a frozen process: hangs on any machine) times out alone, at its own limit. */
    @Test
    void aHangingDocumentTimesOutAndTheNextOneConverts() throws Exception {
        QueueWorkSource source = new QueueWorkSource();
        WorkItem hanging = WorkItems.withTimeout(items.upload("never finishes".getBytes(), TXT), 3);
        SampleDocuments.Doc txt = SampleDocuments.txt();
        WorkItem next = items.upload(txt.bytes(), TXT);
        List<ProcessHandle> frozen = OfficeProcesses.freeze(officeDir);
        source.queue.addAll(List.of(hanging, next));

        assertThat(worker(source, Duration.ofSeconds(2)).run()).isEqualTo(ConversionWorker.EXIT_IDLE);

        WorkOutcome timedOut = source.outcomes.get(hanging.leaseId());
        assertThat(timedOut.failureClass()).isEqualTo(FailureClass.TIMEOUT);
        assertThat(timedOut.reason()).contains("3 s");
        assertThat(frozen).noneMatch(ProcessHandle::isAlive);
        assertThat(source.outcomes.get(next.leaseId()).converted()).isTrue();
        assertThat(pdfText(next)).contains(txt.sentence());
    }

    @Test
    void anExpiredOrAlteredPresignedUrlIsAStorageError() throws Exception {
        QueueWorkSource source = new QueueWorkSource();
        byte[] txt = SampleDocuments.txt().bytes();
        WorkItem base = items.upload(txt, TXT);
        WorkItem alteredGet = WorkItems.withUrls(base, WorkItems.tampered(base.sourceUrl()), base.targetUrl());
        WorkItem other = items.upload(txt, TXT);
        WorkItem alteredPut = WorkItems.withUrls(other, other.sourceUrl(), WorkItems.tampered(other.targetUrl()));
        WorkItem late = items.upload(txt, TXT);
        WorkItem expired = WorkItems.withUrls(late, s3.presignGet(WorkItems.inputKey(late.fileId()), Duration.ofSeconds(1)),
                late.targetUrl());
        Thread.sleep(2_500); // let the 1 s signature expire
        source.queue.addAll(List.of(alteredGet, alteredPut, expired));

        assertThat(worker(source, Duration.ofSeconds(2)).run()).isEqualTo(ConversionWorker.EXIT_IDLE);

        for (WorkItem w : List.of(alteredGet, alteredPut, expired)) {
            WorkOutcome o = source.outcomes.get(w.leaseId());
            assertThat(o.failureClass()).as(w.leaseId()).isEqualTo(FailureClass.STORAGE_ERROR);
            assertThat(o.reason()).doesNotContain("X-Amz-Signature");
        }
        assertThat(source.outcomes.get(alteredGet.leaseId()).reason()).contains("could not read the upload", "403");
        assertThat(source.outcomes.get(alteredPut.leaseId()).reason()).contains("could not write the PDF", "403");
        assertThat(s3.exists(WorkItems.outputKey(other.fileId()))).isFalse();
    }

    @Test
    void withNoWorkTheWorkerEndsAfterTheIdleLimit() {
        QueueWorkSource source = new QueueWorkSource();
        assertThat(worker(source, Duration.ofSeconds(1)).run()).isEqualTo(ConversionWorker.EXIT_IDLE);
        assertThat(source.claims.get()).isPositive();
        assertThat(source.outcomes).isEmpty();
    }

    private static String pdfText(WorkItem w) throws Exception {
        Path pdf = s3.download(WorkItems.outputKey(w.fileId()), Files.createTempFile(work, "out", ".pdf"));
        return DocumentIsolationTest.text(pdf);
    }

    private static List<Long> pids() {
        return OfficeProcesses.of(officeDir).stream().map(ProcessHandle::pid).sorted().toList();
    }

    /** True while an office thread of this JVM is inside a conversion task: the document is being converted. */
    static boolean officeIsConverting() {
        return Thread.getAllStackTraces().values().stream().anyMatch(stack -> Arrays.stream(stack)
                .anyMatch(f -> f.getClassName().equals("org.jodconverter.local.task.LocalConversionTask")));
    }
}
