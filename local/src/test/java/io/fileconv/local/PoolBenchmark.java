package io.fileconv.local;

import io.fileconv.core.FileRecord;
import io.fileconv.core.FileRepository;
import io.fileconv.core.FileStatus;
import io.fileconv.core.Region;
import io.fileconv.testkit.ApiClient;
import io.fileconv.testkit.SampleDocuments;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntSupplier;

/**
 * The warm-converter benchmark (bench/pool runs it; not a test): the same burst — {@code users} users uploading
 * {@code perUser} small documents each, as fast as the API takes them — through the embedded stack, the pooled
 * Kubernetes path and the per-file Kubernetes path, the latter two on the {@link SimulatedCluster} (packaged
 * operator, converter pods as processes). While the burst runs, a fourth user uploads one small file every two
 * seconds (at most ten). Latencies come from the rows (created_at to finished_at, the database's clock); throughput is files over
 * the time from the first upload to the last finish. Prints one Markdown table row per path.
 * <p>
 * Usage: {@code PoolBenchmark <workDir> <users> <perUser> <perFilePerUser> <officeProcesses> [cases]}, cases a
 * comma-separated subset of {@code embedded,warm,cold,perFile} (default: all).
 */
public final class PoolBenchmark {
    private static final Region REGION = Region.IN;
    /** The fourth user's uploads, one every 2 s while the burst runs (bounded: a per-file pod each costs seconds). */
    private static final int FOURTH_USER_FILES = 10;

    private record Result(String path, int files, double filesPerSecond, long p50Ms, long p99Ms, int mostPods,
                          List<Long> fourthUserMs) {
        String row() {
            List<Long> f = new ArrayList<>(fourthUserMs);
            Collections.sort(f);
            return String.format(Locale.ROOT, "| %s | %d | %.2f | %d | %d | %s | %d: p50 %d ms, max %d ms |", path, files,
                    filesPerSecond, p50Ms, p99Ms, mostPods < 0 ? "n/a (in-process)" : Integer.toString(mostPods),
                    f.size(), f.isEmpty() ? -1 : f.get(f.size() / 2), f.isEmpty() ? -1 : f.get(f.size() - 1));
        }
    }

    public static void main(String[] args) throws Exception {
        Path work = Path.of(args[0]).toAbsolutePath();
        int users = Integer.parseInt(args[1]);
        int perUser = Integer.parseInt(args[2]);
        int perFilePerUser = Integer.parseInt(args[3]);
        int office = Integer.parseInt(args[4]);
        List<String> cases = List.of((args.length > 5 ? args[5] : "embedded,warm,cold,perFile").split(","));
        Map<String, Result> results = new LinkedHashMap<>();
        if (cases.contains("embedded")) {
            results.put("embedded", embedded(work.resolve("embedded"), users, perUser, office));
        }
        if (cases.contains("warm")) {
            results.put("warm", cluster(work.resolve("pool-warm"), "pool", users, perUser, office, true));
        }
        if (cases.contains("cold")) {
            results.put("cold", cluster(work.resolve("pool"), "pool", users, perUser, office, false));
        }
        if (cases.contains("perFile")) {
            results.put("perFile", cluster(work.resolve("perFile"), "perFile", users, perFilePerUser, office, false));
        }
        StringBuilder out = new StringBuilder();
        out.append("| path | files | files/s | p50 upload->CONVERTED ms | p99 ms | most converter pods at once |"
                + " 4th user's small files |\n|---|---|---|---|---|---|---|\n");
        results.values().forEach(r -> out.append(r.row()).append('\n'));
        out.append('\n');
        for (String pool : List.of("warm", "cold")) {
            for (String base : List.of("embedded", "perFile")) {
                if (results.containsKey(pool) && results.containsKey(base)) {
                    out.append(String.format(Locale.ROOT, "throughput %s pool / %s: %.2f%n", pool, base,
                            results.get(pool).filesPerSecond() / results.get(base).filesPerSecond()));
                }
            }
        }
        System.out.println(out);
        Files.writeString(work.resolve("pool-benchmark.md"), out);
    }

    private static Result embedded(Path dir, int users, int perUser, int office) throws Exception {
        EmbeddedStack.deleteTree(dir);
        try (EmbeddedStack stack = EmbeddedStack.start(StackOptions.defaults(dir).withApiPort(0)
                .withOfficeProcesses(office))) {
            return burst("embedded (" + office + " office processes)", new ApiClient(stack.baseUrl()),
                    stack.files(REGION), users, perUser, () -> -1);
        }
    }

    /** @param warm pooled with minJobs = maxJobs (pods started and their office processes up before the burst) */
    private static Result cluster(Path dir, String mode, int users, int perUser, int office, boolean warm)
            throws Exception {
        try (SimulatedCluster cluster = warm ? SimulatedCluster.start(dir, mode, office, office, 600)
                : SimulatedCluster.start(dir, mode, office)) {
            String pod = "fileconv-operator-0";
            cluster.startOperator(pod);
            long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
            while (!cluster.ready(pod)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("operator not ready, see " + dir.resolve(pod + ".log"));
                }
                Thread.sleep(500);
            }
            // The nodes have room for as many converter pods as the embedded stack has office processes.
            ProcessKubelet kubelet = cluster.startKubelet(mode.equals("pool") ? office + 2 : office);
            if (warm) {
                awaitWarmPods(dir.resolve("pods"), office);
            }
            String label = mode.equals("pool") ? "Kubernetes pooled, " + (warm ? "warm (minJobs " + office + ")"
                    : "cold (minJobs 0)") + ", maxJobs " + office : "Kubernetes per-file (" + office + " pods at once)";
            return burst(label, cluster.client, cluster.files, users, perUser, kubelet::mostPodsAlive);
        }
    }

    private static Result burst(String path, ApiClient client, FileRepository files, int users, int perUser,
                                IntSupplier mostPods) throws Exception {
        List<SampleDocuments.Doc> docs = List.of(SampleDocuments.txt(), SampleDocuments.docx(), SampleDocuments.csv(),
                SampleDocuments.html());
        List<String> tokens = new ArrayList<>();
        for (int u = 0; u < users; u++) {
            tokens.add(client.token("bench-user-" + u, REGION.code()));
        }
        String fourth = client.token("bench-fourth-user", REGION.code());
        ExecutorService pool = Executors.newFixedThreadPool(users);
        List<Future<List<String>>> sent = new ArrayList<>();
        for (String token : tokens) {
            sent.add(pool.submit(() -> {
                List<String> ids = new ArrayList<>();
                for (int i = 0; i < perUser; i++) {
                    SampleDocuments.Doc d = docs.get(i % docs.size());
                    ids.add(client.uploadOk(token, d.name(), d.bytes()));
                }
                return ids;
            }));
        }
        List<String> burst = new ArrayList<>();
        List<String> fourthIds = new ArrayList<>();
        boolean burstSent = false;
        while (true) {
            if (!burstSent && sent.stream().allMatch(Future::isDone)) {
                burstSent = true;
                for (Future<List<String>> f : sent) {
                    burst.addAll(f.get());
                }
            }
            if (burstSent && SimulatedCluster.terminal(files, burst) == burst.size()) {
                break;
            }
            if (fourthIds.size() < FOURTH_USER_FILES) {
                fourthIds.add(client.uploadOk(fourth, "fourth.txt", SampleDocuments.txt().bytes()));
            }
            Thread.sleep(2000);
        }
        pool.shutdown();
        while (SimulatedCluster.terminal(files, fourthIds) < fourthIds.size()) {
            Thread.sleep(500);
        }
        List<Long> latencies = new ArrayList<>();
        Instant first = null;
        Instant last = null;
        for (String id : burst) {
            FileRecord r = files.find(id).orElseThrow();
            if (r.status() != FileStatus.CONVERTED) {
                throw new IllegalStateException("file " + id + " ended " + r.status() + ": " + r.failureReason());
            }
            latencies.add(Duration.between(r.createdAt(), r.finishedAt()).toMillis());
            first = first == null || r.createdAt().isBefore(first) ? r.createdAt() : first;
            last = last == null || r.finishedAt().isAfter(last) ? r.finishedAt() : last;
        }
        List<Long> fourthMs = new ArrayList<>();
        for (String id : fourthIds) {
            FileRecord r = files.find(id).orElseThrow();
            fourthMs.add(Duration.between(r.createdAt(), r.finishedAt()).toMillis());
        }
        Collections.sort(latencies);
        double seconds = Duration.between(first, last).toMillis() / 1000.0;
        Result result = new Result(path, burst.size(), burst.size() / seconds,
                latencies.get(latencies.size() / 2), latencies.get((int) Math.ceil(latencies.size() * 0.99) - 1),
                mostPods.getAsInt(), fourthMs);
        System.out.println(result.row());
        return result;
    }

    /** Until {@code n} pods logged that their office process is up and warmed up (each then long-polls for work). */
    static void awaitWarmPods(Path pods, int n) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (true) {
            long ready = 0;
            if (Files.isDirectory(pods)) {
                try (var dirs = Files.list(pods)) {
                    for (Path d : dirs.toList()) {
                        Path log = d.resolve("container.log");
                        // "warmed up" comes after the warm-up conversions, just before the first claim: a pod
                        // still warming up when the burst starts is not the warm pool this measures.
                        if (Files.exists(log) && Files.readString(log, StandardCharsets.ISO_8859_1)
                                .contains("office warmed up")) {
                            ready++;
                        }
                    }
                }
            }
            if (ready >= n) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("warm pods not ready: " + ready + " of " + n);
            }
            Thread.sleep(500);
        }
    }

}
