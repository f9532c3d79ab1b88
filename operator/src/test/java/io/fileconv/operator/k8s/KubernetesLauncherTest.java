package io.fileconv.operator.k8s;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fileconv.core.ConversionRequest;
import io.fileconv.core.Region;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fileconv.core.options.PdfA;
import io.fileconv.core.options.PdfOptions;
import io.fileconv.operator.k8s.crd.ConversionOptions;
import io.fileconv.operator.k8s.crd.FileConversion;
import io.fileconv.operator.k8s.job.ConverterJobFactory;
import io.fileconv.testkit.MockClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;

import static io.fileconv.operator.k8s.OperatorTestSupport.NAMESPACE;
import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(MockClusterExtension.class)
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

        FileConversion fc = OperatorTestSupport.conversion(client, FileConversion.nameOf(request));
        assertThat(fc.getSpec().isCancel()).isTrue();
        assertThat(fc.getSpec().getFileId()).isEqualTo(request.fileId());
        assertThat(client.resources(FileConversion.class).inNamespace(NAMESPACE).list().getItems()).hasSize(1);
    }

    @Test
    void pdfOptionsTravelInTheSpecToTheConverterJobsEnvironment() {
        PdfOptions options = new PdfOptions("1-3,5", true, PdfA.PDF_A_3B, true, null, false, 90, 600, true, false);
        ConversionRequest plain = OperatorTestSupport.request(Region.IN, 1);
        ConversionRequest request = new ConversionRequest(plain.fileId(), plain.userId(), plain.region(), plain.bucket(),
                plain.inputKey(), plain.outputKey(), 1, plain.detectedType(), plain.requestId(), options);
        new KubernetesLauncher(client, NAMESPACE).launch(request);

        FileConversion fc = OperatorTestSupport.conversion(client, FileConversion.nameOf(request));
        assertThat(fc.getSpec().getOptions().getPdfa()).isEqualTo("PDF/A-3b");
        assertThat(fc.getSpec().getOptions().getMaxImageResolution()).isEqualTo(600);
        assertThat(ConversionOptions.toPdfOptions(fc.getSpec().getOptions())).isEqualTo(options);
        List<EnvVar> env = new ConverterJobFactory(OperatorTestSupport.jobSettings()).build(fc).getSpec().getTemplate()
                .getSpec().getContainers().get(0).getEnv();
        assertThat(env).filteredOn(e -> e.getName().equals(PdfOptions.ENVIRONMENT_VARIABLE)).singleElement()
                .satisfies(e -> assertThat(PdfOptions.fromJson(e.getValue())).isEqualTo(options));
    }

    @Test
    void withoutOptionsTheSpecAndJobCarryNone() {
        ConversionRequest request = OperatorTestSupport.request(Region.US, 1);
        new KubernetesLauncher(client, NAMESPACE).launch(request);
        FileConversion fc = OperatorTestSupport.conversion(client, FileConversion.nameOf(request));
        assertThat(fc.getSpec().getOptions()).isNull();
        assertThat(new ConverterJobFactory(OperatorTestSupport.jobSettings()).build(fc).getSpec().getTemplate()
                .getSpec().getContainers().get(0).getEnv()).extracting(EnvVar::getName)
                .doesNotContain(PdfOptions.ENVIRONMENT_VARIABLE);
    }
}
