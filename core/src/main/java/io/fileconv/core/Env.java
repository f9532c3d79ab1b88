package io.fileconv.core;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Reads the FILECONV_* settings (docs/CONFIGURATION.md) from a map, normally the process environment. */
public final class Env {
    private final Map<String, String> vars;

    public Env(Map<String, String> vars) {
        this.vars = vars;
    }

    /** The variables as given, for readers of a deployable's own settings (e.g. the operator's). */
    public Map<String, String> vars() {
        return Collections.unmodifiableMap(vars);
    }

    /** These variables with {@code more} over them. */
    public Env with(Map<String, String> more) {
        if (more.isEmpty()) {
            return this;
        }
        Map<String, String> all = new HashMap<>(vars);
        all.putAll(more);
        return new Env(all);
    }

    public static Env system() {
        return new Env(System.getenv());
    }

    public String get(String name, String def) {
        String v = vars.get(name);
        return v == null || v.isBlank() ? def : v.trim();
    }

    public String require(String name) {
        String v = get(name, null);
        if (v == null) {
            throw new IllegalStateException("missing required setting " + name);
        }
        return v;
    }

    public int getInt(String name, int def) {
        String v = get(name, null);
        try {
            return v == null ? def : Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalStateException(name + " must be an integer, got '" + v + "'");
        }
    }

    public long getLong(String name, long def) {
        String v = get(name, null);
        try {
            return v == null ? def : Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new IllegalStateException(name + " must be an integer, got '" + v + "'");
        }
    }

    /** A duration given in whole seconds. */
    public Duration getSeconds(String name, long def) {
        String v = get(name, Long.toString(def));
        try {
            return Duration.ofSeconds(Long.parseLong(v));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a number of seconds, got '" + v + "'", e);
        }
    }

    public boolean getBool(String name, boolean def) {
        String v = get(name, null);
        return v == null ? def : Boolean.parseBoolean(v);
    }

    public List<Region> regions() {
        return Arrays.stream(get("FILECONV_REGIONS", "in,us,uk").split(",")).map(String::trim)
                .filter(s -> !s.isEmpty()).map(Region::fromCode).toList();
    }

    public String bucket(Region region) {
        return get("FILECONV_S3_BUCKET_" + region.name(), region.defaultBucket());
    }

    public ObjectStoreConfig objectStore() {
        String endpoint = get("FILECONV_S3_ENDPOINT", null);
        return new ObjectStoreConfig(endpoint == null ? null : URI.create(endpoint),
                get("FILECONV_S3_REGION", "us-east-1"), get("FILECONV_S3_ACCESS_KEY", null),
                get("FILECONV_S3_SECRET_KEY", null), getBool("FILECONV_S3_PATH_STYLE", true));
    }

    public String dbUrl() {
        return get("FILECONV_DB_URL", "jdbc:mysql://127.0.0.1:3306/");
    }

    /** The region's database server (FILECONV_DB_URL, _USER, _PASSWORD); the URL is checked here. */
    public DatabaseSettings regionalDatabase() {
        return new DatabaseSettings(withCa("FILECONV_DB_CA_FILE", get("FILECONV_DB_CA_FILE", null),
                JdbcBaseUrl.parse("FILECONV_DB_URL", dbUrl())), dbUser(), dbPassword());
    }

    /**
     * The global user directory's server: FILECONV_DIRECTORY_DB_URL, _USER, _PASSWORD, each defaulting to the
     * regional value (one server holds both in the embedded stack and in a single-cluster install).
     */
    public DatabaseSettings directoryDatabase() {
        return new DatabaseSettings(withCa("FILECONV_DIRECTORY_DB_CA_FILE",
                get("FILECONV_DIRECTORY_DB_CA_FILE", get("FILECONV_DB_CA_FILE", null)),
                JdbcBaseUrl.parse("FILECONV_DIRECTORY_DB_URL", get("FILECONV_DIRECTORY_DB_URL", dbUrl()))),
                get("FILECONV_DIRECTORY_DB_USER", dbUser()), get("FILECONV_DIRECTORY_DB_PASSWORD", dbPassword()));
    }

    /**
     * A PEM CA file (a mounted Secret's ca.crt) becomes Connector/J's trust store; without an sslMode in the URL the
     * server's certificate and host name are then verified (VERIFY_IDENTITY).
     */
    public static JdbcBaseUrl withCa(String setting, String caFile, JdbcBaseUrl url) {
        if (caFile == null) {
            return url;
        }
        if (url.hasOption("trustCertificateKeyStoreUrl")) {
            throw new IllegalStateException(setting + " and trustCertificateKeyStoreUrl in the database URL both name"
                    + " the server's CA: keep one");
        }
        Path store = PemTrustStore.toPkcs12(setting, Path.of(caFile));
        return url.withOptions((url.hasOption("sslMode") ? "" : "sslMode=VERIFY_IDENTITY&")
                + "trustCertificateKeyStoreUrl=" + store.toUri() + "&trustCertificateKeyStoreType=PKCS12"
                + "&trustCertificateKeyStorePassword=" + PemTrustStore.PASSWORD);
    }

    /** FILECONV_DB_MIGRATE: migrate the schemas at start (default) or wait until MigrateMain has. */
    public boolean migrateAtStart() {
        return strictBool("FILECONV_DB_MIGRATE", true);
    }

    /** true/false only: a typo must not silently turn migrations off or on. */
    public boolean strictBool(String name, boolean def) {
        String v = get(name, null);
        if (v == null) {
            return def;
        }
        if (v.equalsIgnoreCase("true") || v.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(v);
        }
        throw new IllegalStateException(name + " must be true or false, got '" + v + "'");
    }

    public String dbUser() {
        return get("FILECONV_DB_USER", "root");
    }

    public String dbPassword() {
        return get("FILECONV_DB_PASSWORD", "");
    }

    public String kafkaBootstrap() {
        return get("FILECONV_KAFKA_BOOTSTRAP", "127.0.0.1:9092");
    }
}
