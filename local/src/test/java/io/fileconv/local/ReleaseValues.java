package io.fileconv.local;

import com.marcnuri.helm.Helm;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fileconv.core.Region;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * Helm values that install charts/fileconv for the tests that run the packaged operator: the images built from this
 * checkout (never pulled), the operator only (the API runs beside the test) of one cell, India (the k3s test moves a
 * user into the UK as into another cell, through a migration target Secret), and where the infrastructure is as the
 * operator's pods see it. In the k3s cluster ({@link #inCluster}) that is selector-less Services named
 * {@code mariadb}, {@code kafka} and {@code s3} in front of containers, and the converters' NetworkPolicy is the
 * chart's own narrowed to the S3 container's address, so the test exercises it on a CNI that enforces it.
 */
record ReleaseValues(String imageTag, String dbUrl, String kafkaBootstrap, String s3Endpoint, String s3Cidr,
                     int s3Port, String converterMode, int maxJobs, int minJobs, int idleSeconds) {
    static final String NAMESPACE = "fileconv";
    static final String RELEASE = "fileconv";
    static final String DB_SECRET = "fileconv-db";
    static final String S3_SECRET = "fileconv-s3";

    /** The k3s test's view: Services in front of the containers, egress to the S3 container's address only. */
    /** One Job per file: the tests that follow a file through its own Job and pod. */
    ReleaseValues(String imageTag, String dbUrl, String kafkaBootstrap, String s3Endpoint, String s3Cidr, int s3Port) {
        this(imageTag, dbUrl, kafkaBootstrap, s3Endpoint, s3Cidr, s3Port, "perFile", 2, 0, 5);
    }

    ReleaseValues withConverterMode(String mode) {
        return new ReleaseValues(imageTag, dbUrl, kafkaBootstrap, s3Endpoint, s3Cidr, s3Port, mode, maxJobs, minJobs,
                idleSeconds);
    }

    /** converter.maxJobs: the most pooled converter Jobs alive at once. */
    ReleaseValues withMaxJobs(int jobs) {
        return new ReleaseValues(imageTag, dbUrl, kafkaBootstrap, s3Endpoint, s3Cidr, s3Port, converterMode, jobs,
                minJobs, idleSeconds);
    }

    /** converter.minJobs (Jobs kept alive without work) and converter.idleSeconds (a pod's idle life). */
    ReleaseValues withWarmJobs(int min, int idle) {
        return new ReleaseValues(imageTag, dbUrl, kafkaBootstrap, s3Endpoint, s3Cidr, s3Port, converterMode, maxJobs,
                min, idle);
    }

    static ReleaseValues inCluster(String imageTag, String s3Address, int s3Port, int kafkaPort) {
        return new ReleaseValues(imageTag, "jdbc:mysql://mariadb:3306/", "kafka:" + kafkaPort,
                "http://s3:" + s3Port, s3Address + "/32", s3Port);
    }

    String yaml() {
        return """
                image:
                  registry: docker.io
                  tag: %1$s
                  # Imported into k3s' containerd by the test; a pull would fail.
                  pullPolicy: Never
                # One cell: India. The UK is another cell, reached only by the RegionMigration's target Secret.
                regions:
                  - code: in
                    bucket: %2$s
                    replicas: 1
                database:
                  url: %3$s
                  existingSecret: %4$s
                s3:
                  endpoint: %5$s
                  region: us-east-1
                  pathStyle: true
                  existingSecret: %6$s
                kafka:
                  bootstrapServers: %7$s
                  # The test's Kafka is a plain broker container, not the strimzi/ chart's TLS + SCRAM listener.
                  securityProtocol: PLAINTEXT
                api:
                  enabled: false
                operator:
                  # Two replicas: leader election decides which one reconciles.
                  replicas: 2
                  finishedResourceTtlSeconds: 3600
                  # Short: the k3s test waits out both grace periods of its RegionMigration.
                  migrationGraceSeconds: 5
                converter:
                  mode: %11$s
                  # Pooled pods exit soon after the burst, so a test's pods end and free their office process.
                  idleSeconds: %14$d
                  minJobs: %13$d
                  maxJobs: %12$d
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
                    ports: [%8$d]
                    cidrs:
                      - cidr: %9$s
                  # The operator reaches the test's Kafka container (no Strimzi pod labels to select) on its port.
                  kafka:
                    ports: [%10$s]
                    to:
                      - ipBlock: {cidr: 10.0.0.0/8}
                      - ipBlock: {cidr: 172.16.0.0/12}
                      - ipBlock: {cidr: 192.168.0.0/16}
                """.formatted(imageTag, Region.IN.defaultBucket(), dbUrl, DB_SECRET, s3Endpoint,
                S3_SECRET, kafkaBootstrap, s3Port, s3Cidr,
                kafkaBootstrap.substring(kafkaBootstrap.lastIndexOf(':') + 1), converterMode, maxJobs, minJobs, idleSeconds);
    }

    Path write(Path dir) throws IOException {
        Files.createDirectories(dir);
        return Files.writeString(dir.resolve("k3s-values.yaml"), yaml());
    }

    /** `helm template` of the release with these values, parsed into fabric8 model objects. */
    List<HasMetadata> render(Path dir) throws IOException {
        String rendered = new Helm(chart()).template().withName(RELEASE).withNamespace(NAMESPACE)
                .withKubeVersion("1.31.4").withValuesFile(write(dir)).call();
        KubernetesSerialization serialization = new KubernetesSerialization();
        return Arrays.stream(rendered.split("(?m)^---\\s*$"))
                .filter(doc -> doc.lines().anyMatch(l -> l.startsWith("kind:")))
                .map(doc -> (HasMetadata) serialization.unmarshal(doc))
                .toList();
    }

    /** The repository root (failsafe sets fileconv.repo.root; the module directory's parent otherwise). */
    static Path repoRoot() {
        return Path.of(System.getProperty("fileconv.repo.root", "..")).toAbsolutePath().normalize();
    }

    static Path chart() {
        return repoRoot().resolve("charts").resolve("fileconv");
    }

    /** The existing Secrets the values name: the database user and the S3 keys (also given to converter Jobs). */
    static void createSecrets(KubernetesClient kube, String s3AccessKey, String s3SecretKey) {
        // data, not stringData: the mock API server stores what it gets, and readers decode data.
        kube.secrets().inNamespace(NAMESPACE).resource(new SecretBuilder().withNewMetadata().withName(DB_SECRET)
                .endMetadata().addToData("username", base64("root")).addToData("password", base64("")).build())
                .create();
        kube.secrets().inNamespace(NAMESPACE).resource(new SecretBuilder().withNewMetadata().withName(S3_SECRET)
                .endMetadata().addToData("accessKey", base64(s3AccessKey)).addToData("secretKey", base64(s3SecretKey))
                .build()).create();
    }

    private static String base64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }
}
