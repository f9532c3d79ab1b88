package io.fileconv.local;

import io.fileconv.core.FailureClass;
import io.fileconv.core.FileRecord;
import io.fileconv.core.FileStatus;
import io.fileconv.core.ObjectStore;
import io.fileconv.core.Region;
import io.fileconv.pipeline.retry.RetryCommand;
import io.fileconv.testkit.ApiClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The retry job and cancellation against a stack whose worker the test starts and stops, so that each state is
 * reached deterministically: uploads accepted while no worker runs stay UPLOADED; S3 taken away makes a conversion
 * fail transiently.
 */
class RetryAndCancelTest {
    static EmbeddedInfra infra;
    static ApiNode api;
    static ApiClient client;
    static String token;
    static Path dir;

    @BeforeAll
    static void start() throws Exception {
        dir = Path.of("target", "e2e-retry").toAbsolutePath();
        EmbeddedStack.deleteTree(dir);
        infra = EmbeddedInfra.start(dir);
        api = ApiNode.start(Endpoints.readEnv(dir), dir, 0, 20L << 20, () -> true);
        client = new ApiClient("http://localhost:" + api.port());
        token = client.token("retry-user", "in");
    }

    @AfterAll
    static void stop() {
        if (api != null) {
            api.close();
        }
        if (infra != null) {
            infra.close();
        }
    }

    private static WorkerNode worker() throws Exception {
        return WorkerNode.start(Endpoints.readEnv(dir), dir.resolve("worker"), 1, Duration.ofSeconds(60));
    }

    private static FileRecord row(WorkerNode w, String id) throws Exception {
        return w.files(Region.IN).find(id).orElseThrow();
    }

    @Test
    void transientStorageFailureIsConvertedAfterARetryRunAndPermanentOnesAreNot() throws Exception {
        String transientId = client.uploadOk(token, "later.txt", "Retry me after the outage.".getBytes(StandardCharsets.UTF_8));
        String passwordId = client.uploadOk(token, "locked.odt", WebUiTest.encryptedOdt());
        infra.stopS3();
        try (WorkerNode w = worker()) {
            await().atMost(Duration.ofSeconds(60)).until(() -> row(w, transientId).status() == FileStatus.FAILED
                    && row(w, passwordId).status() == FileStatus.FAILED);
            assertThat(row(w, transientId).failureClass()).isEqualTo(FailureClass.STORAGE_ERROR);
            assertThat(row(w, passwordId).failureClass()).isEqualTo(FailureClass.STORAGE_ERROR);
        }
        infra.startS3();
        // The password-protected file failed for storage too; let it fail for its own reason first.
        try (WorkerNode w = worker()) {
            assertThat(RetryCommand.run(Endpoints.readEnv(dir))).isZero();
            await().atMost(Duration.ofSeconds(60)).until(() -> row(w, transientId).status() == FileStatus.CONVERTED
                    && row(w, passwordId).status() == FileStatus.FAILED && row(w, passwordId).attempts() == 2);
            assertThat(row(w, transientId).attempts()).isEqualTo(2);
            assertThat(row(w, passwordId).failureClass()).isEqualTo(FailureClass.PASSWORD_PROTECTED);

            // Two retry runs at once: the permanent failure is never requeued, nothing is double-queued.
            CompletableFuture<Integer> a = CompletableFuture.supplyAsync(() -> runRetry());
            CompletableFuture<Integer> b = CompletableFuture.supplyAsync(() -> runRetry());
            assertThat(a.get()).isZero();
            assertThat(b.get()).isZero();
            Thread.sleep(2000);
            assertThat(row(w, passwordId).status()).isEqualTo(FileStatus.FAILED);
            assertThat(row(w, passwordId).attempts()).isEqualTo(2);
            assertThat(row(w, transientId).attempts()).isEqualTo(2);
            assertThat(client.pdf(token, transientId).statusCode()).isEqualTo(200);
        }
    }

    private static int runRetry() {
        try {
            return RetryCommand.run(Endpoints.readEnv(dir));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void cancelledBeforeDispatchIsNeverConverted() throws Exception {
        String id = client.uploadOk(token, "never.txt", "Never convert me.".getBytes(StandardCharsets.UTF_8));
        assertThat(client.post(token, "/api/v1/files/" + id + "/cancel").statusCode()).isEqualTo(202);
        try (WorkerNode w = worker()) {
            String marker = client.uploadOk(token, "after.txt", "Converted after the cancelled one.".getBytes());
            await().atMost(Duration.ofSeconds(60)).until(() -> row(w, marker).status() == FileStatus.CONVERTED);
            FileRecord f = row(w, id);
            assertThat(f.status()).isEqualTo(FileStatus.CANCELLED);
            assertThat(infra.endpoints()).isNotNull();
            assertThat(client.pdf(token, id).statusCode()).isEqualTo(409);
            assertThat(w.conversionLog().lines()).noneMatch(l -> l.contains(id));
        }
    }

    /** A CSV that keeps LibreOffice busy for many seconds. */
    static byte[] slowCsv() {
        return slowCsv(250_000);
    }

    /** A CSV of {@code lines} ledger lines (250,000 keep LibreOffice busy for many seconds). */
    static byte[] slowCsv(int lines) {
        StringBuilder sb = new StringBuilder("id,item,amount\n");
        for (int i = 0; i < lines; i++) {
            sb.append(i).append(",ledger line ").append(i).append(',').append(i * 31 % 977).append('\n');
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void cancelStopsARunningConversionAndAQueuedOneNeverStarts() throws Exception {
        try (WorkerNode w = worker()) {
            String slow = client.uploadOk(token, "slow.csv", slowCsv());
            await().atMost(Duration.ofSeconds(60)).until(() -> row(w, slow).status() == FileStatus.CONVERTING);
            String queued = client.uploadOk(token, "queued.txt", "Waiting behind the slow one.".getBytes());
            await().atMost(Duration.ofSeconds(30)).until(() -> row(w, queued).status() == FileStatus.CONVERTING
                    || row(w, queued).status() == FileStatus.QUEUED);
            assertThat(client.post(token, "/api/v1/files/" + queued + "/cancel").statusCode()).isEqualTo(202);

            long t0 = System.nanoTime();
            assertThat(client.post(token, "/api/v1/files/" + slow + "/cancel").statusCode()).isEqualTo(202);
            // The only office process was converting the slow file; a new upload converts as soon as that
            // conversion is really stopped (process killed and restarted), long before it would have finished.
            String after = client.uploadOk(token, "after-cancel.txt", "Converted once the slot is free.".getBytes());
            await().atMost(Duration.ofSeconds(45)).until(() -> row(w, after).status() == FileStatus.CONVERTED);
            long freedAfterMs = (System.nanoTime() - t0) / 1_000_000;

            assertThat(row(w, slow).status()).isEqualTo(FileStatus.CANCELLED);
            assertThat(row(w, queued).status()).isEqualTo(FileStatus.CANCELLED);
            assertThat(w.conversionLog().lines()).noneMatch(l -> l.contains(slow) || l.contains(queued));
            Thread.sleep(1000);
            try (var store = new ObjectStore(infra.objectStoreConfig())) {
                assertThat(store.exists(Region.IN.defaultBucket(), row(w, slow).outputKey())).isFalse();
                assertThat(store.exists(Region.IN.defaultBucket(), row(w, queued).outputKey())).isFalse();
            }
            System.out.println("cancel of a running conversion: office slot free again after " + freedAfterMs + " ms");
        }
    }
}
