package io.fileconv.core;

import java.util.Arrays;
import java.util.Locale;

/** The three data-residency cells. Names of every per-region resource derive from the code, in one place. */
public enum Region {
    IN, US, UK;

    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** MySQL database (schema) holding this region's files and consumer offsets. */
    public String database() {
        return "fileconv_" + code();
    }

    /** Default bucket name; deployments may override it in config. */
    public String defaultBucket() {
        return "fileconv-" + code();
    }

    /** Kafka topic carrying the change events of this region's files table (same name in every deployment). */
    public String filesTopic() {
        return "fileconv." + code() + ".files";
    }

    public static Region fromCode(String code) {
        if (code == null) {
            throw new IllegalArgumentException("region is required (one of in, us, uk)");
        }
        return Arrays.stream(values())
                .filter(r -> r.code().equalsIgnoreCase(code.trim()))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown region '" + code + "' (one of in, us, uk)"));
    }

    public static Region fromTopic(String topic) {
        return Arrays.stream(values()).filter(r -> r.filesTopic().equals(topic)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("not a files topic: " + topic));
    }
}
