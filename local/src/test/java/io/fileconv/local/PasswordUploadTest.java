package io.fileconv.local;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import io.fileconv.core.Region;
import io.fileconv.testkit.ApiClient;
import io.fileconv.testkit.EncryptedDocuments;
import io.fileconv.testkit.SampleDocuments;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 15 on the embedded stack: an encrypted upload converts with the right password, fails with class password
 * with a wrong one and is refused at the door (422) without one, and the password never shows in the change events, the status or list JSON, the logs, or the database
 * once the file is terminal.
 */
@ExtendWith(SharedStack.class)
class PasswordUploadTest {
    private static final Region REGION = Region.IN;
    private static final Duration TERMINAL = Duration.ofSeconds(90);
    private static final ListAppender<ILoggingEvent> LOGS = new ListAppender<>();
    private static Level fileconvLevel;
    static ApiClient api;
    static EmbeddedStack stack;

    @BeforeAll
    static void start(EmbeddedStack embedded) {
        stack = embedded;
        api = new ApiClient(embedded.baseUrl());
        // Every line of the project's code, DEBUG included, while these uploads run.
        Logger fileconv = (Logger) LoggerFactory.getLogger("io.fileconv");
        fileconvLevel = fileconv.getLevel();
        fileconv.setLevel(Level.DEBUG);
        LOGS.start();
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(LOGS);
    }

    @AfterAll
    static void stop() {
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(LOGS);
        ((Logger) LoggerFactory.getLogger("io.fileconv")).setLevel(fileconvLevel);
    }

    @Test
    void theRightPasswordConvertsAndLeavesNoTrace() throws Exception {
        String password = "right-" + System.nanoTime() + "-Pässwörd";
        String token = api.token("pw-right", REGION.code());
        SampleDocuments.Doc doc = EncryptedDocuments.docx(password);
        HttpResponse<String> created = api.upload(token, doc.name(), doc.bytes(), Map.of("password", password));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String id = ApiClient.json(created.body()).get("id").asText();

        JsonNode done = api.awaitTerminal(token, id, TERMINAL);
        assertThat(done.get("status").asText()).as(done.toString()).isEqualTo("converted");
        try (PDDocument pdf = Loader.loadPDF(api.pdf(token, id).body())) {
            assertThat(new PDFTextStripper().getText(pdf)).contains(doc.sentence());
        }
        assertNoTrace(token, id, password, created.body(), done.toString());
    }

    @Test
    void aWrongPasswordFailsWithClassPassword() throws Exception {
        String password = "wrong-" + System.nanoTime();
        String token = api.token("pw-wrong", REGION.code());
        SampleDocuments.Doc doc = EncryptedDocuments.docx("the-real-one");
        HttpResponse<String> created = api.upload(token, doc.name(), doc.bytes(), Map.of("password", password));
        String id = ApiClient.json(created.body()).get("id").asText();

        JsonNode done = api.awaitTerminal(token, id, TERMINAL);
        assertThat(done.get("status").asText()).as(done.toString()).isEqualTo("failed");
        assertThat(done.get("failure").get("code").asText()).isEqualTo("password");
        assertThat(done.get("failure").get("class").asText()).isEqualTo("password_protected");
        assertThat(done.get("failure").get("reason").asText()).contains("password does not open the document");
        assertNoTrace(token, id, password, created.body(), done.toString());
    }

    @Test
    void noPasswordIsRefusedAtUploadNamingTheField() throws Exception {
        String token = api.token("pw-none", REGION.code());
        SampleDocuments.Doc doc = EncryptedDocuments.docx("never-sent");
        HttpResponse<String> r = api.upload(token, doc.name(), doc.bytes());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(422);
        assertThat(ApiClient.json(r.body()).get("type").asText()).endsWith("password-protected");
        assertThat(ApiClient.json(r.body()).get("detail").asText()).contains("'password' field");
    }

    @Test
    void aBadPasswordFieldIsAProblemWithoutEchoingIt() throws Exception {
        String token = api.token("pw-bad", REGION.code());
        SampleDocuments.Doc doc = SampleDocuments.txt();
        String tooLong = "x".repeat(257);
        for (String bad : List.of("", tooLong, "line\nbreak")) {
            HttpResponse<String> r = api.upload(token, doc.name(), doc.bytes(), Map.of("password", bad));
            assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
            assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
            assertThat(ApiClient.json(r.body()).get("type").asText()).endsWith("bad-password");
            if (!bad.isEmpty()) {
                assertThat(r.body()).doesNotContain(bad);
            }
        }
    }

    @Test
    void theChangeEventConnectorCapturesOnlyTheFilesTable() throws Exception {
        Properties p = CdcStream.connectorConfig(REGION, "127.0.0.1", 3306, Files.createTempDirectory("cdc-config"));
        assertThat(p.getProperty("table.include.list")).isEqualTo(REGION.database() + ".files")
                .doesNotContain("file_passwords");
    }

    private static void assertNoTrace(String token, String id, String password, String... bodies) throws Exception {
        byte[] secret = password.getBytes(StandardCharsets.UTF_8);
        for (String body : bodies) {
            assertThat(body).doesNotContain(password);
        }
        assertThat(api.get(token, "/api/v1/files/" + id).body()).doesNotContain(password);
        assertThat(api.get(token, "/api/v1/files").body()).doesNotContain(password);
        assertThat(passwordRows(id)).as("file_passwords row after terminal").isZero();
        List<ILoggingEvent> lines;
        synchronized (LOGS.list) {
            lines = new ArrayList<>(LOGS.list);
        }
        assertThat(lines).isNotEmpty();
        assertThat(lines).noneMatch(e -> e.getFormattedMessage().contains(password)
                || (e.getThrowableProxy() != null && String.valueOf(e.getThrowableProxy().getMessage()).contains(password)));
        List<byte[]> events = changeEvents();
        assertThat(events).anyMatch(v -> new String(v, StandardCharsets.UTF_8).contains(id));
        assertThat(events).noneMatch(v -> indexOf(v, secret) >= 0);
    }

    private static int passwordRows(String id) throws Exception {
        try (Connection c = stack.files(REGION).dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM file_passwords WHERE file_id=?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    /** Every value in the region's change-event topic, read from the beginning by a group-less consumer. */
    private static List<byte[]> changeEvents() {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.infra().kafkaBootstrap());
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        List<byte[]> values = new ArrayList<>();
        String topic = REGION.filesTopic();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
            List<TopicPartition> tps = consumer.partitionsFor(topic).stream()
                    .map(i -> new TopicPartition(topic, i.partition())).toList();
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            Map<TopicPartition, Long> ends = consumer.endOffsets(tps);
            while (tps.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp))) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    if (r.value() != null) {
                        values.add(r.value());
                    }
                }
            }
        }
        return values;
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i <= hay.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
