package io.fileconv.core;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The property mapping and every refused combination; the SCRAM login itself: KafkaSecurityTest (local). */
class KafkaClientSettingsTest {
    @TempDir
    Path dir;

    private static KafkaClientSettings from(String... kv) {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return KafkaClientSettings.from(new Env(m));
    }

    @Test
    void plaintextByDefault() {
        assertThat(from("FILECONV_KAFKA_BOOTSTRAP", "kafka:9092").clientProperties())
                .containsExactlyInAnyOrderEntriesOf(Map.of("bootstrap.servers", "kafka:9092",
                        "security.protocol", "PLAINTEXT"));
    }

    @Test
    void saslSslWithScramAndThePemCaOfTheCluster() throws Exception {
        Path ca = Files.writeString(dir.resolve("ca.crt"), "-----BEGIN CERTIFICATE-----\n");
        Map<String, Object> p = from("FILECONV_KAFKA_BOOTSTRAP", "fileconv-kafka-bootstrap:9093",
                "FILECONV_KAFKA_SECURITY_PROTOCOL", "sasl_ssl", "FILECONV_KAFKA_USERNAME", "fileconv-operator",
                "FILECONV_KAFKA_PASSWORD", "p\"w\\d", "FILECONV_KAFKA_TRUSTSTORE_FILE", ca.toString())
                .clientProperties();
        assertThat(p).containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
                .containsEntry("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required"
                        + " username=\"fileconv-operator\" password=\"p\\\"w\\\\d\";")
                .containsEntry("ssl.truststore.type", "PEM")
                .containsEntry("ssl.truststore.location", ca.toAbsolutePath().toString());
    }

    @Test
    void tlsWithoutACaFileUsesTheJvmTruststore() {
        assertThat(from("FILECONV_KAFKA_SECURITY_PROTOCOL", "SSL").clientProperties())
                .containsEntry("security.protocol", "SSL").doesNotContainKeys("ssl.truststore.location",
                        "sasl.jaas.config");
    }

    @Test
    void incompleteOrContradictoryCombinationsAreRefusedAtStart() {
        assertThatThrownBy(() -> from("FILECONV_KAFKA_SECURITY_PROTOCOL", "TLS"))
                .hasMessageContaining("FILECONV_KAFKA_SECURITY_PROTOCOL must be one of");
        assertThatThrownBy(() -> from("FILECONV_KAFKA_SECURITY_PROTOCOL", "SASL_SSL"))
                .hasMessageContaining("needs FILECONV_KAFKA_USERNAME and FILECONV_KAFKA_PASSWORD");
        assertThatThrownBy(() -> from("FILECONV_KAFKA_SECURITY_PROTOCOL", "SASL_SSL", "FILECONV_KAFKA_USERNAME", "u"))
                .hasMessageContaining("needs FILECONV_KAFKA_PASSWORD");
        assertThatThrownBy(() -> from("FILECONV_KAFKA_SECURITY_PROTOCOL", "SASL_SSL", "FILECONV_KAFKA_USERNAME", "u",
                "FILECONV_KAFKA_PASSWORD", "p", "FILECONV_KAFKA_SASL_MECHANISM", "GSSAPI"))
                .hasMessageContaining("FILECONV_KAFKA_SASL_MECHANISM must be one of");
        assertThatThrownBy(() -> from("FILECONV_KAFKA_SECURITY_PROTOCOL", "SASL_PLAINTEXT", "FILECONV_KAFKA_USERNAME",
                "u", "FILECONV_KAFKA_PASSWORD", "p", "FILECONV_KAFKA_SASL_MECHANISM", "PLAIN"))
                .hasMessageContaining("PLAIN sends the password in clear text");
        assertThatThrownBy(() -> from("FILECONV_KAFKA_USERNAME", "u", "FILECONV_KAFKA_PASSWORD", "p"))
                .hasMessageContaining("FILECONV_KAFKA_SECURITY_PROTOCOL=PLAINTEXT does not authenticate");
        assertThatThrownBy(() -> from("FILECONV_KAFKA_TRUSTSTORE_FILE", "/ca.crt"))
                .hasMessageContaining("FILECONV_KAFKA_SECURITY_PROTOCOL=PLAINTEXT does not use TLS");
        assertThatThrownBy(() -> from("FILECONV_KAFKA_SECURITY_PROTOCOL", "SSL", "FILECONV_KAFKA_TRUSTSTORE_FILE",
                dir.resolve("missing.crt").toString()))
                .hasMessageContaining("is not a readable file");
    }
}
