package io.fileconv.local;

import io.fileconv.core.Region;
import io.fileconv.pipeline.dispatch.FileChange;
import io.fileconv.testkit.ApiClient;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Poison change events in a region's files topic, between two real uploads' events, on the embedded stack's real
 * Kafka and dispatcher: each is counted once under its reason and skipped, and the upload queued behind one on the
 * same partition still converts (before, the dispatcher retried such an event forever and its partition stopped).
 */
@ExtendWith(SharedStack.class)
class PoisonEventTest {
    private static final Region REGION = Region.IN;
    /** One kind of poison per partition, so every partition holds one and each reason is counted once. */
    private static final List<String> POISON = List.of(
            "this is not JSON {",
            "{\"op\":\"c\",\"after\":{\"status\":\"UPLOADED\",\"attempts\":1}}",
            "{\"op\":\"u\",\"before\":{\"id\":\"x\",\"status\":\"QUEUED\"},\"after\":{\"id\":\"x\",\"status\":\"EXPLODED\"}}");
    private static final List<String> REASONS = List.of(FileChange.UnusableEvent.UNPARSABLE,
            FileChange.UnusableEvent.MISSING_FIELD, FileChange.UnusableEvent.UNKNOWN_STATUS);

    @Test
    void poisonEventsAreCountedAndSkippedAndTheUploadsAroundThemConvert(EmbeddedStack stack) throws Exception {
        ApiClient api = new ApiClient(stack.baseUrl());
        String token = api.token("poison-user", REGION.code());
        String bootstrap = stack.infra().kafkaBootstrap();
        String topic = REGION.filesTopic();
        Map<String, Double> before = skippedCounts(stack.baseUrl());

        String first = api.uploadOk(token, "first.txt", "Before the poison.\n".getBytes(StandardCharsets.UTF_8));
        assertThat(api.awaitTerminal(token, first, Duration.ofSeconds(90)).get("status").asText()).isEqualTo("converted");

        Map<Integer, Long> poisonOffsets = new HashMap<>();
        try (KafkaProducer<String, String> producer = producer(bootstrap)) {
            List<PartitionInfo> partitions = producer.partitionsFor(topic);
            for (PartitionInfo p : partitions) {
                String value = POISON.get(p.partition() % POISON.size());
                RecordMetadata md = producer.send(new ProducerRecord<>(topic, p.partition(), "{\"id\":\"poison\"}",
                        value)).get(30, TimeUnit.SECONDS);
                poisonOffsets.put(p.partition(), md.offset());
            }
            assertThat(partitions).as("one partition per kind of poison at least").hasSizeGreaterThanOrEqualTo(3);
        }

        String second = api.uploadOk(token, "second.txt", "Behind the poison.\n".getBytes(StandardCharsets.UTF_8));
        assertThat(api.awaitTerminal(token, second, Duration.ofSeconds(90)).get("status").asText())
                .as("the upload behind a poison event converts").isEqualTo("converted");
        ConsumerRecord<String, String> event = eventOf(bootstrap, topic, second);
        assertThat(event.offset()).as("the second upload's event sits behind the poison on its partition")
                .isGreaterThan(poisonOffsets.get(event.partition()));

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            Map<String, Double> after = skippedCounts(stack.baseUrl());
            for (String reason : REASONS) {
                assertThat(after.getOrDefault(reason, 0.0) - before.getOrDefault(reason, 0.0))
                        .as("skipped events of reason %s", reason).isEqualTo(1.0);
            }
        });
    }

    private static KafkaProducer<String, String> producer(String bootstrap) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        return new KafkaProducer<>(p);
    }

    /** The last change event of {@code fileId} in the topic, read by a group-less consumer. */
    private static ConsumerRecord<String, String> eventOf(String bootstrap, String topic, String fileId) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p)) {
            List<TopicPartition> tps = consumer.partitionsFor(topic).stream()
                    .map(i -> new TopicPartition(topic, i.partition())).toList();
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            Map<TopicPartition, Long> ends = consumer.endOffsets(tps);
            ConsumerRecord<String, String> found = null;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (tps.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp)) && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    if (r.value() != null && r.value().contains(fileId)) {
                        found = r;
                    }
                }
            }
            assertThat(found).as("change event of " + fileId).isNotNull();
            return found;
        }
    }

    private static final Pattern SKIPPED = Pattern.compile(
            "^fileconv_dispatch_skipped_events_total\\{([^}]*)} (\\S+)$", Pattern.MULTILINE);

    /** fileconv_dispatch_skipped_events_total of {@link #REGION} by reason, from the stack's /metrics. */
    private static Map<String, Double> skippedCounts(String base) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base + "/metrics"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        Map<String, Double> out = new HashMap<>();
        Matcher m = SKIPPED.matcher(r.body());
        while (m.find()) {
            String labels = m.group(1);
            Matcher reason = Pattern.compile("reason=\"([^\"]*)\"").matcher(labels);
            if (labels.contains("region=\"" + REGION.code() + "\"") && reason.find()) {
                out.put(reason.group(1), Double.parseDouble(m.group(2)));
            }
        }
        return out;
    }
}
