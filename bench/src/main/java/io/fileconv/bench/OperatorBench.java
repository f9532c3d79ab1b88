package io.fileconv.bench;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fileconv.core.ConversionRequest;
import io.fileconv.core.FailureClass;
import io.fileconv.core.Ids;
import io.fileconv.core.Region;
import io.fileconv.core.S3Keys;
import io.fileconv.operator.k8s.FileconvOperator;
import io.fileconv.operator.k8s.KubernetesLauncher;
import io.fileconv.operator.k8s.OperatorSettings;
import io.fileconv.operator.k8s.crd.FileConversion;
import io.fileconv.operator.k8s.job.ConverterJobSettings;
import io.fileconv.pipeline.status.ConversionAttempt;
import io.fileconv.pipeline.status.ConversionStatusSink;
import io.fileconv.testkit.MockCluster;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Benchmark 4: the real operator (JOSDK + FileConversionReconciler, SSA off) against fabric8's mock API server
 * in CRUD mode. FileConversions are created the way the dispatcher creates them (KubernetesLauncher); the time
 * from each create's response to the Job showing up in a watch on Jobs is the operator's reaction time.
 *
 * <p>Arguments: resultsDir count pacedRatePerSecond
 */
public final class OperatorBench {
    private static final String NS = "fileconv";
    /** The mock server logs every request through java.util.logging; that is not the system under test. */
    private static final Logger MOCK_LOG = Logger.getLogger("io.fabric8.mockwebserver");

    private OperatorBench() {
    }

    public static void main(String[] args) throws Exception {
        MOCK_LOG.setLevel(Level.WARNING);
        Path results = Path.of(args[0]).toAbsolutePath();
        int count = Integer.parseInt(args[1]);
        double pacedRate = Double.parseDouble(args[2]);
        StringBuilder md = new StringBuilder("## 4. Operator: FileConversion created → Job created\n\n");
        md.append("FileconvOperator (JOSDK 5.2, SSA off, no leader election) against fabric8's KubernetesMockServer in"
                + " CRUD mode, in one JVM with the client that creates the CRs (KubernetesLauncher.launch, one thread)"
                + " and a Job informer that timestamps each Job's ADDED event.\n\n");
        md.append("| run | CRs | Jobs seen | create phase s | first create → last Job s | p50 ms | p95 ms | p99 ms | max ms | load avg before → after |\n");
        md.append("|---|---|---|---|---|---|---|---|---|---|\n");
        md.append(run(results, "burst (create as fast as one thread can)", count, 0));
        md.append(run(results, "paced at " + Bench.f0(pacedRate) + "/s", count, pacedRate));
        md.append("\nThe mock server stores objects in memory and answers on loopback; a real API server adds etcd"
                + " writes, admission and network latency, so these are a floor for the operator's own share.\n\n");
        Bench.append(results.resolve("4-operator.md"), md.toString());
        System.exit(0);
    }

    private static String run(Path results, String label, int count, double rate) throws Exception {
        KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesCrudDispatcher(List.of()), false);
        server.init();
        KubernetesClient client = server.createClient();
        Map<String, Long> jobSeen = new ConcurrentHashMap<>();
        SharedIndexInformer<Job> informer = client.batch().v1().jobs().inNamespace(NS).inform(
                new ResourceEventHandler<>() {
                    @Override
                    public void onAdd(Job job) {
                        jobSeen.putIfAbsent(job.getMetadata().getName(), System.nanoTime());
                    }

                    @Override
                    public void onUpdate(Job oldJob, Job newJob) {
                    }

                    @Override
                    public void onDelete(Job job, boolean unknown) {
                    }
                });
        FileconvOperator operator = new FileconvOperator(client, new OperatorSettings(NS, Duration.ofHours(1), null,
                jobSettings()), new NoopSink(), () -> { });
        operator.start();
        KubernetesLauncher launcher = new KubernetesLauncher(client, NS);
        // warm-up: 20 CRs, not measured
        List<String> warm = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            ConversionRequest r = request();
            launcher.launch(r);
            warm.add(FileConversion.nameOf(r));
        }
        await(jobSeen, warm, Duration.ofSeconds(60));

        String loadBefore = Bench.load();
        Map<String, Long> created = new HashMap<>();
        List<String> names = new ArrayList<>();
        long t0 = System.nanoTime();
        long interval = rate > 0 ? (long) (1e9 / rate) : 0;
        for (int i = 0; i < count; i++) {
            if (interval > 0) {
                long wait = t0 + i * interval - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
            }
            ConversionRequest r = request();
            launcher.launch(r);
            created.put(FileConversion.nameOf(r), System.nanoTime());
            names.add(FileConversion.nameOf(r));
        }
        double createS = (System.nanoTime() - t0) / 1e9;
        int seen = await(jobSeen, names, Duration.ofMinutes(3));
        long last = names.stream().map(jobSeen::get).filter(Objects::nonNull).mapToLong(Long::longValue)
                .max().orElse(t0);
        double totalS = (last - t0) / 1e9;
        List<Double> lat = new ArrayList<>();
        for (String n : names) {
            Long j = jobSeen.get(n);
            if (j != null) {
                lat.add((j - created.get(n)) / 1e6);
            }
        }
        String loadAfter = Bench.load();
        operator.close();
        informer.close();
        client.close();
        MockCluster.stop(server);
        Bench.samples(results, "operator", label.startsWith("burst") ? "burst" : "paced", lat);
        Bench.log("operator " + label + ": " + seen + "/" + count + " jobs, p50 " + Bench.f0(Bench.pct(lat, 50))
                + " ms, total " + Bench.f1(totalS) + " s");
        return "| " + label + " | " + count + " | " + seen + " | " + Bench.f1(createS) + " | " + Bench.f1(totalS)
                + " | " + Bench.f0(Bench.pct(lat, 50)) + " | " + Bench.f0(Bench.pct(lat, 95)) + " | "
                + Bench.f0(Bench.pct(lat, 99)) + " | " + Bench.f0(Bench.max(lat)) + " | " + loadBefore + " → "
                + loadAfter + " |\n";
    }

    private static int await(Map<String, Long> seen, List<String> names, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            int n = (int) names.stream().filter(seen::containsKey).count();
            if (n == names.size() || System.nanoTime() > deadline) {
                return n;
            }
            Thread.sleep(20);
        }
    }

    private static ConversionRequest request() {
        String fileId = Ids.newId();
        Region region = Region.US;
        return new ConversionRequest(fileId, "bench", region, region.defaultBucket(), S3Keys.input("bench", fileId),
                S3Keys.output("bench", fileId), 1, "application/pdf", "req-" + fileId.substring(0, 8));
    }

    /** Same values as the operator tests' settings. */
    private static ConverterJobSettings jobSettings() {
        return new ConverterJobSettings("registry.example/fileconv-converter:1.2.3", "IfNotPresent",
                Duration.ofSeconds(120), Duration.ofSeconds(300), Duration.ofSeconds(3600), "500m", "1", "768Mi",
                "1536Mi", "fileconv-s3", "http://s3.fileconv.svc:9000", "us-east-1", true, null,
                List.of("regcred"));
    }

    /** Nothing reports Job progress against the mock, so the files table is not needed. */
    private static final class NoopSink implements ConversionStatusSink {
        @Override
        public boolean converting(ConversionAttempt attempt) {
            return true;
        }

        @Override
        public boolean converted(ConversionAttempt attempt, Duration conversionTime) {
            return true;
        }

        @Override
        public boolean failed(ConversionAttempt attempt, FailureClass failureClass, String reason) {
            return true;
        }
    }
}
