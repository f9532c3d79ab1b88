package io.fileconv.bench;

import io.fileconv.core.Region;
import io.fileconv.local.EmbeddedStack;
import io.fileconv.local.StackOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;

/**
 * How fast the embedded stack's CDC drains a backlog: {@code n} rows committed to one region's files table in
 * transactions of {@code perTransaction} rows as fast as JDBC goes, then the time until each of their change events
 * is in that region's topic. One transaction (the default) puts the whole backlog into the binlog at once, so the
 * time from its commit to the last event is the CDC's alone. The rows are CANCELLED: the dispatcher reads each event
 * but starts no conversion.
 *
 * <p>Usage: {@code CdcBacklogBench WORK RESULTS [n=20000] [perTransaction=n]}
 */
public final class CdcBacklogBench {
    public static void main(String[] args) throws Exception {
        Path data = Path.of(args[0]).toAbsolutePath();
        Path results = Path.of(args[1]).toAbsolutePath();
        int n = args.length > 2 ? Integer.parseInt(args[2]) : 20_000;
        int perTransaction = args.length > 3 ? Integer.parseInt(args[3]) : n;
        Bench.deleteTree(data);
        int code;
        try (EmbeddedStack stack = EmbeddedStack.start(new StackOptions(data, 0, 1, Duration.ofSeconds(120),
                20L << 20))) {
            code = run(stack, results, n, perTransaction);
        }
        System.exit(code);
    }

    private static int run(EmbeddedStack stack, Path results, int n, int perTransaction) throws Exception {
        Region region = Region.US;
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.infra().kafkaBootstrap());
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        String load0 = Bench.load();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p)) {
            List<TopicPartition> parts = consumer.partitionsFor(region.filesTopic()).stream()
                    .map(i -> new TopicPartition(i.topic(), i.partition())).toList();
            consumer.assign(parts);
            consumer.seekToEnd(parts);
            parts.forEach(consumer::position); // fix the start before the first insert

            Set<String> waiting = new HashSet<>();
            String user = "bench-cdc-" + System.currentTimeMillis();
            long t0 = System.nanoTime();
            try (Connection c = stack.files(region).dataSource().getConnection();
                 PreparedStatement ps = c.prepareStatement("INSERT INTO files (id, user_id, original_name,"
                         + " detected_type, size_bytes, sha256, input_key, output_key, status, attempts, created_at,"
                         + " updated_at) VALUES (?, ?, 'backlog.txt', 'text/plain', 1, ?, ?, ?, 'CANCELLED', 1,"
                         + " NOW(3), NOW(3))")) {
                c.setAutoCommit(false);
                for (int i = 0; i < n; i++) {
                    String id = UUID.randomUUID().toString();
                    waiting.add(id);
                    ps.setString(1, id);
                    ps.setString(2, user);
                    ps.setString(3, "0".repeat(64));
                    ps.setString(4, user + "/" + id);
                    ps.setString(5, user + "/" + id + ".pdf");
                    ps.addBatch();
                    if ((i + 1) % perTransaction == 0 || i == n - 1) {
                        ps.executeBatch();
                        c.commit();
                    }
                }
            }
            long committed = System.nanoTime();
            long cpuAtCommit = processCpuNanos();
            Bench.log(n + " rows committed in " + Bench.f1((committed - t0) / 1e9) + " s");
            long deadline = committed + Duration.ofMinutes(10).toNanos();
            while (!waiting.isEmpty() && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    int at = r.key() == null ? -1 : r.key().indexOf("\"id\":\"");
                    if (at >= 0) {
                        waiting.remove(r.key().substring(at + 6, at + 6 + 36));
                    }
                }
            }
            long drained = System.nanoTime();
            // The JVM's cores in use while the backlog drained (every thread: Debezium, Kafka, dispatcher, this
            // consumer). Both designs kept the machine busy, so this tells whether the drain is CPU-bound; divided
            // by the events it would only restate the rate.
            double coresBusy = (processCpuNanos() - cpuAtCommit) / (double) Math.max(1, drained - committed);
            double insertS = (committed - t0) / 1e9;
            double totalS = (drained - t0) / 1e9;
            String md = "## CDC backlog (embedded stack)\n\n"
                    + n + " rows committed to the `files` table of region " + region.code() + " in transactions of "
                    + perTransaction + ", then read back from the region's topic.\n\n"
                    + "| | value |\n|---|---|\n"
                    + "| rows committed in | " + Bench.f1(insertS) + " s |\n"
                    + "| first insert → last event in Kafka | " + Bench.f1(totalS) + " s |\n"
                    + "| last commit → last event in Kafka | " + Bench.f1(totalS - insertS) + " s |\n"
                    + "| events per second after the last commit (one transaction: the CDC's own rate) | "
                    + Bench.f0((n - waiting.size()) / Math.max(1e-9, totalS - insertS)) + " |\n"
                    + "| cores busy in the stack's JVM from the last commit to the last event (of "
                    + Runtime.getRuntime().availableProcessors() + ") | " + Bench.f2(coresBusy) + " |\n"
                    + "| events per second (first insert → last event) | " + Bench.f0((n - waiting.size()) / totalS)
                    + " |\n"
                    + "| events not in Kafka after 10 min | " + waiting.size() + " |\n\n"
                    + "Load average before → after: " + load0 + " → " + Bench.load() + "\n";
            Bench.append(results.resolve("cdc-backlog.md"), md);
            Bench.log(md);
            return waiting.isEmpty() ? 0 : 1;
        }
    }

    /** CPU time of this JVM (every thread) so far. */
    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }
}
