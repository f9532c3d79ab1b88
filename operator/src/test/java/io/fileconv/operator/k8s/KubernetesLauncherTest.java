package io.fileconv.operator.k8s;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fileconv.core.ConversionRequest;
import io.fileconv.core.Region;
import io.fileconv.operator.k8s.crd.FileConversion;
import org.junit.jupiter.api.Test;

import static io.fileconv.operator.k8s.OperatorTestSupport.NAMESPACE;
import static org.assertj.core.api.Assertions.assertThat;

@EnableKubernetesMockClient(crud = true)
class KubernetesLauncherTest {
    KubernetesClient client;

    @Test
    void launchingTwiceCreatesOneConversion() {
        KubernetesLauncher launcher = new KubernetesLauncher(client, NAMESPACE);
        ConversionRequest request = OperatorTestSupport.request(Region.UK, 3);
        launcher.launch(request);
        launcher.launch(request);

        assertThat(client.resources(FileConversion.class).inNamespace(NAMESPACE).list().getItems())
                .singleElement().satisfies(fc -> {
                    assertThat(fc.getMetadata().getName()).isEqualTo("fc-" + request.fileId() + "-3");
                    assertThat(fc.getMetadata().getLabels()).containsEntry("fileconv.io/file-id", request.fileId());
                    assertThat(fc.getSpec().getRegion()).isEqualTo("uk");
                    assertThat(fc.getSpec().getAttempt()).isEqualTo(3);
                    assertThat(fc.getSpec().getInput().getKey()).isEqualTo(request.inputKey());
                    assertThat(fc.getSpec().getOutput().getBucket()).isEqualTo("fileconv-uk");
                    assertThat(fc.getSpec().isCancel()).isFalse();
                });
    }

    @Test
    void cancelSetsTheFlagAndIgnoresUnknownAttempts() {
        KubernetesLauncher launcher = new KubernetesLauncher(client, NAMESPACE);
        ConversionRequest request = OperatorTestSupport.request(Region.IN, 1);
        launcher.launch(request);

        launcher.cancel(Region.IN, request.fileId(), 1);
        launcher.cancel(Region.IN, request.fileId(), 1);
        launcher.cancel(Region.IN, request.fileId(), 2);

        FileConversion fc = OperatorTestSupport.conversion(client, request.resourceName());
        assertThat(fc.getSpec().isCancel()).isTrue();
        assertThat(fc.getSpec().getFileId()).isEqualTo(request.fileId());
        assertThat(client.resources(FileConversion.class).inNamespace(NAMESPACE).list().getItems()).hasSize(1);
    }
}
