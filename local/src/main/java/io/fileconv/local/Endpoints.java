package io.fileconv.local;

import io.fileconv.core.Env;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/**
 * Where the embedded infrastructure listens, written to {@code <data dir>/endpoints.properties} once it is up.
 * Other processes of the same machine (the `worker` and `api` commands, `fileconv retry`, the fault tests) read it
 * and get the same FILECONV_* settings a Kubernetes deployment would get from the chart.
 */
public record Endpoints(String jdbcBase, String kafkaBootstrap, URI s3Endpoint, String s3AccessKey, String s3SecretKey) {

    static Path file(Path dataDir) {
        return dataDir.resolve("endpoints.properties");
    }

    /** The FILECONV_* settings that reach this infrastructure. */
    Properties settings() {
        Properties p = new Properties();
        p.setProperty("FILECONV_DB_URL", jdbcBase);
        p.setProperty("FILECONV_DB_USER", "root");
        p.setProperty("FILECONV_DB_PASSWORD", "");
        p.setProperty("FILECONV_KAFKA_BOOTSTRAP", kafkaBootstrap);
        p.setProperty("FILECONV_S3_ENDPOINT", s3Endpoint.toString());
        p.setProperty("FILECONV_S3_ACCESS_KEY", s3AccessKey);
        p.setProperty("FILECONV_S3_SECRET_KEY", s3SecretKey);
        p.setProperty("FILECONV_S3_REGION", "us-east-1");
        p.setProperty("FILECONV_S3_PATH_STYLE", "true");
        return p;
    }

    void write(Path dataDir) throws IOException {
        Path tmp = dataDir.resolve("endpoints.properties.tmp");
        try (Writer w = Files.newBufferedWriter(tmp)) {
            settings().store(w, "written by the embedded infrastructure; valid while it runs");
        }
        Files.move(tmp, file(dataDir), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** The settings as an {@link Env} for this process, with the process environment as fallback. */
    Env env() {
        return withProcessEnvironment(settings());
    }

    /** The settings as an {@link Env}, with the process environment as fallback for everything else. */
    static Env readEnv(Path dataDir) throws IOException {
        Path f = file(dataDir);
        if (!Files.exists(f)) {
            throw new IOException("no running stack found (" + f + " missing): start ./fileconv up first");
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(f)) {
            p.load(r);
        }
        return withProcessEnvironment(p);
    }

    private static Env withProcessEnvironment(Properties p) {
        Map<String, String> vars = new HashMap<>(System.getenv());
        p.stringPropertyNames().forEach(k -> vars.put(k, p.getProperty(k)));
        return new Env(vars);
    }
}
