package io.fileconv.manifests;

import static org.assertj.core.api.Assertions.assertThat;

import io.debezium.connector.mysql.MySqlConnector;
import io.debezium.storage.kafka.history.KafkaSchemaHistory;
import io.fileconv.core.Region;
import io.strimzi.api.kafka.model.connector.KafkaConnector;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.json.JsonConverterConfig;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.transforms.RegexRouter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Each cell's KafkaConnector checked by the code that will run it: Debezium's MySqlConnector validates the config
 * with its own definitions (as Kafka Connect does before starting it), every key must be one that something reads
 * (Connect ignores unknown keys silently, so a typo would pass any schema), and the converter and router are
 * configured and applied as Connect would. Secret references are resolved the way Strimzi's config provider would,
 * with stand-in values.
 */
class ConnectorConfigTest {
    private static final Pattern PROVIDER_REF = Pattern.compile("\\$\\{strimzisecrets:[a-z0-9-]+/[a-z0-9.-]+:([a-z.]+)}");
    /** Stand-ins for the Secret keys the connector reads; port 1 on loopback is never served. */
    private static final Map<String, String> SECRET_VALUES = Map.of(
            "hostname", "127.0.0.1", "port", "1", "username", "debezium", "password", "secret",
            "sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"u\" password=\"p\";",
            "ca.crt", "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----");
    /** Keys read by the Connect worker itself rather than by the connector. */
    private static final Set<String> CONNECT_KEYS = Set.of("key.converter", "value.converter", "transforms");

    private static Map<String, String> resolvedConfig(Region region) {
        KafkaConnector connector = KafkaCellChart.objects(region.code()).stream().filter(KafkaConnector.class::isInstance)
                .map(KafkaConnector.class::cast).findFirst().orElseThrow();
        Map<String, String> out = new TreeMap<>();
        connector.getSpec().getConfig().forEach((k, v) -> {
            Matcher ref = PROVIDER_REF.matcher(String.valueOf(v));
            StringBuilder resolved = new StringBuilder();
            while (ref.find()) {
                assertThat(SECRET_VALUES).as("stand-in for Secret key %s", ref.group(1)).containsKey(ref.group(1));
                ref.appendReplacement(resolved, Matcher.quoteReplacement(SECRET_VALUES.get(ref.group(1))));
            }
            ref.appendTail(resolved);
            out.put(k, resolved.toString());
        });
        out.put("connector.class", connector.getSpec().getClassName());
        out.put("tasks.max", String.valueOf(connector.getSpec().getTasksMax()));
        out.put("name", connector.getMetadata().getName());
        return out;
    }

    @ParameterizedTest
    @EnumSource(Region.class)
    void mySqlConnectorAcceptsTheConfigAndGetsAsFarAsConnectingToTheDatabase(Region region) {
        Map<String, String> config = resolvedConfig(region);
        Map<String, ConfigValue> values = new TreeMap<>();
        new MySqlConnector().validate(config).configValues().forEach(v -> values.put(v.name(), v));
        Map<String, Object> errors = new TreeMap<>();
        values.forEach((name, v) -> {
            if (!v.errorMessages().isEmpty()) {
                errors.put(name, v.errorMessages());
            }
        });
        // Debezium checks the connection only once every field is valid; that is the one error expected here.
        assertThat(errors.keySet()).as("validation errors: %s", errors).containsExactly("database.hostname");
        assertThat(values.get("database.hostname").errorMessages()).allMatch(m -> m.startsWith("Unable to connect"));
    }

    @ParameterizedTest
    @EnumSource(Region.class)
    void everyKeyIsReadBySomething(Region region) {
        Set<String> connectorKeys = new MySqlConnector().config().configKeys().keySet();
        Set<String> historyKeys = new TreeSet<>();
        KafkaSchemaHistory.ALL_FIELDS.forEach(f -> historyKeys.add("schema.history.internal." + f.name().replaceFirst("^schema\\.history\\.internal\\.", "")));
        Set<String> unknown = new TreeSet<>();
        for (String key : resolvedConfig(region).keySet()) {
            if (connectorKeys.contains(key) || historyKeys.contains(key) || CONNECT_KEYS.contains(key)
                    || Set.of("connector.class", "tasks.max", "name").contains(key)) {
                continue;
            }
            if (key.startsWith("schema.history.internal.producer.")
                    && ProducerConfig.configNames().contains(key.substring("schema.history.internal.producer.".length()))) {
                continue;
            }
            if (key.startsWith("schema.history.internal.consumer.")
                    && ConsumerConfig.configNames().contains(key.substring("schema.history.internal.consumer.".length()))) {
                continue;
            }
            if ((key.startsWith("key.converter.") || key.startsWith("value.converter."))
                    && JsonConverterConfig.configDef().names().contains(key.substring(key.indexOf("converter.") + "converter.".length()))) {
                continue;
            }
            if (key.startsWith("transforms.route.") && (key.equals("transforms.route.type")
                    || new RegexRouter<SourceRecord>().config().names().contains(key.substring("transforms.route.".length())))) {
                continue;
            }
            unknown.add(key);
        }
        assertThat(unknown).as("keys nothing reads (typos Connect would ignore)").isEmpty();
    }

    @ParameterizedTest
    @EnumSource(Region.class)
    void convertersAndTheRouterWorkAsConnectWouldRunThem(Region region) {
        Map<String, String> config = resolvedConfig(region);
        for (String side : new String[] {"key", "value"}) {
            assertThat(config.get(side + ".converter")).isEqualTo(JsonConverter.class.getName());
            Map<String, String> sub = new HashMap<>();
            config.forEach((k, v) -> {
                if (k.startsWith(side + ".converter.")) {
                    sub.put(k.substring((side + ".converter.").length()), v);
                }
            });
            try (JsonConverter converter = new JsonConverter()) {
                converter.configure(sub, side.equals("key"));
                byte[] json = converter.fromConnectData("t", null, Map.of("status", "UPLOADED"));
                // Schemaless: the bare envelope the dispatcher parses, no {"schema":..,"payload":..} wrapper.
                assertThat(new String(json)).isEqualTo("{\"status\":\"UPLOADED\"}");
            }
        }
        assertThat(config.get("transforms")).isEqualTo("route");
        assertThat(config.get("transforms.route.type")).isEqualTo(RegexRouter.class.getName());
        Map<String, String> routeConfig = new HashMap<>();
        config.forEach((k, v) -> {
            if (k.startsWith("transforms.route.") && !k.equals("transforms.route.type")) {
                routeConfig.put(k.substring("transforms.route.".length()), v);
            }
        });
        try (RegexRouter<SourceRecord> router = new RegexRouter<>()) {
            router.configure(routeConfig);
            String debeziumTopic = config.get("topic.prefix") + "." + region.database() + ".files";
            assertThat(router.apply(new SourceRecord(null, null, debeziumTopic, null, null)).topic()).isEqualTo(region.filesTopic());
            String heartbeats = "__debezium-heartbeat." + config.get("topic.prefix");
            assertThat(router.apply(new SourceRecord(null, null, heartbeats, null, null)).topic()).isEqualTo(heartbeats);
        }
    }
}
