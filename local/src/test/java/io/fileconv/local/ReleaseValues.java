package io.fileconv.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Helm values that install charts/fileconv into the k3s test cluster: the images built from this checkout (never
 * pulled), the operator only (the API runs beside the test), and the cluster's view of the infrastructure, which
 * lives in containers next to k3s and is reached through selector-less Services named {@code mariadb}, {@code kafka}
 * and {@code s3}. The converters' NetworkPolicy is the chart's own, narrowed to the S3 container's address, so the
 * test exercises it on a CNI that enforces it.
 */
record ReleaseValues(String imageTag, String s3Address, int s3Port, int kafkaPort) {
    static final String NAMESPACE = "fileconv";
    static final String RELEASE = "fileconv";
    static final String DB_SECRET = "fileconv-db";
    static final String S3_SECRET = "fileconv-s3";

    String yaml() {
        return """
                image:
                  registry: docker.io
                  tag: %1$s
                  # Imported into k3s' containerd by the test; a pull would fail.
                  pullPolicy: Never
                regions:
                  - code: in
                    bucket: %2$s
                    replicas: 1
                database:
                  url: jdbc:mariadb://mariadb:3306/
                  existingSecret: %3$s
                s3:
                  endpoint: http://s3:%4$d
                  region: us-east-1
                  pathStyle: true
                  existingSecret: %5$s
                kafka:
                  bootstrapServers: kafka:%6$d
                api:
                  enabled: false
                operator:
                  # Two replicas: leader election decides which one reconciles.
                  replicas: 2
                  finishedResourceTtlSeconds: 3600
                converter:
                  timeoutSeconds: 120
                  activeDeadlineSeconds: 300
                  ttlSecondsAfterFinished: 3600
                  # Small enough for a CI runner's node; the limit is the chart's default.
                  resources:
                    requests: {cpu: 250m, memory: 512Mi}
                    limits: {cpu: "2", memory: 1536Mi}
                networkPolicy:
                  enabled: true
                  s3:
                    ports: [%4$d]
                    cidrs:
                      - cidr: %7$s/32
                """.formatted(imageTag, io.fileconv.core.Region.IN.defaultBucket(), DB_SECRET, s3Port, S3_SECRET,
                kafkaPort, s3Address);
    }

    Path write(Path dir) throws IOException {
        Files.createDirectories(dir);
        return Files.writeString(dir.resolve("k3s-values.yaml"), yaml());
    }

    static Path chart() {
        return Path.of(System.getProperty("fileconv.repo.root", ".."), "charts", "fileconv").toAbsolutePath().normalize();
    }
}
