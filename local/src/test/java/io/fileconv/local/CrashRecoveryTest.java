package io.fileconv.local;

import io.fileconv.testkit.ApiClient;
import io.fileconv.embedded.FreePorts;
import com.fasterxml.jackson.databind.JsonNode;
import io.fileconv.core.ConsumerOffsetStore;
import io.fileconv.core.Databases;
import io.fileconv.core.FileRecord;
import io.fileconv.core.FileRepository;
import io.fileconv.core.FileStatus;
import io.fileconv.core.ObjectStore;
import io.fileconv.core.Region;
import io.fileconv.pipeline.dispatch.Dispatcher;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Exactly-once effect, proven with faults. The infrastructure (MariaDB, Kafka, S3, Debezium) runs in this JVM; the
 * worker (dispatcher + converter) and the API run as separate OS processes that a seeded random schedule kills
 * with SIGKILL and restarts while uploads keep coming. Kafka and MariaDB are each restarted once mid-run. After the
 * drain every accepted upload must be converted exactly once in effect, with one output object, a status that only
 * moved forward, and no conversion started after its result was committed. Re-run a schedule with
 * -Dfileconv.chaos.seed=N.
 */
class CrashRecoveryTest {
    private static final int UPLOADS = Integer.getInteger("fileconv.chaos.uploads", 300);
    private static final int KILLS = Integer.getInteger("fileconv.chaos.kills", 50);
    private static final List<FileStatus> ORDER = List.of(FileStatus.UPLOADED, FileStatus.QUEUED, FileStatus.CONVERTING,
            FileStatus.CONVERTED);

    @Test
    void randomKillsOfWorkerAndApiLoseNothingAndDuplicateNothing() throws Exception {
        long seed = Long.getLong("fileconv.chaos.seed", System.nanoTime() % 1_000_000);
        System.out.println("crash test seed=" + seed + " (re-run with -Dfileconv.chaos.seed=" + seed + ")");
        Random random = new Random(seed);
        Path dir = Path.of("target", "e2e-crash").toAbsolutePath();
        EmbeddedStack.deleteTree(dir);
        int apiPort = FreePorts.take();
        try (EmbeddedInfra infra = EmbeddedInfra.start(dir);
             ObjectStore store = new ObjectStore(infra.objectStoreConfig())) {
            Map<String, String> common = Map.of("FILECONV_DATA_DIR", dir.toString());
            Map<String, String> workerEnv = new HashMap<>(common);
            workerEnv.put("FILECONV_OFFICE_PROCESSES", "1");
            workerEnv.put("FILECONV_TIMEOUT_SECONDS", "60");
            Map<String, String> apiEnv = new HashMap<>(common);
            apiEnv.put("FILECONV_PORT", String.valueOf(apiPort));
            Map<Region, FileRepository> repos = new EnumMap<>(Region.class);
            List<AutoCloseable> pools = new ArrayList<>();
            for (Region r : Region.values()) {
                var ds = Databases.pool(infra.jdbcBase(), r.database(), "root", "", 3);
                pools.add(ds);
                repos.put(r, new FileRepository(r, ds));
            }
            try (ChildProcess worker = new ChildProcess("worker", workerEnv, dir.resolve("worker.log"));
                 ChildProcess api = new ChildProcess("api", apiEnv, dir.resolve("api.log"))) {
                worker.start();
                api.start();
                ApiClient client = new ApiClient("http://localhost:" + apiPort);
                String[] tokens = new String[3];
                Instant deadline = Instant.now().plusSeconds(120);
                while (tokens[0] == null) {
                    try {
                        tokens[0] = client.token("crash-in", "in");
                        tokens[1] = client.token("crash-us", "us");
                        tokens[2] = client.token("crash-uk", "uk");
                    } catch (Exception e) {
                        if (Instant.now().isAfter(deadline)) {
                            throw new AssertionError("API process did not come up", e);
                        }
                        Thread.sleep(500);
                    }
                }

                Map<String, Region> accepted = new ConcurrentHashMap<>();
                Map<String, List<FileStatus>> observed = new ConcurrentHashMap<>();
                List<String> violations = new CopyOnWriteArrayList<>();
                AtomicBoolean uploading = new AtomicBoolean(true);
                AtomicInteger apiKills = new AtomicInteger();
                AtomicInteger workerKills = new AtomicInteger();

                Thread monitor = new Thread(() -> {
                    while (!Thread.currentThread().isInterrupted()) {
                        for (Region r : Region.values()) {
                            try {
                                for (FileRecord f : repos.get(r).findInStatus(EnumSet.allOf(FileStatus.class))) {
                                    List<FileStatus> seen = observed.computeIfAbsent(f.id(), k -> new CopyOnWriteArrayList<>());
                                    FileStatus last = seen.isEmpty() ? null : seen.get(seen.size() - 1);
                                    if (last != f.status()) {
                                        if (last != null && ORDER.indexOf(f.status()) < ORDER.indexOf(last)) {
                                            violations.add(f.id() + ": " + last + " -> " + f.status());
                                        }
                                        seen.add(f.status());
                                    }
                                }
                            } catch (Exception e) {
                                // MariaDB restarting: the next round reads again
                            }
                        }
                        try {
                            Thread.sleep(150);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                }, "status-monitor");
                monitor.start();

                Thread uploader = new Thread(() -> {
                    Random r = new Random(seed + 1);
                    int n = 0;
                    while (accepted.size() < UPLOADS) {
                        int regionIdx = n % 3;
                        String body = "Crash test document " + n + " seed " + seed + "\n" + "line\n".repeat(r.nextInt(200));
                        try {
                            HttpResponse<String> resp = client.upload(tokens[regionIdx], "doc-" + n + ".txt",
                                    body.getBytes(StandardCharsets.UTF_8));
                            if (resp.statusCode() == 201) {
                                accepted.put(ApiClient.json(resp.body()).get("id").asText(), Region.values()[regionIdx]);
                                n++;
                            }
                            Thread.sleep(r.nextInt(120));
                        } catch (Exception e) {
                            try {
                                Thread.sleep(200); // API down: the client retries, as a browser user would
                            } catch (InterruptedException ie) {
                                return;
                            }
                        }
                    }
                    uploading.set(false);
                }, "uploader");
                uploader.start();

                int kills = 0;
                boolean kafkaRestarted = false;
                boolean mysqlRestarted = false;
                while (kills < KILLS || uploading.get()) {
                    Thread.sleep(800 + random.nextInt(2200));
                    if (!kafkaRestarted && kills == KILLS / 3) {
                        infra.restartKafka();
                        kafkaRestarted = true;
                    } else if (!mysqlRestarted && kills == 2 * KILLS / 3) {
                        infra.restartMariaDb();
                        mysqlRestarted = true;
                    }
                    if (kills >= KILLS) {
                        continue;
                    }
                    ChildProcess victim = random.nextInt(100) < 55 ? api : worker;
                    victim.kill();
                    (victim == api ? apiKills : workerKills).incrementAndGet();
                    kills++;
                    Thread.sleep(random.nextInt(1000));
                    victim.start();
                }
                uploader.join();

                Instant drainStart = Instant.now();
                Instant drainDeadline = drainStart.plus(Duration.ofMinutes(6));
                while (true) {
                    long open = 0;
                    for (Map.Entry<String, Region> e : accepted.entrySet()) {
                        FileRecord f = repos.get(e.getValue()).find(e.getKey()).orElse(null);
                        if (f == null || !f.status().isTerminal()) {
                            open++;
                        }
                    }
                    if (open == 0) {
                        break;
                    }
                    assertThat(Instant.now()).as("%d uploads still open after the drain deadline", open)
                            .isBefore(drainDeadline);
                    Thread.sleep(500);
                }
                long drainSeconds = Duration.between(drainStart, Instant.now()).toSeconds();
                Thread.sleep(600); // let the monitor see the last transitions
                monitor.interrupt();
                monitor.join();

                // --- the properties ------------------------------------------------------------------------
                int lost = 0;
                int notConverted = 0;
                Map<String, FileRecord> rows = new HashMap<>();
                for (Map.Entry<String, Region> e : accepted.entrySet()) {
                    FileRecord f = repos.get(e.getValue()).find(e.getKey()).orElse(null);
                    if (f == null) {
                        lost++;
                        continue;
                    }
                    rows.put(f.id(), f);
                    if (f.status() != FileStatus.CONVERTED) {
                        notConverted++;
                    }
                    assertThat(f.attempts()).as("attempts of %s", f.id()).isEqualTo(1);
                    assertThat(store.exists(f.region().defaultBucket(), f.outputKey())).as("PDF of %s", f.id()).isTrue();
                }
                // The converter's own log: one line per conversion it ran to the end.
                List<String[]> log = Files.readAllLines(dir.resolve("worker").resolve("conversions.log")).stream()
                        .map(l -> l.split(" ")).toList();
                Map<String, List<Long>> runs = log.stream().filter(p -> rows.containsKey(p[1]))
                        .collect(Collectors.groupingBy(p -> p[1], Collectors.mapping(p -> Long.parseLong(p[0]),
                                Collectors.toList())));
                int duplicated = 0;
                for (FileRecord f : rows.values()) {
                    long committedAt = f.finishedAt().toEpochMilli();
                    // A conversion may be repeated only if the first run's result was never committed (the worker
                    // died in between); any run that STARTED after the commit would be a duplicate effect.
                    long after = runs.getOrDefault(f.id(), List.of()).stream().filter(t -> t > committedAt + 1000).count();
                    if (after > 0) {
                        duplicated++;
                    }
                }
                long reruns = runs.values().stream().filter(l -> l.size() > 1).count();
                // Offsets: the stored position never passes the log end (no invented progress).
                try (Admin admin = Admin.create(Map.of("bootstrap.servers", infra.kafkaBootstrap()))) {
                    for (Region r : Region.values()) {
                        ConsumerOffsetStore offsets = new ConsumerOffsetStore(repos.get(r).dataSource());
                        for (int p = 0; p < 3; p++) {
                            TopicPartition tp = new TopicPartition(r.filesTopic(), p);
                            long end = admin.listOffsets(Map.of(tp, OffsetSpec.latest())).all().get().get(tp).offset();
                            long stored = offsets.nextOffset(Dispatcher.GROUP, tp.topic(), p).orElse(0);
                            assertThat(stored).as("stored offset of %s", tp).isLessThanOrEqualTo(end);
                        }
                    }
                }
                System.out.printf("crash test: seed=%d uploads=%d kills=%d (api %d, worker %d) kafka-restarts=1"
                                + " mysql-restarts=1 lost=%d duplicated=%d not-converted=%d reruns-after-crash=%d"
                                + " status-regressions=%d max-drain-seconds=%d%n", seed, accepted.size(),
                        apiKills.get() + workerKills.get(), apiKills.get(), workerKills.get(), lost, duplicated,
                        notConverted, reruns, violations.size(), drainSeconds);
                assertThat(lost).isZero();
                assertThat(notConverted).isZero();
                assertThat(duplicated).isZero();
                assertThat(violations).isEmpty();
                assertThat(accepted).hasSizeGreaterThanOrEqualTo(UPLOADS);
                assertThat(apiKills.get() + workerKills.get()).isGreaterThanOrEqualTo(KILLS);
            } finally {
                for (AutoCloseable c : pools) {
                    c.close();
                }
            }
        }
    }
}
