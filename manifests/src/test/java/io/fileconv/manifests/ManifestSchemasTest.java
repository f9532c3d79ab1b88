package io.fileconv.manifests;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.Test;

/** ManifestSchemas rejects what each family's schema forbids and accepts what Kubernetes accepts. */
class ManifestSchemasTest {
    private static List<String> check(String yaml) {
        List<JsonNode> docs = Repo.yamlDocuments(yaml);
        assertThat(docs).hasSize(1);
        return ManifestSchemas.violations(docs.get(0));
    }

    private static final String DEPLOYMENT = """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: api, labels: {app: api}}
            spec:
              replicas: REPLICAS
              selector: {matchLabels: {app: api}}
              template:
                metadata: {labels: {app: api}}
                spec:
                  containers:
                  - name: api
                    image: fileconv/api:1
                    ports: [{name: http, containerPort: 8080}]
                    readinessProbe: {httpGet: {path: /ready, port: http}}
                    livenessProbe: {httpGet: {path: /live, port: 8080}}
                    resources: {requests: {cpu: 1, memory: 512Mi}, limits: {cpu: 0.5, memory: "1Gi"}}
                    EXTRA
            """;

    private static String deployment(String replicas, String extra) {
        return DEPLOYMENT.replace("REPLICAS", replicas).replace("EXTRA", extra);
    }

    @Test
    void validDeploymentWithIntegerIntOrStringAndQuantityPasses() {
        assertThat(check(deployment("2", "imagePullPolicy: IfNotPresent"))).isEmpty();
    }

    @Test
    void unknownFieldInADeploymentContainerIsRejected() {
        assertThat(check(deployment("2", "imagePulPolicy: IfNotPresent"))).singleElement().asString()
                .startsWith("Deployment/api: /spec/template/spec/containers/0: ").contains("imagePulPolicy");
    }

    @Test
    void replicasAsAWordIsRejected() {
        assertThat(check(deployment("two", "imagePullPolicy: IfNotPresent"))).singleElement().asString()
                .startsWith("Deployment/api: /spec/replicas: ").contains("string");
    }
}
