package io.fileconv.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.zaxxer.hikari.HikariDataSource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fileconv.converter.ConversionWorker;
import io.fileconv.converter.DocumentConverter;
import io.fileconv.converter.HttpWorkSource;
import io.fileconv.converter.OfficePool;
import io.fileconv.converter.OfficePoolConfig;
import io.fileconv.core.ConversionRequest;
import io.fileconv.core.Databases;
import io.fileconv.core.FileRecord;
import io.fileconv.core.FileRepository;
import io.fileconv.core.FileStatus;
import io.fileconv.core.Ids;
import io.fileconv.core.ObjectStore;
import io.fileconv.core.ObjectStoreConfig;
import io.fileconv.core.Region;
import io.fileconv.core.S3Keys;
import io.fileconv.core.work.PresignedLinks;
import io.fileconv.embedded.EmbeddedMariaDb;
import io.fileconv.embedded.EmbeddedS3;
import io.fileconv.embedded.FreePorts;
import io.fileconv.operator.k8s.FileconvOperator;
import io.fileconv.operator.k8s.KubernetesLauncher;
import io.fileconv.operator.k8s.OperatorEnvironment;
import io.fileconv.operator.k8s.OperatorSettings;
import io.fileconv.operator.k8s.crd.FileConversion;
import io.fileconv.operator.k8s.crd.FileConversionPhase;
import io.fileconv.operator.work.JobTokens;
import io.fileconv.pipeline.status.FileRepositoryStatusSink;
import io.fileconv.pipeline.work.FileLookup;
import io.fileconv.pipeline.work.PooledWork;
import io.fileconv.pipeline.work.WorkQueue;
import io.fileconv.testkit.MockCluster;
import io.fileconv.testkit.SampleDocuments;
import io.fileconv.testkit.WorkProtocolClient;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.text.PDFTextStripper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Pooled mode on real infrastructure: the operator (fabric8's mock API server) queues a FileConversion whose row
 * lives in the embedded MariaDB, and a test worker holding only its Job's token (read from the Job's Secret)
 * claims it over HTTP, downloads the input from the presigned GET and uploads a PDF with the presigned PUT against
 * the embedded S3Proxy, then reports: the row ends CONVERTED through FileRepositoryStatusSink, the resource
 * Succeeded with the pod recorded. Only MariaDB and S3Proxy run (no Kafka, no embedded converter); the row is
 * inserted QUEUED, as the dispatcher leaves it.
 */
class PooledConversionTest {
    private static final String NS = "fileconv";
    /** The worker test's own namespace: the first test's pooled Job stays alive on the mock server (no kubelet). */
    private static final String WORKER_NS = "fileconv-worker";
    private static final Region REGION = Region.UK;
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Path DIR = Path.of("target", "pooled-conversion").toAbsolutePath(); // not under java.io.tmpdir

    private static KubernetesMockServer server;
    private static EmbeddedMariaDb mariaDb;
    private static EmbeddedS3 s3;
    private static HikariDataSource pool;
    private static ObjectStore store;
    private static ObjectStoreConfig s3Config;

    @BeforeAll
    static void start() throws Exception {
        System.setProperty(FileconvOperator.EXIT_ON_INFORMER_ERROR, "false"); // many operators share test JVMs
        server = MockCluster.start();
        try (KubernetesClient kube = server.createClient()) {
            MockCluster.installCrds(kube, Path.of(".."));
        }
        EmbeddedStack.deleteTree(DIR);
        List<Integer> ports = FreePorts.take(2);
        mariaDb = EmbeddedMariaDb.start(DIR.resolve("mariadb"), EmbeddedMariaDb.defaultBinaries(), ports.get(0));
        mariaDb.createDatabases(List.of(REGION.database()));
        pool = Databases.pool(EmbeddedMariaDb.jdbcBase(ports.get(0)), REGION.database(), "root", "", 4);
        Databases.migrateRegion(pool);
        s3 = EmbeddedS3.start(DIR.resolve("s3"), ports.get(1));
        s3Config = new ObjectStoreConfig(s3.endpoint(), "us-east-1", EmbeddedS3.ACCESS_KEY, EmbeddedS3.SECRET_KEY, true);
        store = new ObjectStore(s3Config);
        store.ensureBucket(REGION.defaultBucket());
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable c : new AutoCloseable[]{store, pool, s3, mariaDb}) {
            if (c != null) {
                c.close();
            }
        }
        if (server != null) {
            MockCluster.stop(server);
        }
    }

    @Test
    void aWorkerWithOnlyItsTokenConvertsThroughPresignedLinksAndTheRowEndsConverted() throws Exception {
        String user = "pooled-" + Ids.newId().substring(0, 8);
        String fileId = Ids.newId();
        byte[] input = "A document for a pooled converter.\n".getBytes(StandardCharsets.UTF_8);
        store.client().putObject(r -> r.bucket(REGION.defaultBucket()).key(S3Keys.input(user, fileId)),
                RequestBody.fromBytes(input));
        FileRepository files = new FileRepository(REGION, pool);
        insertQueued(files, fileId, user, input.length);

        try (KubernetesClient kube = server.createClient();
             PresignedLinks links = new PresignedLinks(s3Config)) {
            OperatorSettings settings = new OperatorEnvironment(Map.of("FILECONV_CONVERTER_IMAGE", "conv:1",
                    "FILECONV_LEADER_ELECTION", "false", "FILECONV_WORK_PORT", "0",
                    "FILECONV_CONVERTER_MAX_JOBS", "2")).settings(NS);
            Map<Region, FileRepository> repositories = new EnumMap<>(Region.class);
            repositories.put(REGION, files);
            FileRepositoryStatusSink sink = new FileRepositoryStatusSink(repositories);
            PooledWork work = new PooledWork(new WorkQueue(settings.pool(), Clock.systemUTC()), sink, links, Region::defaultBucket, settings.pool(),
                    settings.job().conversionTimeout(), Clock.systemUTC());
            try (FileconvOperator operator = new FileconvOperator(kube, settings, sink, null,
                    new FileconvOperator.Pooled(work, new JobTokens(kube, NS, Clock.systemUTC()), FileLookup.of(repositories), Set.of(REGION)), () -> { })) {
                operator.start();
                ConversionRequest request = new ConversionRequest(fileId, user, REGION, REGION.defaultBucket(),
                        S3Keys.input(user, fileId), S3Keys.output(user, fileId), 1, "text/plain", null);
                new KubernetesLauncher(kube, NS).launch(request);
                String name = FileConversion.nameOf(request);

                await().atMost(Duration.ofSeconds(30)).until(() -> WorkProtocolClient.tokensByJob(kube, NS).size() == 1);
                Map.Entry<String, String> job = WorkProtocolClient.tokensByJob(kube, NS).entrySet().iterator().next();
                WorkProtocolClient worker = new WorkProtocolClient("http://127.0.0.1:" + operator.workPort());
                assertThat(worker.claim("forged", "pod-a", 0).status()).isEqualTo(401);
                WorkProtocolClient.Answer claim = worker.claim(job.getValue(), "pod-a", 10);
                assertThat(claim.status()).isEqualTo(200);
                JsonNode item = claim.body();
                assertThat(item.get("fileId").asText()).isEqualTo(fileId);
                assertThat(files.find(fileId).orElseThrow().status()).isEqualTo(FileStatus.CONVERTING);

                HttpResponse<byte[]> got = HTTP.send(HttpRequest.newBuilder(URI.create(item.get("sourceUrl").asText()))
                        .build(), HttpResponse.BodyHandlers.ofByteArray());
                assertThat(got.statusCode()).isEqualTo(200);
                assertThat(got.body()).isEqualTo(input);
                URI target = URI.create(item.get("targetUrl").asText());
                byte[] pdf = "%PDF-1.4\n% pooled test\n%%EOF\n".getBytes(StandardCharsets.US_ASCII);
                assertThat(put(URI.create(item.get("sourceUrl").asText()), "application/pdf", pdf))
                        .as("the GET link cannot overwrite the input").isNotEqualTo(200);
                assertThat(put(target, "application/pdf", pdf)).isEqualTo(200);
                assertThat(worker.outcome(job.getValue(), "pod-a", item.get("leaseId").asText(), true, null, null, 77))
                        .isEqualTo(204);

                FileRecord row = files.find(fileId).orElseThrow();
                assertThat(row.status()).isEqualTo(FileStatus.CONVERTED);
                try (var in = store.open(REGION.defaultBucket(), S3Keys.output(user, fileId))) {
                    assertThat(in.readAllBytes()).isEqualTo(pdf);
                }
                await().atMost(Duration.ofSeconds(20)).until(() -> {
                    FileConversion fc = kube.resources(FileConversion.class).inNamespace(NS).withName(name).get();
                    return fc.getStatus() != null && fc.getStatus().getPhase() == FileConversionPhase.Succeeded;
                });
                FileConversion done = kube.resources(FileConversion.class).inNamespace(NS).withName(name).get();
                assertThat(done.getStatus().getPodName()).isEqualTo("pod-a");
                assertThat(done.getStatus().getJobName()).isEqualTo(job.getKey());
            }
        }
    }

    /**
     * The two halves of the pooled mode together: converter-image's ConversionWorker, over HttpWorkSource with the
     * Job's token and nothing else, converts a real DOCX on a warm LibreOffice through the operator's work endpoint,
     * then exits when idle; the row ends CONVERTED with a real PDF in S3 and the resource Succeeded.
     */
    @Test
    void theConverterImagesWorkerConvertsThroughTheOperatorsEndpoint() throws Exception {
        String user = "pooled-" + Ids.newId().substring(0, 8);
        String fileId = Ids.newId();
        byte[] docx = SampleDocuments.docx().bytes();
        store.client().putObject(r -> r.bucket(REGION.defaultBucket()).key(S3Keys.input(user, fileId)),
                RequestBody.fromBytes(docx));
        FileRepository files = new FileRepository(REGION, pool);
        insertQueued(files, fileId, user, docx.length, "application/vnd.openxmlformats-officedocument.wordprocessingml.document");

        try (KubernetesClient kube = server.createClient();
             PresignedLinks links = new PresignedLinks(s3Config)) {
            OperatorSettings settings = new OperatorEnvironment(Map.of("FILECONV_CONVERTER_IMAGE", "conv:1",
                    "FILECONV_LEADER_ELECTION", "false", "FILECONV_WORK_PORT", "0",
                    "FILECONV_CONVERTER_MAX_JOBS", "1")).settings(WORKER_NS);
            Map<Region, FileRepository> repositories = new EnumMap<>(Region.class);
            repositories.put(REGION, files);
            FileRepositoryStatusSink sink = new FileRepositoryStatusSink(repositories);
            PooledWork work = new PooledWork(new WorkQueue(settings.pool(), Clock.systemUTC()), sink, links, Region::defaultBucket, settings.pool(),
                    settings.job().conversionTimeout(), Clock.systemUTC());
            try (FileconvOperator operator = new FileconvOperator(kube, settings, sink, null,
                    new FileconvOperator.Pooled(work, new JobTokens(kube, WORKER_NS, Clock.systemUTC()), FileLookup.of(repositories), Set.of(REGION)), () -> { });
                 OfficePool office = OfficePool.start(
                         new OfficePoolConfig(FreePorts.take(1), 50, Duration.ofSeconds(120),
                                 DIR.resolve("office-" + fileId)))) {
                operator.start();
                ConversionRequest request = new ConversionRequest(fileId, user, REGION, REGION.defaultBucket(),
                        S3Keys.input(user, fileId), S3Keys.output(user, fileId), 1, files.find(fileId).orElseThrow()
                        .detectedType(), null);
                new KubernetesLauncher(kube, WORKER_NS).launch(request);
                await().atMost(Duration.ofSeconds(30)).until(() -> WorkProtocolClient.tokensByJob(kube, WORKER_NS).size() == 1);
                Map.Entry<String, String> job = WorkProtocolClient.tokensByJob(kube, WORKER_NS).entrySet().iterator().next();

                ConversionWorker worker = new ConversionWorker(
                        new HttpWorkSource(URI.create("http://127.0.0.1:" + operator.workPort()),
                                job.getValue(), "pod-worker"), new DocumentConverter(office),
                        DIR.resolve("scratch-" + fileId),
                        ConversionWorker.Settings.idleAfter(Duration.ofSeconds(3)));
                assertThat(worker.run()).as("the worker converts, then exits idle").isZero();

                assertThat(files.find(fileId).orElseThrow().status()).isEqualTo(FileStatus.CONVERTED);
                try (var in = store.open(REGION.defaultBucket(), S3Keys.output(user, fileId));
                     var pdf = Loader.loadPDF(in.readAllBytes())) {
                    assertThat(new PDFTextStripper().getText(pdf))
                            .contains(SampleDocuments.docx().sentence());
                }
                await().atMost(Duration.ofSeconds(20)).until(() -> {
                    FileConversion fc = kube.resources(FileConversion.class).inNamespace(WORKER_NS)
                            .withName(FileConversion.nameOf(request)).get();
                    return fc.getStatus() != null && fc.getStatus().getPhase() == FileConversionPhase.Succeeded;
                });
                assertThat(kube.resources(FileConversion.class).inNamespace(WORKER_NS).withName(FileConversion.nameOf(request)).get()
                        .getStatus().getPodName()).isEqualTo("pod-worker");
            }
        }
    }

    /**
     * What a document in a pooled pod could do with the two links of its work item: read its own input and write its
     * own PDF, nothing else. Other users' objects, other keys, another method, another content type, an expired link
     * and unsigned requests are all refused by the object store (the pod holds no key to sign anything itself).
     */
    @Test
    void aWorkItemsLinksReachOnlyItsOwnTwoObjects() throws Exception {
        String mine = S3Keys.input("user-a", "file-a");
        String minePdf = S3Keys.output("user-a", "file-a");
        String theirs = S3Keys.input("user-b", "file-b");
        String bucket = REGION.defaultBucket();
        store.put(bucket, mine, "mine".getBytes(StandardCharsets.UTF_8), "text/plain");
        store.put(bucket, theirs, "theirs".getBytes(StandardCharsets.UTF_8), "text/plain");
        try (PresignedLinks links = new PresignedLinks(s3Config)) {
            URI get = links.get(bucket, mine, Duration.ofMinutes(5));
            URI put = links.putPdf(bucket, minePdf, Duration.ofMinutes(5));
            byte[] pdf = "%PDF-1.4 test".getBytes(StandardCharsets.US_ASCII);

            assertThat(get(get)).isEqualTo(200);
            assertThat(put(put, PresignedLinks.PDF, pdf)).isEqualTo(200);
            // The signature covers the key: another user's object (or the PDF key) through the same query fails.
            assertThat(get(withPath(get, "/" + bucket + "/" + theirs))).isEqualTo(403);
            assertThat(get(withPath(get, "/" + bucket + "/" + minePdf))).isEqualTo(403);
            assertThat(put(withPath(put, "/" + bucket + "/" + theirs), PresignedLinks.PDF, pdf)).isEqualTo(403);
            // ... and the method and the content type.
            assertThat(put(get, PresignedLinks.PDF, pdf)).isEqualTo(403);
            assertThat(get(put)).isEqualTo(403);
            assertThat(put(put, "text/html", pdf)).isEqualTo(403);
            // Unsigned requests are anonymous, and anonymous access is refused.
            assertThat(get(URI.create(s3Config.endpoint() + "/" + bucket + "/" + theirs))).isEqualTo(403);
            assertThat(get(URI.create(s3Config.endpoint() + "/" + bucket + "?list-type=2"))).isEqualTo(403);
            // A link outlives its lease by little: an expired one is refused.
            URI shortLived = links.get(bucket, mine, Duration.ofSeconds(1));
            Thread.sleep(2_100);
            assertThat(get(shortLived)).isEqualTo(403);
        }
        try (var in = store.open(bucket, theirs)) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("theirs");
        }
    }

    private static URI withPath(URI url, String path) {
        return URI.create(url.getScheme() + "://" + url.getRawAuthority() + path + "?" + url.getRawQuery());
    }

    private static int get(URI url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(url).GET().build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static int put(URI url, String contentType, byte[] body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(url).header("Content-Type", contentType)
                .PUT(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    /** The row as the dispatcher leaves it: QUEUED, attempt 1 (not UPLOADED, which the embedded stack would take). */
    private static void insertQueued(FileRepository files, String id, String user, long size) throws Exception {
        insertQueued(files, id, user, size, "text/plain");
    }

    private static void insertQueued(FileRepository files, String id, String user, long size, String type)
            throws Exception {
        try (Connection c = files.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("INSERT INTO files (id, user_id, original_name, detected_type,"
                     + " size_bytes, sha256, input_key, output_key, status, attempts, created_at, updated_at,"
                     + " queued_at) VALUES (?,?,?,?,?,?,?,?,'QUEUED',1,UTC_TIMESTAMP(3),UTC_TIMESTAMP(3),"
                     + "UTC_TIMESTAMP(3))")) {
            ps.setString(1, id);
            ps.setString(2, user);
            ps.setString(3, "pooled.txt");
            ps.setString(4, type);
            ps.setLong(5, size);
            ps.setString(6, "0".repeat(64));
            ps.setString(7, S3Keys.input(user, id));
            ps.setString(8, S3Keys.output(user, id));
            ps.executeUpdate();
        }
    }
}
