package io.fileconv.local;

import io.fileconv.embedded.S3Traffic;
import io.fileconv.testkit.ProcessCpu;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The counters the cost benchmark reads before and after a run, each from the component itself: MariaDB's global
 * status (statements by kind, InnoDB rows, binlog bytes) and its binlog (events by type between two positions),
 * Kafka's end offsets per topic (records appended), the embedded S3 server's requests and bytes, and /proc's CPU
 * time of this JVM's threads and child processes. The meter's own statements are counted so they can be taken out.
 */
final class CostMeter implements AutoCloseable {
    private final Connection db;
    private final Admin kafka;
    private final Supplier<S3Traffic.Counts> s3;
    private final Function<String, String> threadComponent;
    private final BiFunction<Long, String, String> processComponent;
    private long ownSelects;

    record BinlogPosition(String file, long position) {
    }

    record Snapshot(Instant at, Map<String, Long> mysql, Map<String, Long> kafkaRecords, S3Traffic.Counts s3,
                    ProcessCpu.Snapshot cpu, BinlogPosition binlog, long ownSelects) {
        double secondsSince(Snapshot earlier) {
            return Duration.between(earlier.at, at).toMillis() / 1000.0;
        }
    }

    CostMeter(String jdbcBase, String kafkaBootstrap, Supplier<S3Traffic.Counts> s3,
              Function<String, String> threadComponent, BiFunction<Long, String, String> processComponent)
            throws SQLException {
        this.db = DriverManager.getConnection(jdbcBase, "root", "");
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafkaBootstrap);
        this.kafka = Admin.create(p);
        this.s3 = s3;
        this.threadComponent = threadComponent;
        this.processComponent = processComponent;
    }

    synchronized Snapshot take() throws Exception {
        Map<String, Long> status = new TreeMap<>();
        try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery("SHOW GLOBAL STATUS")) {
            while (rs.next()) {
                String name = rs.getString(1);
                if (name.startsWith("Com_") || name.startsWith("Handler_") || name.startsWith("Binlog_")
                        || name.equals("Questions") || name.equals("Bytes_received") || name.equals("Bytes_sent")) {
                    try {
                        status.put(name, Long.parseLong(rs.getString(2)));
                    } catch (NumberFormatException ignored) {
                        // not a counter
                    }
                }
            }
        }
        BinlogPosition binlog = null;
        try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery("SHOW BINARY LOGS")) {
            while (rs.next()) {
                binlog = new BinlogPosition(rs.getString(1), rs.getLong(2));
            }
        }
        return new Snapshot(Instant.now(), status, kafkaEndOffsets(), s3.get(),
                ProcessCpu.tree(ProcessHandle.current().pid(), threadComponent, processComponent), binlog, ownSelects);
    }

    /** Records appended per topic since the topic was created: the sum of its partitions' end offsets. */
    private Map<String, Long> kafkaEndOffsets() throws Exception {
        Set<String> names = kafka.listTopics(new ListTopicsOptions().listInternal(true)).names().get();
        Map<String, TopicDescription> topics = kafka.describeTopics(names).allTopicNames().get();
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        topics.values().forEach(t -> t.partitions().forEach(
                p -> request.put(new TopicPartition(t.name(), p.partition()), OffsetSpec.latest())));
        Map<String, Long> out = new TreeMap<>();
        kafka.listOffsets(request).all().get().forEach((tp, info) -> out.merge(tp.topic(), info.offset(), Long::sum));
        return out;
    }

    /** Binlog events by type between two snapshots (Write_rows, Update_rows, Xid, ...). */
    synchronized Map<String, Long> binlogEvents(Snapshot from, Snapshot to) throws SQLException {
        List<String> files = new ArrayList<>();
        try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery("SHOW BINARY LOGS")) {
            while (rs.next()) {
                String f = rs.getString(1);
                if (f.compareTo(from.binlog().file()) >= 0 && f.compareTo(to.binlog().file()) <= 0) {
                    files.add(f);
                }
            }
        }
        Map<String, Long> out = new TreeMap<>();
        for (String f : files) {
            long start = f.equals(from.binlog().file()) ? from.binlog().position() : 4;
            String sql = "SHOW BINLOG EVENTS IN '" + f + "' FROM " + start;
            try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery(sql)) {
                while (rs.next()) {
                    long end = rs.getLong("End_log_pos");
                    if (f.equals(to.binlog().file()) && end > to.binlog().position()) {
                        break;
                    }
                    String type = rs.getString("Event_type");
                    if (type.equals("Query")) {
                        String info = rs.getString("Info");
                        type = info != null && info.startsWith("BEGIN") ? "Query (BEGIN)" : "Query (other)";
                    }
                    out.merge(type.replaceAll("_v\\d$", ""), 1L, Long::sum);
                }
            }
        }
        return out;
    }

    /** One SELECT on the benchmark's behalf (polling for completion): counted so it can be taken out. */
    synchronized long countWhere(String database, String sql) throws SQLException {
        ownSelects++;
        try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery(
                sql.replace("{db}", "`" + database + "`"))) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /**
     * Bytes the region schema's tables take (data + indexes, InnoDB's estimate after ANALYZE TABLE) per table, and
     * rows of {@code files}: storage growth per file.
     */
    synchronized Map<String, Long> tableBytes(String database) throws SQLException {
        Map<String, Long> out = new TreeMap<>();
        List<String> tables = new ArrayList<>();
        try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery("SELECT TABLE_NAME FROM"
                + " information_schema.TABLES WHERE TABLE_SCHEMA = '" + database + "' AND TABLE_TYPE = 'BASE TABLE'")) {
            while (rs.next()) {
                tables.add(rs.getString(1));
            }
        }
        for (String t : tables) {
            try (Statement st = db.createStatement()) {
                st.execute("ANALYZE TABLE `" + database + "`.`" + t + "`");
            }
        }
        try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery("SELECT TABLE_NAME, DATA_LENGTH +"
                + " INDEX_LENGTH FROM information_schema.TABLES WHERE TABLE_SCHEMA = '" + database + "'"
                + " AND TABLE_TYPE = 'BASE TABLE'")) {
            while (rs.next()) {
                out.put(rs.getString(1), rs.getLong(2));
            }
        }
        return out;
    }

    @Override
    public void close() throws Exception {
        kafka.close();
        db.close();
    }
}
