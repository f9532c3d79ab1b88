package io.fileconv.bench;

import io.fileconv.core.Region;
import io.fileconv.local.EmbeddedStack;
import io.fileconv.local.StackOptions;
import io.fileconv.testkit.ApiClient;
import io.fileconv.testkit.ProcessCpu;
import io.fileconv.testkit.SampleDocuments;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The knee (issue 18): the embedded stack driven at rising upload rates, each held for a step long enough to reach
 * steady state, with a fixed document mix (txt, docx, csv, html in turn, from eight users). For each step: the rate
 * the API accepted, the rate files finished, the queue (files not yet terminal) and its slope over the step's second
 * half, p50/p99 upload->CONVERTED of the step's files (database clock), and the cores each process used. The knee is
 * the highest step whose p99 stays under 10 s with a flat queue (slope under 5% of the offered rate).
 *
 * <p>Arguments: dataDir resultsDir rates(comma-separated uploads/s) stepSeconds officeProcesses
 */
public final class KneeBench {
    private static final Region REGION = Region.IN;
    private static final double P99_LIMIT_S = 10;

    private record Step(double offered, int uploaded, double accepted, double finished, long queueStart,
                        long queueEnd, double slope, Map<String, Double> cores, List<String> ids) {
    }

    private KneeBench() {
    }

    public static void main(String[] args) throws Exception {
        Path data = Path.of(args[0]).toAbsolutePath();
        Path results = Path.of(args[1]).toAbsolutePath();
        List<Double> rates = new ArrayList<>();
        for (String r : args[2].split(",")) {
            rates.add(Double.parseDouble(r));
        }
        int stepSeconds = Integer.parseInt(args[3]);
        int office = Integer.parseInt(args[4]);
        Bench.deleteTree(data);
        try (EmbeddedStack stack = EmbeddedStack.start(StackOptions.defaults(data).withApiPort(0)
                .withOfficeProcesses(office));
             Connection db = DriverManager.getConnection(stack.infra().jdbcBase(), "root", "")) {
            db.setCatalog(REGION.database());
            Thread.sleep(15_000); // office warm-up conversions
            ApiClient client = new ApiClient(stack.baseUrl());
            List<String> tokens = new ArrayList<>();
            for (int u = 0; u < 8; u++) {
                tokens.add(client.token("knee-user-" + u, REGION.code()));
            }
            List<Step> steps = new ArrayList<>();
            for (double rate : rates) {
                Step s = step(client, tokens, db, rate, stepSeconds);
                steps.add(s);
                Bench.log(String.format(Locale.ROOT, "step %.0f/s: accepted %.2f/s, finished %.2f/s, queue %d → %d"
                        + " (slope %.2f/s), cores %s", rate, s.accepted(), s.finished(), s.queueStart(),
                        s.queueEnd(), s.slope(), s.cores()));
                if (s.queueEnd() > rate * 60) {
                    Bench.log("queue holds over a minute of arrivals: the stack is past its knee; no higher step");
                    break;
                }
            }
            Bench.log("waiting for the queue to drain");
            long deadline = System.nanoTime() + Duration.ofMinutes(15).toNanos();
            while (queue(db) > 0 && System.nanoTime() < deadline) {
                Thread.sleep(1000);
            }
            report(results, db, steps, stepSeconds, office);
        }
        System.exit(0);
    }

    private static Step step(ApiClient client, List<String> tokens, Connection db, double rate, int seconds)
            throws Exception {
        List<SampleDocuments.Doc> docs = List.of(SampleDocuments.txt(), SampleDocuments.docx(), SampleDocuments.csv(),
                SampleDocuments.html());
        ExecutorService uploaders = Executors.newFixedThreadPool(16);
        ScheduledExecutorService pacer = Executors.newSingleThreadScheduledExecutor();
        ConcurrentLinkedQueue<String> ids = new ConcurrentLinkedQueue<>();
        AtomicInteger failed = new AtomicInteger();
        AtomicInteger n = new AtomicInteger();
        long total = Math.round(rate * seconds);
        long queueStart = queue(db);
        ProcessCpu.Snapshot cpu0 = cpu();
        long finished0 = finished(db);
        long t0 = System.nanoTime();
        pacer.scheduleAtFixedRate(() -> {
            int i = n.getAndIncrement();
            if (i >= total) {
                return;
            }
            uploaders.submit(() -> {
                try {
                    SampleDocuments.Doc d = docs.get(i % docs.size());
                    ids.add(client.uploadOk(tokens.get(i % tokens.size()), d.name(), d.bytes()));
                } catch (Exception e) {
                    failed.incrementAndGet();
                }
            });
        }, 0, Math.round(1_000_000 / rate), TimeUnit.MICROSECONDS);
        // Queue depth once a second over the step's second half: its slope says whether the stack keeps up.
        List<double[]> depth = new ArrayList<>();
        while (System.nanoTime() - t0 < seconds * 1_000_000_000L) {
            Thread.sleep(1000);
            double t = (System.nanoTime() - t0) / 1e9;
            if (t >= seconds / 2.0) {
                depth.add(new double[]{t, queue(db)});
            }
        }
        pacer.shutdownNow();
        uploaders.shutdown();
        uploaders.awaitTermination(1, TimeUnit.MINUTES);
        double elapsed = (System.nanoTime() - t0) / 1e9;
        ProcessCpu.Snapshot used = cpu().minus(cpu0);
        Map<String, Double> cores = new TreeMap<>();
        // The only children that exit are office processes (restarted every 200 documents, or after a crash or a
        // timeout): their time moves from their own /proc entry to this JVM's reaped-children count.
        used.seconds().forEach((k, v) -> cores.merge(k.equals("exited children") ? "LibreOffice" : k, v / elapsed,
                Double::sum));
        if (failed.get() > 0) {
            Bench.log(failed.get() + " uploads failed in the step at " + rate + "/s");
        }
        return new Step(rate, ids.size(), ids.size() / elapsed, (finished(db) - finished0) / elapsed, queueStart,
                queue(db), slope(depth), cores, new ArrayList<>(ids));
    }

    /** CPU by process: this JVM (API, CDC, Kafka, dispatcher, converter threads, S3), MariaDB, LibreOffice. */
    private static ProcessCpu.Snapshot cpu() {
        return ProcessCpu.tree(ProcessHandle.current().pid(), t -> "JVM (API, Kafka, Debezium, S3, dispatch)",
                (pid, comm) -> comm.startsWith("mariadbd") ? "MariaDB" : comm.startsWith("soffice")
                        || comm.startsWith("oosplash") ? "LibreOffice" : comm);
    }

    private static long queue(Connection db) throws Exception {
        return count(db, "SELECT COUNT(*) FROM files WHERE user_id LIKE 'knee-%'"
                + " AND status NOT IN ('CONVERTED','FAILED','CANCELLED')");
    }

    private static long finished(Connection db) throws Exception {
        return count(db, "SELECT COUNT(*) FROM files WHERE user_id LIKE 'knee-%'"
                + " AND status IN ('CONVERTED','FAILED','CANCELLED')");
    }

    private static long count(Connection db, String sql) throws Exception {
        try (PreparedStatement ps = db.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Least-squares slope of (t, depth): files per second the queue grows. */
    private static double slope(List<double[]> points) {
        if (points.size() < 2) {
            return 0;
        }
        double mt = points.stream().mapToDouble(p -> p[0]).average().orElse(0);
        double md = points.stream().mapToDouble(p -> p[1]).average().orElse(0);
        double num = 0;
        double den = 0;
        for (double[] p : points) {
            num += (p[0] - mt) * (p[1] - md);
            den += (p[0] - mt) * (p[0] - mt);
        }
        return den == 0 ? 0 : num / den;
    }

    /** Upload->terminal seconds of the step's files, and how many did not convert. */
    private static List<Double> latencies(Connection db, List<String> ids, int[] notConverted) throws Exception {
        List<Double> out = new ArrayList<>();
        try (PreparedStatement ps = db.prepareStatement("SELECT status, TIMESTAMPDIFF(MICROSECOND, created_at,"
                + " finished_at) FROM files WHERE id = ?")) {
            for (String id : ids) {
                ps.setString(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next() && "CONVERTED".equals(rs.getString(1))) {
                        out.add(rs.getLong(2) / 1e6);
                    } else {
                        notConverted[0]++;
                    }
                }
            }
        }
        Collections.sort(out);
        return out;
    }

    private static void report(Path results, Connection db, List<Step> steps, int stepSeconds, int office)
            throws Exception {
        StringBuilder md = new StringBuilder("| offered uploads/s | accepted/s | finished/s | queue start → end |"
                + " queue slope /s | p50 s | p99 s | not converted | cores: " + "JVM | MariaDB | LibreOffice |"
                + " within p99 < 10 s and flat |\n|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        XYSeries accepted = new XYSeries("accepted uploads/s");
        XYSeries finished = new XYSeries("finished files/s");
        XYSeries p50 = new XYSeries("p50 upload→converted s");
        XYSeries p99 = new XYSeries("p99 upload→converted s");
        double knee = 0;
        StringBuilder tsv = new StringBuilder("offered\taccepted\tfinished\tqueue_end\tslope\tp50_s\tp99_s\n");
        for (Step s : steps) {
            int[] bad = {0};
            List<Double> lat = latencies(db, s.ids(), bad);
            double l50 = lat.isEmpty() ? Double.NaN : Bench.pct(lat, 50);
            double l99 = lat.isEmpty() ? Double.NaN : Bench.pct(lat, 99);
            boolean flat = s.slope() < 0.05 * s.offered();
            boolean ok = flat && l99 < P99_LIMIT_S && bad[0] == 0 && s.accepted() >= 0.95 * s.offered();
            if (ok) {
                knee = Math.max(knee, s.offered());
            }
            md.append(String.format(Locale.ROOT, "| %.0f | %.2f | %.2f | %d → %d | %.2f | %.2f | %.2f | %d | %.2f |"
                            + " %.2f | %.2f | %s |%n", s.offered(), s.accepted(), s.finished(), s.queueStart(),
                    s.queueEnd(), s.slope(), l50, l99, bad[0], cores(s, "JVM"), cores(s, "MariaDB"),
                    cores(s, "LibreOffice"), ok ? "yes" : "no"));
            tsv.append(String.format(Locale.ROOT, "%.0f\t%.3f\t%.3f\t%d\t%.3f\t%.3f\t%.3f%n", s.offered(),
                    s.accepted(), s.finished(), s.queueEnd(), s.slope(), l50, l99));
            accepted.add(s.offered(), s.accepted());
            finished.add(s.offered(), s.finished());
            if (!lat.isEmpty()) {
                p50.add(s.offered(), l50);
                p99.add(s.offered(), l99);
            }
        }
        md.append(String.format(Locale.ROOT, "%nKnee: **%.0f uploads/s** (the highest step with p99 < %.0f s, a flat"
                + " queue, every file converted and the offered rate accepted). Steps of %d s, %d office processes,"
                + " cores = CPU seconds used in the step / its length (the machine has %d).%n", knee, P99_LIMIT_S,
                stepSeconds, office, Runtime.getRuntime().availableProcessors()));
        Files.writeString(results.resolve("knee.md"), md);
        Files.writeString(results.resolve("knee.tsv"), tsv);
        chart(results.resolve("knee.png"), accepted, finished, p50, p99);
    }

    private static double cores(Step s, String prefix) {
        return s.cores().entrySet().stream().filter(e -> e.getKey().startsWith(prefix))
                .mapToDouble(Map.Entry::getValue).sum();
    }

    /** Throughput (left axis) and latency (right axis) against the offered rate. */
    private static void chart(Path png, XYSeries accepted, XYSeries finished, XYSeries p50, XYSeries p99)
            throws Exception {
        XYSeriesCollection rate = new XYSeriesCollection();
        rate.addSeries(accepted);
        rate.addSeries(finished);
        JFreeChart chart = ChartFactory.createXYLineChart("Embedded stack: throughput and latency by offered rate",
                "offered uploads/s", "files/s", rate, PlotOrientation.VERTICAL, true, false, false);
        XYPlot plot = chart.getXYPlot();
        XYSeriesCollection latency = new XYSeriesCollection();
        latency.addSeries(p50);
        latency.addSeries(p99);
        plot.setDataset(1, latency);
        plot.setRangeAxis(1, new NumberAxis("upload→converted s"));
        plot.mapDatasetToRangeAxis(1, 1);
        plot.setRenderer(0, new XYLineAndShapeRenderer(true, true));
        plot.setRenderer(1, new XYLineAndShapeRenderer(true, true));
        ChartUtils.saveChartAsPNG(png.toFile(), chart, 1000, 560);
    }
}
