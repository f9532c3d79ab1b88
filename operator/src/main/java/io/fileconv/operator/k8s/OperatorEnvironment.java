package io.fileconv.operator.k8s;

import io.fileconv.core.Env;
import io.fileconv.core.Region;
import io.fileconv.operator.k8s.job.ConverterJobSettings;
import io.fileconv.pipeline.retention.RetentionSweep;
import io.fileconv.pipeline.sweep.ConversionSweeper;
import io.fileconv.pipeline.work.PoolSettings;

import java.time.Duration;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Reads the operator's settings from environment variables (docs/CONFIGURATION.md, "Operator"). */
public final class OperatorEnvironment {
    private final Map<String, String> env;
    /** The settings every deployable shares (database, regions, S3) are read by core's {@link Env}, once. */
    private final Env common;

    public OperatorEnvironment(Map<String, String> env) {
        this.env = env;
        this.common = new Env(env);
    }

    /** @param defaultNamespace the namespace the client runs in (the pod's), used when none is configured */
    public OperatorSettings settings(String defaultNamespace) {
        String namespace = get("FILECONV_OPERATOR_NAMESPACE", defaultNamespace == null ? "default" : defaultNamespace);
        OperatorSettings.LeaderElection leaderElection = bool("FILECONV_LEADER_ELECTION", true)
                ? OperatorSettings.LeaderElection.defaults(get("HOSTNAME", null)) : null;
        return new OperatorSettings(namespace, seconds("FILECONV_FINISHED_TTL_SECONDS", 600), leaderElection,
                converterJob(), pool());
    }

    /** The leader's sweeper of stuck rows (ConversionSweeper.Settings#from). */
    public ConversionSweeper.Settings sweeper() {
        return ConversionSweeper.Settings.from(common);
    }

    /** The leader's retention job (RetentionSweep.Settings#from). */
    public RetentionSweep.Settings retention() {
        return RetentionSweep.Settings.from(common);
    }

    /** FILECONV_CONVERTER_MODE: {@code pool} (default) or {@code perFile} (null: one Job per FileConversion). */
    PoolSettings pool() {
        String mode = get("FILECONV_CONVERTER_MODE", "pool");
        if (mode.equals("perFile")) {
            return null;
        }
        if (!mode.equals("pool")) {
            throw new IllegalArgumentException("FILECONV_CONVERTER_MODE must be pool or perFile, got '" + mode + "'");
        }
        return new PoolSettings(
                integer("FILECONV_WORK_PORT", 8081),
                get("FILECONV_WORK_SERVICE_URL", "http://fileconv-operator-work:8081"),
                seconds("FILECONV_WORK_LEASE_SECONDS", 30),
                integer("FILECONV_CONVERTER_MIN_JOBS", 0),
                integer("FILECONV_CONVERTER_MAX_JOBS", 4),
                seconds("FILECONV_CONVERTER_IDLE_SECONDS", 60),
                integer("FILECONV_WORK_MAX_LEASE_LOSSES", 3),
                common.getLong("FILECONV_WORK_LARGE_BYTES", 10L << 20),
                seconds("FILECONV_CONVERTER_LIFETIME_SECONDS", 3600),
                get("FILECONV_CONVERTER_WORK_DIR", "/work"),
                get("FILECONV_CONVERTER_STORAGE_LIMIT", "2Gi"),
                get("FILECONV_CONVERTER_STORAGE_REQUEST", "256Mi"),
                integer("FILECONV_CONVERTER_BACKOFF_LIMIT", 2));
    }

    private int integer(String name, int fallback) {
        String v = get(name, Integer.toString(fallback));
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a whole number, got '" + v + "'", e);
        }
    }

    ConverterJobSettings converterJob() {
        String image = get("FILECONV_CONVERTER_IMAGE", null);
        if (image == null) {
            throw new IllegalArgumentException("FILECONV_CONVERTER_IMAGE is required (the converter image to run)");
        }
        return new ConverterJobSettings(
                image,
                get("FILECONV_CONVERTER_PULL_POLICY", "IfNotPresent"),
                // Not FILECONV_TIMEOUT_SECONDS: in the operator's environment that would read as an operator
                // timeout; the Job receives the value under that name (the converter's contract).
                seconds("FILECONV_CONVERTER_TIMEOUT_SECONDS", 120),
                seconds("FILECONV_CONVERTER_DEADLINE_SECONDS", 300),
                seconds("FILECONV_CONVERTER_JOB_TTL_SECONDS", 3600),
                get("FILECONV_CONVERTER_CPU_REQUEST", "500m"),
                get("FILECONV_CONVERTER_CPU_LIMIT", "1"),
                get("FILECONV_CONVERTER_MEMORY_REQUEST", "768Mi"),
                get("FILECONV_CONVERTER_MEMORY_LIMIT", "1536Mi"),
                unlessBlanked("FILECONV_CONVERTER_S3_SECRET", "fileconv-s3"),
                get("FILECONV_S3_ENDPOINT", null),
                get("FILECONV_S3_REGION", "us-east-1"),
                bool("FILECONV_S3_PATH_STYLE", true),
                get("FILECONV_CONVERTER_SERVICE_ACCOUNT", null),
                list("FILECONV_CONVERTER_PULL_SECRETS"));
    }

    /**
     * FILECONV_CONVERTER_S3_ENDPOINT: the S3 address converter pods use, when it is not the operator's own
     * (presigned URLs sign the host); null = FILECONV_S3_ENDPOINT.
     */
    public String converterS3Endpoint() {
        return get("FILECONV_CONVERTER_S3_ENDPOINT", null);
    }

    /** The settings every deployable shares (database, regions, buckets, S3). */
    public Env common() {
        return common;
    }

    public Set<Region> regions() {
        return EnumSet.copyOf(common.regions());
    }

    /** Port of /healthz and /readyz. */
    public int port() {
        String v = get("FILECONV_PORT", "8080");
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("FILECONV_PORT must be a port number, got '" + v + "'", e);
        }
    }

    public String dbUrl() {
        return common.dbUrl();
    }

    public String dbUser() {
        return common.dbUser();
    }

    public String dbPassword() {
        return common.dbPassword();
    }

    /** Unset or blank: the fallback. */
    String get(String name, String fallback) {
        return common.get(name, fallback);
    }

    /** Unset: the fallback; set but blank: nothing (turns an optional feature off). */
    private String unlessBlanked(String name, String fallback) {
        if (!env.containsKey(name)) {
            return fallback;
        }
        return get(name, null);
    }

    /** Comma-separated; unset or blank = empty. */
    private List<String> list(String name) {
        return Arrays.stream(get(name, "").split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    private boolean bool(String name, boolean fallback) {
        return Boolean.parseBoolean(get(name, Boolean.toString(fallback)));
    }

    private Duration seconds(String name, long fallback) {
        String v = get(name, Long.toString(fallback));
        try {
            return Duration.ofSeconds(Long.parseLong(v));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a number of seconds, got '" + v + "'", e);
        }
    }
}
