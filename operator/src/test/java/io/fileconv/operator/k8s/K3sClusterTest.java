package io.fileconv.operator.k8s;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fileconv.core.ConversionRequest;
import io.fileconv.core.Region;
import io.fileconv.operator.k8s.crd.FileConversion;
import io.fileconv.operator.k8s.crd.FileConversionPhase;
import io.fileconv.operator.k8s.reconciler.InMemoryStatusSink;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.k3s.K3sContainer;
import org.testcontainers.utility.DockerImageName;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static io.fileconv.operator.k8s.OperatorTestSupport.NAMESPACE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The operator against a real API server (k3s in a container): the committed CRDs install and validate, and a
 * FileConversion gets its Job. Needs a Docker engine; without one it is reported as skipped with the reason.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class K3sClusterTest {
    private static final DockerImageName K3S = DockerImageName.parse("rancher/k3s:v1.31.4-k3s1");

    /** Per test (not @BeforeAll) so that the report counts the test as skipped, with this reason. */
    @BeforeEach
    void requireDocker() {
        assumeTrue(DockerClientFactory.instance().isDockerAvailable(),
                "skipped: no Docker engine reachable, so no k3s cluster can be started here"
                        + " (this test runs wherever Docker exists)");
    }

    @Test
    void committedCrdsInstallAndTheOperatorCreatesAJob() throws IOException {
        try (K3sContainer k3s = new K3sContainer(K3S)) {
            k3s.start();
            try (KubernetesClient client = new KubernetesClientBuilder()
                    .withConfig(Config.fromKubeconfig(k3s.getKubeConfigYaml())).build()) {
                installCrds(client);
                client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NAMESPACE)
                        .endMetadata().build()).create();

                InMemoryStatusSink sink = new InMemoryStatusSink();
                try (FileconvOperator operator = new FileconvOperator(client,
                        OperatorTestSupport.settings(Duration.ofHours(1)), sink, () -> { })) {
                    operator.start();
                    ConversionRequest request = OperatorTestSupport.request(Region.IN, 1);
                    new KubernetesLauncher(client, NAMESPACE).launch(request);

                    await().atMost(Duration.ofMinutes(1)).until(() -> job(client, request) != null);
                    Job job = job(client, request);
                    assertThat(job.getMetadata().getOwnerReferences()).singleElement()
                            .satisfies(o -> assertThat(o.getKind()).isEqualTo("FileConversion"));
                    await().atMost(Duration.ofMinutes(1)).until(() -> {
                        FileConversion fc = OperatorTestSupport.conversion(client, request.resourceName());
                        return fc.getStatus() != null && fc.getStatus().getPhase() != null
                                && fc.getStatus().getPhase() != FileConversionPhase.Failed;
                    });

                    // The CEL rule of the CRD: a PDF may not leave its region's bucket.
                    FileConversion bad = KubernetesLauncher.toResource(OperatorTestSupport.request(Region.IN, 1));
                    bad.getSpec().getOutput().setBucket("elsewhere");
                    assertThatThrownBy(() -> client.resources(FileConversion.class).inNamespace(NAMESPACE)
                            .resource(bad).create())
                            .isInstanceOf(KubernetesClientException.class)
                            .hasMessageContaining("input's bucket");
                }
            }
        }
    }

    private static Job job(KubernetesClient client, ConversionRequest request) {
        return client.batch().v1().jobs().inNamespace(NAMESPACE).withName(request.resourceName()).get();
    }

    private static void installCrds(KubernetesClient client) throws IOException {
        Path crds = Path.of(System.getProperty("basedir", "."), "..", "crds");
        List<Path> files;
        try (Stream<Path> list = Files.list(crds)) {
            files = list.filter(p -> p.toString().endsWith(".yml")).toList();
        }
        for (Path file : files) {
            try (InputStream in = Files.newInputStream(file)) {
                CustomResourceDefinition crd = client.apiextensions().v1().customResourceDefinitions().load(in).item();
                client.apiextensions().v1().customResourceDefinitions().resource(crd).create();
                client.apiextensions().v1().customResourceDefinitions().withName(crd.getMetadata().getName())
                        .waitUntilCondition(c -> c.getStatus() != null && c.getStatus().getConditions().stream()
                                .anyMatch(s -> "Established".equals(s.getType()) && "True".equals(s.getStatus())),
                                1, TimeUnit.MINUTES);
            }
        }
    }
}
