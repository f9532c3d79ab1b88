package io.fileconv.local;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The release K3sClusterIT installs, rendered here without a cluster: the values pass the chart's schema and
 * produce the operator-only install the test relies on. Where Docker is missing the IT is skipped; this part of it
 * still runs.
 */
class ReleaseValuesTest {
    @Test
    void theTestReleaseIsTheOperatorOnlyWithLocalImagesAndInClusterEndpoints(@TempDir Path dir) throws Exception {
        ReleaseValues values = ReleaseValues.inCluster("k3s-test", "172.18.0.7", 9000, 19092);
        List<HasMetadata> objects = values.render(dir);

        List<Deployment> deployments = objects.stream().filter(Deployment.class::isInstance)
                .map(Deployment.class::cast).toList();
        assertThat(deployments).as("api.enabled=false leaves the operator alone").singleElement()
                .satisfies(d -> assertThat(d.getSpec().getReplicas()).isEqualTo(2));
        Container operator = deployments.get(0).getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(operator.getImage()).isEqualTo("docker.io/fileconv/operator:k3s-test");
        assertThat(operator.getImagePullPolicy()).isEqualTo("Never");
        Map<String, String> env = new LinkedHashMap<>();
        operator.getEnv().forEach(e -> env.put(e.getName(), e.getValue()));
        assertThat(env).as("one cell: nothing of the UK").containsEntry("FILECONV_REGIONS", "in")
                .doesNotContainKey("FILECONV_S3_BUCKET_UK")
                .containsEntry("FILECONV_DB_URL", "jdbc:mysql://mariadb:3306/")
                .containsEntry("FILECONV_KAFKA_BOOTSTRAP", "kafka:19092")
                .containsEntry("FILECONV_S3_ENDPOINT", "http://s3:9000")
                .containsEntry("FILECONV_S3_BUCKET_IN", "fileconv-in")
                .containsEntry("FILECONV_CONVERTER_IMAGE", "docker.io/fileconv/converter:k3s-test")
                .containsEntry("FILECONV_CONVERTER_PULL_POLICY", "Never")
                .containsEntry("FILECONV_MIGRATION_GRACE_SECONDS", "5")
                .containsEntry("FILECONV_MIGRATION_DRAIN_TIMEOUT_SECONDS", "1800")
                .containsEntry("FILECONV_CONVERTER_S3_SECRET", ReleaseValues.S3_SECRET);

        assertThat(env).containsEntry("FILECONV_KAFKA_SECURITY_PROTOCOL", "PLAINTEXT").doesNotContainKey("FILECONV_KAFKA_PASSWORD");
        NetworkPolicy policy = objects.stream().filter(NetworkPolicy.class::isInstance).map(NetworkPolicy.class::cast)
                .filter(p -> p.getMetadata().getName().endsWith("-converter")).findFirst().orElseThrow();
        NetworkPolicy operatorPolicy = objects.stream().filter(NetworkPolicy.class::isInstance).map(NetworkPolicy.class::cast)
                .filter(p -> p.getMetadata().getName().endsWith("-operator")).findFirst().orElseThrow();
        assertThat(operatorPolicy.getSpec().getEgress()).anySatisfy(r -> assertThat(r.getPorts())
                .anySatisfy(p -> assertThat(p.getPort().getIntVal()).isEqualTo(19092)));
        NetworkPolicyEgressRule s3 = policy.getSpec().getEgress().stream()
                .filter(r -> r.getTo().stream().anyMatch(p -> p.getIpBlock() != null)).findFirst().orElseThrow();
        assertThat(s3.getTo()).singleElement().satisfies(p -> {
            assertThat(p.getIpBlock().getCidr()).isEqualTo("172.18.0.7/32");
            assertThat(p.getIpBlock().getExcept()).isNullOrEmpty();
        });
        assertThat(s3.getPorts()).singleElement().satisfies(p -> assertThat(p.getPort().getIntVal()).isEqualTo(9000));
        assertThat(objects).as("nothing the test cluster cannot run (no Prometheus Operator CRDs there)")
                .noneMatch(o -> o.getApiVersion().startsWith("monitoring.coreos.com"));
    }
}
