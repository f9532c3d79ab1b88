package io.fileconv.operator;

import io.fileconv.operator.k8s.crd.FileConversion;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fileconv.core.ConversionLauncher;
import io.fileconv.core.Region;
import io.fileconv.core.schema.SchemaGate;
import io.fileconv.operator.k8s.OperatorEnvironment;
import io.fileconv.operator.k8s.OperatorTestSupport;
import io.fileconv.core.ConversionRequest;
import io.fileconv.testkit.MockClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The process wiring: settings from the environment, the reconciler running, companions started and stopped. */
@ExtendWith(MockClusterExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class OperatorMainTest {
    KubernetesClient client;

    @Test
    void runsTheReconcilerAndItsCompanions() throws Exception {
        OperatorEnvironment env = new OperatorEnvironment(Map.of(
                "FILECONV_CONVERTER_IMAGE", "conv:1",
                "FILECONV_OPERATOR_NAMESPACE", OperatorTestSupport.NAMESPACE,
                "FILECONV_LEADER_ELECTION", "false",
                "FILECONV_REGIONS", "in,uk",
                "FILECONV_PORT", "0",
                "FILECONV_CONVERTER_MODE", "perFile",
                // Never reached in this test: the pools connect lazily.
                "FILECONV_DB_URL", "jdbc:mysql://127.0.0.1:1/"));
        AtomicReference<ConversionLauncher> launcherSeen = new AtomicReference<>();
        AtomicReference<Set<Region>> regionsSeen = new AtomicReference<>();
        AtomicBoolean companionClosed = new AtomicBoolean();
        Companion dispatcherStandIn = (launcher, repositories) -> {
            launcherSeen.set(launcher);
            regionsSeen.set(repositories.keySet());
            return () -> companionClosed.set(true);
        };

        try (OperatorMain main = new OperatorMain()) {
            // The schema gate against a real database: SchemaGateTest (local); here an open one.
            main.start(client, env, List.of(dispatcherStandIn), SchemaGate.open());
            assertThat(get(main.healthPort(), "/healthz")).isEqualTo(200);
            assertThat(get(main.healthPort(), "/readyz")).isEqualTo(200);
            assertThat(get(main.healthPort(), "/readyz/x")).isEqualTo(404);
            String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + main.healthPort() + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertThat(metrics).contains("jvm_memory_used_bytes{", "process_cpu_usage{",
                    "hikaricp_connections_max{app=\"fileconv-operator\",pool=\"operator-fileconv_uk\"}");
            assertThat(regionsSeen.get()).containsExactlyInAnyOrder(Region.IN, Region.UK);

            ConversionRequest request = OperatorTestSupport.request(Region.UK, 1);
            launcherSeen.get().launch(request);
            await().atMost(Duration.ofSeconds(15))
                    .until(() -> OperatorTestSupport.job(client, FileConversion.nameOf(request)) != null);
            assertThat(OperatorTestSupport.job(client, FileConversion.nameOf(request)).getSpec().getTemplate().getSpec()
                    .getContainers().get(0).getImage()).isEqualTo("conv:1");
        }
        assertThat(companionClosed).isTrue();
    }

    @Test
    void runsThePooledModeByDefault() throws Exception {
        OperatorEnvironment env = new OperatorEnvironment(Map.of(
                "FILECONV_CONVERTER_IMAGE", "conv:1",
                "FILECONV_OPERATOR_NAMESPACE", OperatorTestSupport.NAMESPACE,
                "FILECONV_LEADER_ELECTION", "false",
                "FILECONV_REGIONS", "in,uk",
                "FILECONV_PORT", "0",
                "FILECONV_WORK_PORT", "0",
                "FILECONV_CONVERTER_MIN_JOBS", "1",
                "FILECONV_S3_ACCESS_KEY", "k",
                "FILECONV_S3_SECRET_KEY", "s",
                "FILECONV_DB_URL", "jdbc:mysql://127.0.0.1:1/"));
        try (OperatorMain main = new OperatorMain()) {
            main.start(client, env, List.of(), SchemaGate.open());
            // The floor of each served region's pool, without any work (the database is never reached here).
            await().atMost(Duration.ofSeconds(15)).until(() -> client.batch().v1().jobs()
                    .inNamespace(OperatorTestSupport.NAMESPACE).withLabel("fileconv.io/pool", "true").list()
                    .getItems().size() == 2);
            assertThat(client.batch().v1().jobs().inNamespace(OperatorTestSupport.NAMESPACE).list().getItems())
                    .extracting(j -> j.getMetadata().getLabels().get("fileconv.io/region"))
                    .containsExactlyInAnyOrder("in", "uk");
            assertThat(client.secrets().inNamespace(OperatorTestSupport.NAMESPACE).list().getItems()).hasSize(2);
        }
    }

    private static int get(int port, String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
