package io.fileconv.operator.k8s;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fileconv.core.ConversionRequest;
import io.fileconv.core.Region;
import io.fileconv.core.metrics.MetricNames;
import io.fileconv.operator.k8s.crd.FileConversion;
import io.fileconv.testkit.MockClusterExtension;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static io.fileconv.operator.k8s.OperatorTestSupport.NAMESPACE;
import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(MockClusterExtension.class)
class ApiServerRequestsTest {
    KubernetesClient client;

    @Test
    void namesRequestsAsTheApiServersMetricsDo() {
        assertThat(ApiServerRequests.of("POST", "/apis/fileconv.io/v1/namespaces/fc/fileconversions", null))
                .isEqualTo(new ApiServerRequests.Kind("create", "fileconversions"));
        assertThat(ApiServerRequests.of("PATCH", "/apis/fileconv.io/v1/namespaces/fc/fileconversions/x/status", null))
                .isEqualTo(new ApiServerRequests.Kind("patch", "fileconversions/status"));
        assertThat(ApiServerRequests.of("GET", "/apis/batch/v1/namespaces/fc/jobs", "labelSelector=a&watch=true"))
                .isEqualTo(new ApiServerRequests.Kind("watch", "jobs"));
        assertThat(ApiServerRequests.of("GET", "/api/v1/namespaces/fc/pods", "labelSelector=a"))
                .isEqualTo(new ApiServerRequests.Kind("list", "pods"));
        assertThat(ApiServerRequests.of("GET", "/api/v1/namespaces/fc", null))
                .isEqualTo(new ApiServerRequests.Kind("get", "namespaces"));
        assertThat(ApiServerRequests.of("PUT", "/apis/coordination.k8s.io/v1/namespaces/fc/leases/op", null))
                .isEqualTo(new ApiServerRequests.Kind("update", "leases"));
        assertThat(ApiServerRequests.of("DELETE", "/api/v1/namespaces/fc/pods", null).verb())
                .isEqualTo("deletecollection");
        assertThat(ApiServerRequests.of("GET", "/apis", null).resource()).isEqualTo("(discovery)");
        assertThat(new ApiServerRequests.Kind("patch", "fileconversions").write()).isTrue();
        assertThat(new ApiServerRequests.Kind("watch", "jobs").write()).isFalse();
    }

    @Test
    void countsEachRequestOfTheClientByVerbResourceAndCode() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (KubernetesClient counted = ApiServerRequests.counting(new KubernetesClientBuilder()
                .withConfig(client.getConfiguration()), registry).build()) {
            KubernetesLauncher launcher = new KubernetesLauncher(counted, NAMESPACE);
            ConversionRequest request = OperatorTestSupport.request(Region.IN, 1);
            launcher.launch(request);
            launcher.launch(request); // already there: the API server answers 409
            counted.resources(FileConversion.class).inNamespace(NAMESPACE).withName(FileConversion.nameOf(request))
                    .delete();
        }

        assertThat(count(registry, "create", "fileconversions", "201")).isEqualTo(1);
        assertThat(count(registry, "create", "fileconversions", "409")).isEqualTo(1);
        assertThat(count(registry, "delete", "fileconversions", "200")).isEqualTo(1);
        assertThat(registry.find(MetricNames.KUBE_API_REQUESTS.name()).counters()).allSatisfy(c ->
                assertThat(c.getId().getTag("resource")).isNotBlank());
    }

    private static double count(SimpleMeterRegistry registry, String verb, String resource, String code) {
        Counter c = registry.find(MetricNames.KUBE_API_REQUESTS.name()).tag("verb", verb).tag("resource", resource)
                .tag("code", code).counter();
        return c == null ? 0 : c.count();
    }
}
