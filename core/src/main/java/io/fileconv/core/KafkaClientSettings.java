package io.fileconv.core;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * How fileconv's Kafka clients reach and authenticate to the brokers, from FILECONV_KAFKA_* (docs/CONFIGURATION.md):
 * the bootstrap servers, the security protocol, SASL/SCRAM credentials (a Strimzi KafkaUser's Secret) and the CA
 * that signed the brokers' certificates (Strimzi's {@code <cluster>-cluster-ca-cert}, key {@code ca.crt}, a PEM
 * file). {@link #clientProperties()} is the part every client (consumer, producer, admin) shares. An incomplete or
 * contradictory combination fails at start with the variable to fix, never at the first poll.
 */
public final class KafkaClientSettings {
    static final Set<String> PROTOCOLS = Set.of("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL");
    static final Map<String, String> LOGIN_MODULES = Map.of(
            "SCRAM-SHA-512", "org.apache.kafka.common.security.scram.ScramLoginModule",
            "SCRAM-SHA-256", "org.apache.kafka.common.security.scram.ScramLoginModule",
            "PLAIN", "org.apache.kafka.common.security.plain.PlainLoginModule");

    private final String bootstrap;
    private final String protocol;
    private final String mechanism;
    private final String username;
    private final String password;
    private final Path truststore;

    private KafkaClientSettings(String bootstrap, String protocol, String mechanism, String username, String password,
                                Path truststore) {
        this.bootstrap = bootstrap;
        this.protocol = protocol;
        this.mechanism = mechanism;
        this.username = username;
        this.password = password;
        this.truststore = truststore;
    }

    /** Reads and checks the FILECONV_KAFKA_* settings; IllegalStateException naming the variable otherwise. */
    public static KafkaClientSettings from(Env env) {
        String bootstrap = env.kafkaBootstrap();
        String protocol = env.get("FILECONV_KAFKA_SECURITY_PROTOCOL", "PLAINTEXT").toUpperCase(Locale.ROOT);
        if (!PROTOCOLS.contains(protocol)) {
            throw new IllegalStateException("FILECONV_KAFKA_SECURITY_PROTOCOL must be one of PLAINTEXT, SSL,"
                    + " SASL_SSL, SASL_PLAINTEXT, got '" + protocol + "'");
        }
        boolean sasl = protocol.startsWith("SASL_");
        boolean tls = protocol.endsWith("SSL");
        String mechanism = env.get("FILECONV_KAFKA_SASL_MECHANISM", "SCRAM-SHA-512").toUpperCase(Locale.ROOT);
        String username = env.get("FILECONV_KAFKA_USERNAME", null);
        String password = env.get("FILECONV_KAFKA_PASSWORD", null);
        String truststore = env.get("FILECONV_KAFKA_TRUSTSTORE_FILE", null);
        if (sasl) {
            if (!LOGIN_MODULES.containsKey(mechanism)) {
                throw new IllegalStateException("FILECONV_KAFKA_SASL_MECHANISM must be one of SCRAM-SHA-512,"
                        + " SCRAM-SHA-256, PLAIN, got '" + mechanism + "'");
            }
            if (username == null || password == null) {
                throw new IllegalStateException("FILECONV_KAFKA_SECURITY_PROTOCOL=" + protocol + " needs "
                        + (username == null && password == null ? "FILECONV_KAFKA_USERNAME and FILECONV_KAFKA_PASSWORD"
                        : username == null ? "FILECONV_KAFKA_USERNAME" : "FILECONV_KAFKA_PASSWORD")
                        + " (the KafkaUser's name and the password from its Secret)");
            }
            if (mechanism.equals("PLAIN") && !tls) {
                throw new IllegalStateException("FILECONV_KAFKA_SASL_MECHANISM=PLAIN sends the password in clear text:"
                        + " use it with SASL_SSL only, or use SCRAM-SHA-512");
            }
        } else if (username != null || password != null) {
            throw new IllegalStateException("FILECONV_KAFKA_USERNAME/FILECONV_KAFKA_PASSWORD are set but"
                    + " FILECONV_KAFKA_SECURITY_PROTOCOL=" + protocol + " does not authenticate with them: set it to"
                    + " SASL_SSL (or SASL_PLAINTEXT)");
        }
        Path trust = null;
        if (truststore != null) {
            if (!tls) {
                throw new IllegalStateException("FILECONV_KAFKA_TRUSTSTORE_FILE is set but"
                        + " FILECONV_KAFKA_SECURITY_PROTOCOL=" + protocol + " does not use TLS: set it to SSL or"
                        + " SASL_SSL");
            }
            trust = Path.of(truststore);
            if (!Files.isReadable(trust)) {
                throw new IllegalStateException("FILECONV_KAFKA_TRUSTSTORE_FILE " + trust + " is not a readable file"
                        + " (mount the PEM CA certificate, e.g. ca.crt of the Secret <cluster>-cluster-ca-cert)");
            }
        }
        return new KafkaClientSettings(bootstrap, protocol, mechanism, username, password, trust);
    }

    public String bootstrap() {
        return bootstrap;
    }

    public String securityProtocol() {
        return protocol;
    }

    /** The user the brokers see, for messages (null without SASL). */
    public String username() {
        return protocol.startsWith("SASL_") ? username : null;
    }

    public String saslMechanism() {
        return protocol.startsWith("SASL_") ? mechanism : null;
    }

    /** bootstrap.servers and the security settings, with Kafka's own property names. */
    public Map<String, Object> clientProperties() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("bootstrap.servers", bootstrap);
        p.put("security.protocol", protocol);
        if (protocol.startsWith("SASL_")) {
            p.put("sasl.mechanism", mechanism);
            p.put("sasl.jaas.config", LOGIN_MODULES.get(mechanism) + " required username=\"" + jaasQuote(username)
                    + "\" password=\"" + jaasQuote(password) + "\";");
        }
        if (truststore != null) {
            // A PEM file is read by Kafka itself (ssl.truststore.type=PEM, KIP-651): no keytool step in the image.
            p.put("ssl.truststore.type", "PEM");
            p.put("ssl.truststore.location", truststore.toAbsolutePath().toString());
        }
        return p;
    }

    /** JAAS values are double-quoted strings; Kafka's JaasConfig tokenizer honours backslash escapes in them. */
    static String jaasQuote(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    @Override
    public String toString() {
        return "Kafka[" + bootstrap + ", " + protocol + (username() == null ? "" : ", " + mechanism + " user "
                + username) + (truststore == null ? "" : ", CA " + truststore) + "]";
    }
}
