package io.fileconv.bench;

import io.fileconv.converter.DocumentConverter;
import io.fileconv.converter.OfficePool;
import io.fileconv.converter.OfficePoolConfig;
import io.fileconv.core.ConversionFailure;
import io.fileconv.embedded.FreePorts;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Benchmark 1: the same documents converted (a) by a cold `soffice --headless --convert-to pdf` per file, with a
 * fresh user profile each time, one after the other, and (b) by the project's OfficePool + DocumentConverter with
 * 1 and 2 office processes (one warm-up pass, then several measured passes; 2 submitting threads for 2 processes).
 *
 * <p>Arguments: workDir resultsDir corpusDir warmPasses [coldLimit]
 */
public final class ConversionBench {
    private ConversionBench() {
    }

    record Outcome(String doc, double ms, boolean ok, String error) {
    }

    public static void main(String[] args) throws Exception {
        Path work = Path.of(args[0]).toAbsolutePath();
        Path results = Path.of(args[1]).toAbsolutePath();
        Path corpus = Path.of(args[2]);
        int passes = Integer.parseInt(args[3]);
        int coldLimit = args.length > 4 ? Integer.parseInt(args[4]) : Integer.MAX_VALUE;
        Bench.deleteTree(work);
        List<Path> docs = DocSet.materialise(work.resolve("docs"), corpus);
        Bench.log("document set: " + docs.size() + " files");

        StringBuilder md = new StringBuilder();
        md.append("## 1. Conversion: cold soffice vs warm pool\n\n");
        md.append("Document set: ").append(docs.size()).append(" files (").append(DocSet.fixtures().size())
                .append(" generated fixtures + ").append(docs.size() - DocSet.fixtures().size())
                .append(" from ").append(corpus).append(", password-protected one excluded).\n\n");

        // (a) cold
        List<Path> coldDocs = docs.subList(0, Math.min(coldLimit, docs.size()));
        String loadBefore = Bench.load();
        long c0 = System.nanoTime();
        List<Outcome> cold = new ArrayList<>();
        for (int i = 0; i < coldDocs.size(); i++) {
            cold.add(cold(coldDocs.get(i), work.resolve("cold"), i));
        }
        double coldWall = (System.nanoTime() - c0) / 1e6;
        String coldLoad = loadBefore + " → " + Bench.load();
        Bench.log("cold: " + coldDocs.size() + " docs in " + Bench.f1(coldWall / 1000) + " s");

        // (b) warm, 1 and 2 processes
        Run w1 = warm(docs, work.resolve("warm1"), 1, passes);
        Run w2 = warm(docs, work.resolve("warm2"), 2, passes);

        List<Double> coldMs = okMs(cold);
        double coldRate = cold.size() / (coldWall / 1000);
        md.append("| path | docs converted (ok/total) | wall s | docs/s | p50 ms | p95 ms | max ms | mean ms | x cold (docs/s) | load avg before → after |\n");
        md.append("|---|---|---|---|---|---|---|---|---|---|\n");
        md.append(row("(a) cold soffice, 1 process per file", cold, coldWall, coldRate, coldRate, coldLoad));
        md.append(row("(b) warm pool, 1 process, 1 thread", w1.outcomes, w1.wallMs, w1.rate(), coldRate, w1.load));
        md.append(row("(b) warm pool, 2 processes, 2 threads", w2.outcomes, w2.wallMs, w2.rate(), coldRate, w2.load));
        md.append("\nPer-document speedup (cold ms ÷ warm median ms of the same document, over the documents both"
                + " paths converted): 1 process ").append(speedup(cold, w1)).append("; 2 processes ")
                .append(speedup(cold, w2)).append(".\n");
        md.append("\nCold path: `soffice --headless --norestore -env:UserInstallation=file://<fresh dir> --convert-to pdf"
                + " --outdir <dir> <file>`, sequential, success = a PDF exists. Warm path: ").append(passes)
                .append(" measured passes over the set after one warm-up pass; pool started as the worker does"
                + " (maxTasksPerProcess=200, timeout 120 s), per-document time = wall time of DocumentConverter.convert."
                + " Pool start (not in the figures): 1 process ").append(Bench.f1(w1.startMs / 1000))
                .append(" s, 2 processes ").append(Bench.f1(w2.startMs / 1000)).append(" s.\n\n");

        // per-document medians, the raw figures
        md.append("<details><summary>Per document: cold ms, warm median ms (1 process), warm median ms (2 processes)</summary>\n\n");
        md.append("| document | bytes | cold ms | warm-1 p50 ms | warm-2 p50 ms |\n|---|---|---|---|---|\n");
        Map<String, List<Double>> m1 = byDoc(w1.outcomes);
        Map<String, List<Double>> m2 = byDoc(w2.outcomes);
        for (Path d : docs) {
            String n = d.getFileName().toString();
            Outcome c = cold.stream().filter(o -> o.doc.equals(n)).findFirst().orElse(null);
            md.append("| ").append(n).append(" | ").append(Files.size(d)).append(" | ")
                    .append(c == null ? "-" : (c.ok ? Bench.f0(c.ms) : "FAIL " + Bench.f0(c.ms))).append(" | ")
                    .append(cell(m1.get(n), w1.failures(n))).append(" | ").append(cell(m2.get(n), w2.failures(n)))
                    .append(" |\n");
        }
        md.append("\n</details>\n\n");
        List<String> errors = new ArrayList<>();
        for (Outcome o : cold) {
            if (!o.ok) {
                errors.add("cold " + o.doc + ": " + o.error);
            }
        }
        for (Run r : List.of(w1, w2)) {
            r.outcomes.stream().filter(o -> !o.ok).map(o -> r.name + " " + o.doc + ": " + o.error).distinct()
                    .forEach(errors::add);
        }
        if (!errors.isEmpty()) {
            md.append("Failures (counted in docs/s as processed documents, left out of the latency percentiles):\n\n");
            errors.forEach(e -> md.append("- ").append(e.replace('\n', ' ')).append('\n'));
            md.append('\n');
        }
        Bench.append(results.resolve("1-conversion.md"), md.toString());
        Bench.samples(results, "conversion", "cold soffice", coldMs);
        Bench.samples(results, "conversion", "warm 1 process", okMs(w1.outcomes));
        Bench.samples(results, "conversion", "warm 2 processes", okMs(w2.outcomes));
        Bench.log("warm1 " + Bench.f1(w1.rate()) + " docs/s, warm2 " + Bench.f1(w2.rate()) + " docs/s, cold "
                + Bench.f2(coldRate) + " docs/s");
        System.exit(0);
    }

    /** Median and range over documents of cold ms / warm median ms. */
    private static String speedup(List<Outcome> cold, Run warm) {
        Map<String, List<Double>> w = byDoc(warm.outcomes);
        List<Double> r = new ArrayList<>();
        for (Outcome c : cold) {
            List<Double> ms = w.get(c.doc);
            if (c.ok && ms != null && !ms.isEmpty()) {
                r.add(c.ms / Bench.pct(ms, 50));
            }
        }
        if (r.isEmpty()) {
            return "-";
        }
        return "median " + Bench.f0(Bench.pct(r, 50)) + "x (min " + Bench.f1(Collections.min(r)) + "x, max "
                + Bench.f0(Collections.max(r)) + "x, " + r.size() + " documents)";
    }

    private static String cell(List<Double> ms, long failures) {
        if (ms == null || ms.isEmpty()) {
            return failures > 0 ? "FAIL" : "-";
        }
        return Bench.f0(Bench.pct(ms, 50)) + (failures > 0 ? " (" + failures + " failed)" : "");
    }

    private static Map<String, List<Double>> byDoc(List<Outcome> os) {
        Map<String, List<Double>> m = new TreeMap<>();
        for (Outcome o : os) {
            if (o.ok) {
                m.computeIfAbsent(o.doc, k -> new ArrayList<>()).add(o.ms);
            }
        }
        return m;
    }

    private static List<Double> okMs(List<Outcome> os) {
        return os.stream().filter(Outcome::ok).map(Outcome::ms).toList();
    }

    private static String row(String name, List<Outcome> os, double wallMs, double rate, double coldRate, String load) {
        List<Double> ms = okMs(os);
        return "| " + name + " | " + ms.size() + "/" + os.size() + " | " + Bench.f1(wallMs / 1000) + " | "
                + Bench.f2(rate) + " | " + Bench.f0(Bench.pct(ms, 50)) + " | " + Bench.f0(Bench.pct(ms, 95)) + " | "
                + Bench.f0(Bench.max(ms)) + " | " + Bench.f0(Bench.mean(ms)) + " | " + Bench.f1(rate / coldRate)
                + "x | " + load + " |\n";
    }

    private static Outcome cold(Path doc, Path dir, int i) throws Exception {
        Path profile = dir.resolve("profile-" + i);
        Path out = dir.resolve("out-" + i);
        Files.createDirectories(out);
        String name = doc.getFileName().toString();
        List<String> cmd = List.of("soffice", "--headless", "--norestore",
                "-env:UserInstallation=" + profile.toUri(), "--convert-to", "pdf", "--outdir", out.toString(),
                doc.toString());
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("soffice-" + i + ".log").toFile())
                .start();
        boolean done = p.waitFor(120, TimeUnit.SECONDS);
        double ms = (System.nanoTime() - t0) / 1e6;
        if (!done) {
            p.destroyForcibly();
            return new Outcome(name, ms, false, "timeout after 120 s");
        }
        Path pdf = out.resolve(name.substring(0, name.lastIndexOf('.')) + ".pdf");
        boolean ok = Files.exists(pdf) && Files.size(pdf) > 4;
        Bench.deleteTree(profile);
        return new Outcome(name, ms, ok, ok ? null : "no PDF (exit " + p.exitValue() + ")");
    }

    static final class Run {
        String name;
        List<Outcome> outcomes;
        double wallMs;
        double startMs;
        String load;

        double rate() {
            return outcomes.size() / (wallMs / 1000);
        }

        long failures(String doc) {
            return outcomes.stream().filter(o -> o.doc.equals(doc) && !o.ok).count();
        }
    }

    private static Run warm(List<Path> docs, Path dir, int processes, int passes) throws Exception {
        Run run = new Run();
        run.name = "warm-" + processes;
        long s0 = System.nanoTime();
        try (OfficePool pool = OfficePool.start(new OfficePoolConfig(FreePorts.take(processes), 200,
                Duration.ofSeconds(120), dir.resolve("office")))) {
            run.startMs = (System.nanoTime() - s0) / 1e6;
            DocumentConverter converter = new DocumentConverter(pool);
            Path out = Files.createDirectories(dir.resolve("out"));
            // warm-up: every document once, not measured
            passOver(docs, converter, out, processes, new ConcurrentLinkedQueue<>());
            Bench.log(run.name + ": warmed up");
            String before = Bench.load();
            ConcurrentLinkedQueue<Outcome> got = new ConcurrentLinkedQueue<>();
            long t0 = System.nanoTime();
            for (int p = 0; p < passes; p++) {
                passOver(docs, converter, out, processes, got);
            }
            run.wallMs = (System.nanoTime() - t0) / 1e6;
            run.load = before + " → " + Bench.load();
            run.outcomes = new ArrayList<>(got);
        }
        Bench.log(run.name + ": " + run.outcomes.size() + " conversions in " + Bench.f1(run.wallMs / 1000) + " s");
        return run;
    }

    /** One pass over the set with `threads` submitting threads taking documents from a shared index. */
    private static void passOver(List<Path> docs, DocumentConverter converter, Path out, int threads,
                                 ConcurrentLinkedQueue<Outcome> sink) throws InterruptedException {
        List<Path> order = new ArrayList<>(docs);
        Collections.shuffle(order, new Random(42));
        AtomicInteger next = new AtomicInteger();
        List<Thread> ts = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int id = t;
            Thread th = new Thread(() -> {
                for (int i; (i = next.getAndIncrement()) < order.size(); ) {
                    Path d = order.get(i);
                    Path pdf = out.resolve(id + "-" + i + ".pdf");
                    long t0 = System.nanoTime();
                    try {
                        converter.convert(d, pdf);
                        sink.add(new Outcome(d.getFileName().toString(), (System.nanoTime() - t0) / 1e6, true, null));
                    } catch (ConversionFailure f) {
                        sink.add(new Outcome(d.getFileName().toString(), (System.nanoTime() - t0) / 1e6, false,
                                f.failureClass() + " " + f.getMessage()));
                    }
                    try {
                        Files.deleteIfExists(pdf);
                    } catch (IOException ignored) {
                        // scratch
                    }
                }
            }, "submit-" + t);
            th.start();
            ts.add(th);
        }
        for (Thread t : ts) {
            t.join();
        }
    }
}
