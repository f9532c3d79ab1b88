package io.fileconv.operator.k8s.reconciler;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fileconv.core.FailureClass;
import io.fileconv.operator.k8s.OperatorTestSupport;
import io.fileconv.testkit.MockClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Instant;

import static io.fileconv.operator.k8s.OperatorTestSupport.NAMESPACE;
import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(MockClusterExtension.class)
class ConverterRunInspectorTest {
    KubernetesClient client;

    private Job createJob(String name) {
        return client.batch().v1().jobs().inNamespace(NAMESPACE).resource(new JobBuilder()
                .withNewMetadata().withName(name).withNamespace(NAMESPACE).endMetadata()
                .withNewSpec().withNewTemplate().withNewSpec().addNewContainer().withName("converter").withImage("x")
                .endContainer().endSpec().endTemplate().endSpec().build()).create();
    }

    @Test
    void jobWithoutStatusIsWaiting() {
        assertThat(new ConverterRunInspector(client).inspect(createJob("j1")).state())
                .isEqualTo(ConverterRun.State.WAITING);
    }

    @Test
    void everyConverterExitCodeMapsToItsFailureClass() {
        Instant t = Instant.parse("2026-11-27T10:00:00Z");
        for (FailureClass fc : FailureClass.values()) {
            String name = "job-" + fc.exitCode();
            createJob(name);
            OperatorTestSupport.createTerminatedPod(client, name, fc.exitCode(), "Error");
            OperatorTestSupport.markFailed(client, name, "BackoffLimitExceeded", t, t.plusSeconds(1));
            ConverterRun run = new ConverterRunInspector(client).inspect(OperatorTestSupport.job(client, name));
            assertThat(run.state()).isEqualTo(ConverterRun.State.FAILED);
            assertThat(run.failureClass()).as("exit code %d", fc.exitCode()).isEqualTo(fc);
            assertThat(run.startTime()).isEqualTo(t);
            assertThat(run.finishTime()).isEqualTo(t.plusSeconds(1));
        }
    }

    @Test
    void failedJobWhosePodIsGoneIsAnOfficeCrash() {
        Instant t = Instant.parse("2026-11-27T10:00:00Z");
        createJob("gone");
        OperatorTestSupport.markFailed(client, "gone", "BackoffLimitExceeded", t, t.plusSeconds(1));
        ConverterRun run = new ConverterRunInspector(client).inspect(OperatorTestSupport.job(client, "gone"));
        assertThat(run.failureClass()).isEqualTo(FailureClass.OFFICE_CRASHED);
        assertThat(run.message()).contains("no longer available");
    }
}
