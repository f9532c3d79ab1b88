package io.fileconv.local;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fileconv.core.Region;
import io.fileconv.operator.k8s.crd.FileConversion;
import io.fileconv.testkit.ApiClient;
import io.fileconv.testkit.ProcessCpu;
import io.fileconv.testkit.SampleDocuments;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * What one converted file costs (issue 18; bench/cost runs it, not a test): {@code files} small documents uploaded
 * at a steady {@code rate} through the embedded stack and through the pooled Kubernetes path on the
 * {@link SimulatedCluster}, with every counter read from the component that does the work ({@link CostMeter},
 * the mock API server's request log, /proc). Each stack first idles for a measured window; the background rate
 * seen then (pollers, leader election, sweeps) is taken out of the run's counts before dividing by the files.
 * <p>
 * Usage: {@code CostBenchmark <workDir> <files> <uploadsPerSecond> [embedded,pooled]}; writes cost.md and cost.tsv.
 */
public final class CostBenchmark {
    private static final Region REGION = Region.IN;
    private static final Duration IDLE_WINDOW = Duration.ofSeconds(30);
    /** FileConversions are deleted this long after their file ends, so the run sees the delete of each. */
    private static final int FINISHED_TTL_SECONDS = 15;
    private static final int OFFICE = 2;
    /** The mock API server logs each request (java.util.logging); held so the level set in main sticks. */
    private static final Logger MOCK_LOG = Logger.getLogger("io.fabric8.mockwebserver");
    private static final String TERMINAL_SQL = "SELECT COUNT(*) FROM {db}.files WHERE user_id LIKE 'cost-%'"
            + " AND status IN ('CONVERTED','FAILED','CANCELLED')";

    /** One path's figures: counter name → per-file value, and notes printed under the table. */
    private record PathCost(String label, Map<String, Double> perFile, Map<String, Double> backgroundPerMinute,
                            List<String> notes) {
    }

    public static void main(String[] args) throws Exception {
        MOCK_LOG.setLevel(Level.WARNING);
        Path work = Path.of(args[0]).toAbsolutePath();
        int files = Integer.parseInt(args[1]);
        double rate = Double.parseDouble(args[2]);
        List<String> cases = List.of((args.length > 3 ? args[3] : "embedded,pooled").split(","));
        List<PathCost> paths = new ArrayList<>();
        if (cases.contains("embedded")) {
            paths.add(embedded(work.resolve("embedded"), files, rate));
        }
        if (cases.contains("pooled")) {
            paths.add(pooled(work.resolve("pooled"), files, rate));
        }
        String md = table(paths, files, rate);
        System.out.println(md);
        Files.writeString(work.resolve("cost.md"), md);
        System.exit(0);
    }

    private static PathCost embedded(Path dir, int files, double rate) throws Exception {
        EmbeddedStack.deleteTree(dir);
        try (EmbeddedStack stack = EmbeddedStack.start(StackOptions.defaults(dir).withApiPort(0)
                .withOfficeProcesses(OFFICE));
             CostMeter meter = new CostMeter(stack.infra().jdbcBase(), stack.infra().kafkaBootstrap(),
                     stack.infra()::s3Traffic, CostBenchmark::embeddedThread, (pid, comm) -> process(comm))) {
            Thread.sleep(15_000); // the office processes' warm-up conversions and first polls are not a file's cost
            return measure("embedded stack (" + OFFICE + " office processes)", new ApiClient(stack.baseUrl()),
                    meter, files, rate, null);
        }
    }

    private static PathCost pooled(Path dir, int files, double rate) throws Exception {
        try (SimulatedCluster cluster = SimulatedCluster.start(dir, "pool", OFFICE, OFFICE, 600)) {
            cluster.setOperatorEnv("FILECONV_FINISHED_TTL_SECONDS", Integer.toString(FINISHED_TTL_SECONDS));
            cluster.startOperator("fileconv-operator-0");
            long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
            while (!cluster.ready("fileconv-operator-0")) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("operator not ready");
                }
                Thread.sleep(500);
            }
            cluster.startKubelet(OFFICE + 2);
            PoolBenchmark.awaitWarmPods(dir.resolve("pods"), OFFICE);
            Set<Long> operatorPids = new TreeSet<>();
            cluster.operators().values().forEach(p -> operatorPids.add(p.pid()));
            BiFunction<Long, String, String> processes = (pid, comm) -> operatorPids.contains(pid)
                    ? "operator (dispatcher, reconcilers, work endpoint)" : comm.equals("java")
                    ? "converter pods (JVM)" : process(comm);
            try (CostMeter meter = new CostMeter(cluster.infra.jdbcBase(), cluster.infra.kafkaBootstrap(),
                    cluster.infra::s3Traffic, CostBenchmark::clusterHarnessThread, processes)) {
                Thread.sleep(10_000);
                return measure("Kubernetes pooled (simulated cluster, minJobs = maxJobs = " + OFFICE + ")",
                        cluster.client, meter, files, rate, cluster);
            }
        }
    }

    /**
     * Idle window, then the paced uploads, then until every file is terminal (and, on the cluster, its
     * FileConversion deleted after the TTL). Returns per-file costs with the idle rate taken out.
     */
    private static PathCost measure(String label, ApiClient client, CostMeter meter, int files, double rate,
                                    SimulatedCluster cluster) throws Exception {
        System.out.println("[cost] " + label + ": idle window " + IDLE_WINDOW.toSeconds() + " s");
        if (cluster != null) {
            KubeApiRequests.drain(cluster.server);
        }
        CostMeter.Snapshot idle0 = meter.take();
        Thread.sleep(IDLE_WINDOW.toMillis());
        CostMeter.Snapshot idle1 = meter.take();
        Map<String, Long> idleKube = cluster == null ? Map.of() : KubeApiRequests.drain(cluster.server);

        System.out.println("[cost] " + label + ": " + files + " uploads at " + rate + "/s");
        List<String> tokens = new ArrayList<>();
        for (int u = 0; u < 4; u++) {
            tokens.add(client.token("cost-user-" + u, REGION.code()));
        }
        List<SampleDocuments.Doc> docs = List.of(SampleDocuments.txt(), SampleDocuments.docx(), SampleDocuments.csv(),
                SampleDocuments.html());
        long uploadBytes = 0;
        for (int i = 0; i < files; i++) {
            uploadBytes += docs.get(i % docs.size()).bytes().length;
        }
        AliveSampler alive = cluster == null ? null : new AliveSampler(cluster);
        CostMeter.Snapshot run0 = meter.take();
        ExecutorService uploaders = Executors.newFixedThreadPool(8, r -> new Thread(r, "harness-upload"));
        ScheduledExecutorService pacer = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r,
                "harness-pacer"));
        AtomicInteger sent = new AtomicInteger();
        ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
        pacer.scheduleAtFixedRate(() -> {
            int i = sent.getAndIncrement();
            if (i >= files) {
                return;
            }
            uploaders.submit(() -> {
                try {
                    SampleDocuments.Doc d = docs.get(i % docs.size());
                    client.uploadOk(tokens.get(i % tokens.size()), d.name(), d.bytes());
                } catch (Exception e) {
                    errors.add(e);
                }
            });
        }, 0, Math.round(1_000_000 / rate), TimeUnit.MICROSECONDS);
        long deadline = System.nanoTime() + Duration.ofMinutes(20).toNanos();
        while (meter.countWhere(REGION.database(), TERMINAL_SQL) < files) {
            if (!errors.isEmpty()) {
                throw new IllegalStateException("an upload failed", errors.peek());
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("files not terminal after 20 minutes");
            }
            Thread.sleep(1000);
        }
        pacer.shutdownNow();
        uploaders.shutdown();
        if (cluster != null) {
            // Each finished FileConversion is deleted FINISHED_TTL_SECONDS after its file ends.
            Thread.sleep((FINISHED_TTL_SECONDS + 15) * 1000L);
            alive.stop();
        } else {
            Thread.sleep(3000); // the last status events reach Kafka and the API's feed
        }
        CostMeter.Snapshot run1 = meter.take();
        Map<String, Long> runKube = cluster == null ? Map.of() : KubeApiRequests.drain(cluster.server);

        double idleSeconds = idle1.secondsSince(idle0);
        double runSeconds = run1.secondsSince(run0);
        double scale = runSeconds / idleSeconds; // background seen while idle, stretched to the run's length
        Map<String, Double> perFile = new LinkedHashMap<>();
        Map<String, Double> background = new LinkedHashMap<>();
        Counter put = (name, runDelta, idleDelta) -> {
            perFile.put(name, Math.max(0, runDelta - idleDelta * scale) / files);
            background.put(name, idleDelta / idleSeconds * 60);
        };

        // MySQL: statements the services sent (the benchmark's own completion polls taken out), rows, binlog.
        Map<String, Long> mRun = delta(run0.mysql(), run1.mysql());
        Map<String, Long> mIdle = delta(idle0.mysql(), idle1.mysql());
        long ownRun = run1.ownSelects() - run0.ownSelects();
        long ownIdle = idle1.ownSelects() - idle0.ownSelects();
        for (String k : List.of("Com_select", "Com_insert", "Com_update", "Com_delete", "Com_replace",
                "Com_insert_select", "Com_commit", "Com_rollback", "Com_set_option")) {
            long own = k.equals("Com_select") ? 1 : 0;
            put.add("mysql " + k.substring(4) + " statements", mRun.getOrDefault(k, 0L) - own * ownRun,
                    mIdle.getOrDefault(k, 0L) - own * ownIdle);
        }
        put.add("mysql statements (Questions, all kinds)", mRun.getOrDefault("Questions", 0L) - ownRun
                - 2, mIdle.getOrDefault("Questions", 0L) - ownIdle - 2);
        // Row operations of the storage engines (MariaDB 11 has no Innodb_rows_* counters).
        for (String k : List.of("Handler_write", "Handler_update", "Handler_delete")) {
            put.add("mysql rows: " + k, mRun.getOrDefault(k, 0L), mIdle.getOrDefault(k, 0L));
        }
        put.add("mysql binlog bytes", mRun.getOrDefault("Binlog_bytes_written", 0L),
                mIdle.getOrDefault("Binlog_bytes_written", 0L));
        put.add("mysql binlog transactions (Binlog_commits)", mRun.getOrDefault("Binlog_commits", 0L),
                mIdle.getOrDefault("Binlog_commits", 0L));
        Map<String, Long> evRun = meter.binlogEvents(run0, run1);
        Map<String, Long> evIdle = meter.binlogEvents(idle0, idle1);
        for (String type : union(evRun.keySet(), evIdle.keySet())) {
            put.add("binlog events: " + type, evRun.getOrDefault(type, 0L), evIdle.getOrDefault(type, 0L));
        }
        // Kafka: records appended per topic.
        Map<String, Long> kRun = delta(run0.kafkaRecords(), run1.kafkaRecords());
        Map<String, Long> kIdle = delta(idle0.kafkaRecords(), idle1.kafkaRecords());
        for (String topic : union(kRun.keySet(), kIdle.keySet())) {
            if (kRun.getOrDefault(topic, 0L) + kIdle.getOrDefault(topic, 0L) > 0) {
                put.add("kafka records: " + topic, kRun.getOrDefault(topic, 0L), kIdle.getOrDefault(topic, 0L));
            }
        }
        // S3.
        var s3Run = run1.s3().minus(run0.s3());
        var s3Idle = idle1.s3().minus(idle0.s3());
        put.add("s3 requests", s3Run.requests(), s3Idle.requests());
        for (String call : union(s3Run.calls().keySet(), s3Idle.calls().keySet())) {
            if (call.equals("blobBuilder") || call.equals("getContext")) {
                continue; // object construction inside S3Proxy, not storage operations
            }
            put.add("s3 backend calls: " + call, s3Run.calls().getOrDefault(call, 0L),
                    s3Idle.calls().getOrDefault(call, 0L));
        }
        put.add("s3 object bytes written", s3Run.bytesIn(), s3Idle.bytesIn());
        put.add("s3 object bytes read", s3Run.bytesOut(), s3Idle.bytesOut());
        // Kubernetes API requests, the operator's and (for reference) the kubelet stand-in's and harness'.
        for (String k : union(runKube.keySet(), idleKube.keySet())) {
            put.add("k8s " + k, runKube.getOrDefault(k, 0L), idleKube.getOrDefault(k, 0L));
        }
        // CPU seconds by component.
        ProcessCpu.Snapshot cpuRun = run1.cpu().minus(run0.cpu());
        ProcessCpu.Snapshot cpuIdle = idle1.cpu().minus(idle0.cpu());
        for (String c : union(cpuRun.seconds().keySet(), cpuIdle.seconds().keySet())) {
            double r = cpuRun.get(c);
            double i = cpuIdle.get(c);
            perFile.put("cpu ms: " + c, Math.max(0, r - i * scale) / files * 1000);
            background.put("cpu ms: " + c, i / idleSeconds * 60 * 1000);
        }
        List<String> notes = new ArrayList<>();
        notes.add(String.format(Locale.ROOT, "%s: %d files (%d bytes uploaded, %.0f per file) in %.1f s; idle"
                        + " window %.1f s. Uploads: %d (4 users), the API's POST /api/v1/files each.", label, files,
                uploadBytes, uploadBytes / (double) files, runSeconds, idleSeconds, sent.get() > files ? files
                        : sent.get()));
        if (alive != null) {
            notes.add(alive.summary(files / runSeconds));
        }
        long rows = meter.countWhere(REGION.database(), "SELECT COUNT(*) FROM {db}.files");
        Map<String, Long> tables = meter.tableBytes(REGION.database());
        long bytes = tables.values().stream().mapToLong(Long::longValue).sum();
        notes.add(String.format(Locale.ROOT, "MySQL storage after the run (InnoDB's estimate, data + indexes, after"
                + " ANALYZE TABLE): %d bytes over %d files rows = %.0f bytes per file, by table %s (tables start at"
                + " 16 KiB pages, so small tables overstate).", bytes, rows, bytes / (double) Math.max(1, rows), tables));
        notes.add(label + ": busiest threads of the benchmark JVM in the run (name: CPU s): "
                + busiestThreads(cluster == null ? CostBenchmark::embeddedThread : CostBenchmark::clusterHarnessThread));
        return new PathCost(label, perFile, background, notes);
    }

    @FunctionalInterface
    private interface Counter {
        void add(String name, long runDelta, long idleDelta);
    }

    private static Map<String, Long> delta(Map<String, Long> before, Map<String, Long> after) {
        Map<String, Long> d = new TreeMap<>();
        after.forEach((k, v) -> d.put(k, v - before.getOrDefault(k, 0L)));
        return d;
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> u = new TreeSet<>(a);
        u.addAll(b);
        return u;
    }

    /** The benchmark JVM's busiest threads and their component, so the classification can be checked. */
    private static String busiestThreads(Function<String, String> component) {
        Map<String, Long> now = ProcessCpu.threads(ProcessHandle.current().pid());
        List<Map.Entry<String, Long>> top = new ArrayList<>(now.entrySet());
        top.sort(Map.Entry.<String, Long>comparingByValue().reversed());
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < Math.min(15, top.size()); i++) {
            s.append(i == 0 ? "" : ", ").append(top.get(i).getKey()).append(" → ")
                    .append(component.apply(top.get(i).getKey())).append(": ")
                    .append(String.format(Locale.ROOT, "%.1f", top.get(i).getValue() / 100.0));
        }
        return s.append(" (totals since the JVM started)").toString();
    }

    /** Child processes by command name (Linux cuts it to 15 characters). */
    private static String process(String comm) {
        if (comm.startsWith("mariadbd") || comm.startsWith("mysqld")) {
            return "MariaDB (mariadbd)";
        }
        if (comm.startsWith("soffice") || comm.startsWith("oosplash")) {
            return "LibreOffice (soffice.bin)";
        }
        return "other process: " + comm;
    }

    /** The embedded stack's JVM threads, by the names our code, Jetty, Kafka, Debezium and HotSpot give them. */
    static String embeddedThread(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        if (jvmThread(n)) {
            return "JVM (GC, JIT)";
        }
        // "java" is the main thread (polling for completion); HttpClient-N-Worker the JDK client that uploads.
        if (n.startsWith("harness-") || name.equals("java") || n.startsWith("httpclient-")) {
            return "harness (uploads, polling)";
        }
        if (n.startsWith("pool-")) {
            return byStack(name); // executors without a name: told apart by the code they run
        }
        if (n.startsWith("dispatcher") || n.startsWith("fileconv-") || n.startsWith("converter-leases")) {
            return "dispatcher and pipeline upkeep";
        }
        if (n.startsWith("converter-") || n.startsWith("office-time") || n.startsWith("lease-heartbeat")) {
            return "converter (JVM side)";
        }
        if (n.startsWith("cdc-") || n.startsWith("debezium") || n.startsWith("blc-") || n.startsWith("binlog")
                || n.startsWith("kafka-producer")) {
            return "CDC (Debezium engine + producer)";
        }
        if (n.startsWith("kafka") || n.startsWith("data-plane") || n.startsWith("broker") || n.startsWith("raft")
                || n.startsWith("controller") || n.startsWith("quorum") || n.startsWith("logdir")
                || n.startsWith("group-") || n.startsWith("transaction") || n.startsWith("expiration")
                || n.startsWith("executor-") || n.startsWith("log-cleaner") || n.startsWith("metadata")
                || n.startsWith("share-") || n.startsWith("remote-") || n.startsWith("kraft")
                || n.startsWith("scheduler") || n.startsWith("socket-server") || n.startsWith("client-metrics")) {
            return "Kafka broker";
        }
        if (n.startsWith("jettyserverthre") || n.startsWith("javalin") || n.startsWith("status-")
                || n.startsWith("api-")) {
            return "API (Javalin/Jetty)";
        }
        if (n.startsWith("qtp") || n.startsWith("s3proxy") || n.startsWith("jclouds") || n.startsWith("user thread")) {
            return "S3 server (S3Proxy)";
        }
        if (n.startsWith("hikari") || n.startsWith("mariadb") || n.startsWith("mysql")) {
            return "database client pools";
        }
        return "other threads";
    }

    /** HotSpot's own threads (checked first: "Sweeper thread" is the JIT's code cache sweeper, not ours). */
    private static boolean jvmThread(String n) {
        return n.startsWith("gc thread") || n.startsWith("g1") || n.startsWith("c1 compiler")
                || n.startsWith("c2 compiler") || n.startsWith("vm ") || n.startsWith("sweeper thread")
                || n.startsWith("service thread") || n.startsWith("monitor deflati") || n.startsWith("signal dispatch")
                || n.startsWith("reference handl") || n.startsWith("finalizer") || n.startsWith("notification th")
                || n.startsWith("common-cleaner") || n.startsWith("attach listener");
    }

    /** A thread of an unnamed executor by the packages on its stack (any live thread whose name has this prefix). */
    private static String byStack(String comm) {
        for (Map.Entry<Thread, StackTraceElement[]> t : Thread.getAllStackTraces().entrySet()) {
            if (!t.getKey().getName().startsWith(comm)) {
                continue;
            }
            for (StackTraceElement f : t.getValue()) {
                String c = f.getClassName();
                if (c.startsWith("io.debezium")) {
                    return "CDC (Debezium engine + producer)";
                }
                if (c.startsWith("org.apache.kafka") || c.startsWith("kafka.")) {
                    return "Kafka broker";
                }
                if (c.startsWith("io.fileconv.pipeline") || c.startsWith("io.fileconv.local.EmbeddedConverters")) {
                    return "dispatcher and pipeline upkeep";
                }
                if (c.startsWith("io.fileconv.api") || c.startsWith("io.javalin")) {
                    return "API (Javalin/Jetty)";
                }
            }
        }
        return "other threads";
    }

    /** On the simulated cluster the benchmark JVM also runs the mock API server, the kubelet stand-in and proxy. */
    static String clusterHarnessThread(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        if (n.startsWith("vert.x") || n.startsWith("process-kubelet") || n.startsWith("work-service-pr")
                || n.startsWith("okhttp") || n.startsWith("mockwebserver") || n.startsWith("informer")
                || n.startsWith("jdkhttpclient") || n.startsWith("httpclient")) {
            return "harness (mock API server, kubelet stand-in, uploads)";
        }
        return embeddedThread(name);
    }

    /** Samples the objects alive in the mock API server (what etcd would hold) once a second. */
    private static final class AliveSampler {
        private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r,
                "harness-sampler"));
        private final Map<String, List<Integer>> samples = new TreeMap<>();
        private final KubernetesClient kube;
        private volatile int largestConversion;

        AliveSampler(SimulatedCluster cluster) {
            // Its own token: KubeApiRequests leaves the sampler's requests out of the counts.
            kube = new KubernetesClientBuilder().withConfig(new ConfigBuilder(cluster.kube.getConfiguration())
                    .withOauthToken(KubeApiRequests.SAMPLER_TOKEN.substring("Bearer ".length())).build()).build();
            timer.scheduleAtFixedRate(() -> {
                try {
                    String ns = SimulatedCluster.NS;
                    add("FileConversions", kube.resources(FileConversion.class).inNamespace(ns).list().getItems()
                            .size());
                    add("Jobs", kube.batch().v1().jobs().inNamespace(ns).list().getItems().size());
                    add("Pods", kube.pods().inNamespace(ns).list().getItems().size());
                    add("Leases", kube.resources(Lease.class).inNamespace(ns).list().getItems().size());
                    add("Events", kube.v1().events().inNamespace(ns).list().getItems().size());
                    for (FileConversion fc : kube.resources(FileConversion.class).inNamespace(ns).list().getItems()) {
                        largestConversion = Math.max(largestConversion, Serialization.asJson(fc).length());
                    }
                } catch (RuntimeException e) {
                    System.out.println("[cost] sampling failed: " + e);
                }
            }, 0, 1, TimeUnit.SECONDS);
        }

        private synchronized void add(String kind, int n) {
            samples.computeIfAbsent(kind, k -> new ArrayList<>()).add(n);
        }

        void stop() {
            timer.shutdownNow();
            kube.close();
        }

        /** Mean and most alive per kind, and the mean divided by the throughput: object-seconds per file. */
        synchronized String summary(double filesPerSecond) {
            StringBuilder s = new StringBuilder("Objects alive in the API server, sampled each second over the run"
                    + " (FileConversion TTL after the end: " + FINISHED_TTL_SECONDS + " s): ");
            boolean first = true;
            for (Map.Entry<String, List<Integer>> e : samples.entrySet()) {
                List<Integer> v = e.getValue();
                double mean = v.stream().mapToInt(Integer::intValue).average().orElse(0);
                s.append(first ? "" : "; ").append(e.getKey()).append(String.format(Locale.ROOT,
                        " mean %.1f, most %d", mean, Collections.max(v)));
                first = false;
            }
            return s.append(String.format(Locale.ROOT, ". Largest FileConversion seen (JSON, as etcd stores custom"
                    + " resources): %d bytes. Throughput over the run %.2f files/s.", largestConversion,
                    filesPerSecond)).toString();
        }
    }

    private static String table(List<PathCost> paths, int files, double rate) {
        StringBuilder md = new StringBuilder();
        md.append("| counter (per converted file) |");
        paths.forEach(p -> md.append(' ').append(p.label()).append(" |"));
        paths.forEach(p -> md.append(" idle, per minute (").append(p.label().split(" ")[0]).append(") |"));
        md.append("\n|---|");
        paths.forEach(p -> md.append("---|---|"));
        md.append('\n');
        Set<String> keys = new LinkedHashSet<>();
        paths.forEach(p -> keys.addAll(p.perFile().keySet()));
        for (String k : keys) {
            md.append("| ").append(k).append(" |");
            paths.forEach(p -> md.append(' ').append(fmt(p.perFile().get(k))).append(" |"));
            paths.forEach(p -> md.append(' ').append(fmt(p.backgroundPerMinute().get(k))).append(" |"));
            md.append('\n');
        }
        md.append('\n');
        paths.forEach(p -> p.notes().forEach(n -> md.append("- ").append(n).append('\n')));
        md.append(String.format(Locale.ROOT, "%nEach path: %d files at %.1f uploads/s, txt/docx/csv/html in turn.%n",
                files, rate));
        return md.toString();
    }

    private static String fmt(Double v) {
        if (v == null) {
            return "–";
        }
        if (v == 0) {
            return "0";
        }
        return Math.abs(v) >= 100 ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.2f", v);
    }
}
