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

    @Test
    void missingRequiredFieldIsRejected() {
        String noName = deployment("1", "imagePullPolicy: IfNotPresent").replace("- name: api\n        image:", "- image:");
        assertThat(check(noName)).singleElement().asString().contains("/spec/template/spec/containers/0").contains("name");
    }

    @Test
    void explicitNullsCountAsAbsent() {
        assertThat(check(deployment("2", "command: null"))).isEmpty();
    }

    @Test
    void serviceAndPodDisruptionBudgetAcceptNumbersAndPercentages() {
        assertThat(check("""
                apiVersion: v1
                kind: Service
                metadata: {name: api}
                spec: {selector: {app: api}, ports: [{name: http, port: 80, targetPort: 8080}, {name: admin, port: 81, targetPort: admin}]}
                """)).isEmpty();
        assertThat(check("""
                apiVersion: policy/v1
                kind: PodDisruptionBudget
                metadata: {name: api}
                spec: {minAvailable: 1, selector: {matchLabels: {app: api}}}
                """)).isEmpty();
        assertThat(check("""
                apiVersion: policy/v1
                kind: PodDisruptionBudget
                metadata: {name: api}
                spec: {maxUnavailable: "50%", selector: {matchLabels: {app: api}}}
                """)).isEmpty();
    }

    @Test
    void dottedGroupsAreCheckedNotSkipped() {
        String policy = """
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: converter}
                spec:
                  SELECTOR: {matchLabels: {app: converter}}
                  policyTypes: [Egress]
                  egress:
                  - to: [{ipBlock: {cidr: 169.254.170.23/32}}]
                    ports: [{protocol: TCP, port: 80}, {protocol: TCP, port: https}]
                """;
        assertThat(check(policy.replace("SELECTOR", "podSelector"))).isEmpty();
        assertThat(check(policy.replace("SELECTOR", "podSelektor"))).singleElement().asString()
                .startsWith("NetworkPolicy/converter: /spec: ").contains("podSelektor");
        assertThat(check("""
                apiVersion: rbac.authorization.k8s.io/v1
                kind: Role
                metadata: {name: operator}
                rules: [{apiGroups: [batch], resources: [jobs], verb: [get]}]
                """)).anySatisfy(v -> assertThat(v).startsWith("Role/operator: /rules/0: ").contains("'verb'"))
                .anySatisfy(v -> assertThat(v).startsWith("Role/operator: /rules/0: ").contains("'verbs' not found"));
        assertThat(check("""
                apiVersion: coordination.k8s.io/v1
                kind: Lease
                metadata: {name: leader}
                spec: {holderIdentity: a, leaseDurationSeconds: "15"}
                """)).singleElement().asString().contains("/spec/leaseDurationSeconds");
    }

    @Test
    void metadataIsObjectMetaForEveryFamily() {
        assertThat(check("""
                apiVersion: kafka.strimzi.io/v1
                kind: KafkaTopic
                metadata: {name: t, label: {strimzi.io/cluster: fileconv}}
                spec: {partitions: 3, replicas: 3}
                """)).singleElement().asString().contains("/metadata").contains("label");
    }

    private static final String CONNECTOR = """
            apiVersion: kafka.strimzi.io/v1
            kind: KafkaConnector
            metadata: {name: mysql-in, labels: {strimzi.io/cluster: fileconv}}
            spec:
              class: io.debezium.connector.mysql.MySqlConnector
              tasksMax: TASKS
              config: {database.hostname: mysql, database.port: 3306, snapshot.mode: initial}
              EXTRA
            """;

    @Test
    void kafkaConnectorTypesAndFieldsAreStrimzis() {
        assertThat(check(CONNECTOR.replace("TASKS", "1").replace("EXTRA", "state: running"))).isEmpty();
        assertThat(check(CONNECTOR.replace("TASKS", "\"1\"").replace("EXTRA", "state: running"))).singleElement()
                .asString().startsWith("KafkaConnector/mysql-in: /spec/tasksMax: ").contains("string");
        assertThat(check(CONNECTOR.replace("TASKS", "1").replace("EXTRA", "autoRestart: {enabled: true}\n  pause: false")))
                .singleElement().asString().startsWith("KafkaConnector/mysql-in: /spec: ").contains("pause");
    }

    @Test
    void kafkaConnectWithAMisspelledBootstrapServersIsRejected() {
        String connect = """
                apiVersion: kafka.strimzi.io/v1
                kind: KafkaConnect
                metadata: {name: fileconv}
                spec:
                  replicas: 1
                  BOOTSTRAP: fileconv-kafka-bootstrap:9093
                  groupId: fileconv-connect
                  configStorageTopic: connect-configs
                  offsetStorageTopic: connect-offsets
                  statusStorageTopic: connect-status
                  config: {config.storage.replication.factor: -1}
                  tls: {trustedCertificates: [{secretName: fileconv-cluster-ca-cert, pattern: "*.crt"}]}
                """;
        assertThat(check(connect.replace("BOOTSTRAP", "bootstrapServers"))).isEmpty();
        assertThat(check(connect.replace("BOOTSTRAP", "bootstrapServer")))
                .anySatisfy(v -> assertThat(v).contains("/spec: ").contains("bootstrapServer'"))
                .anySatisfy(v -> assertThat(v).contains("/spec: ").contains("bootstrapServers"));
    }

    @Test
    void strimziSchemasAreThoseOfStrimzi051ServingV1() {
        CrdSchemas strimzi = SchemaCatalog.get().strimzi;
        assertThat(strimzi.kinds.keySet()).contains("kafka.strimzi.io/v1/Kafka", "kafka.strimzi.io/v1/KafkaNodePool",
                "kafka.strimzi.io/v1/KafkaConnect", "kafka.strimzi.io/v1/KafkaConnector", "kafka.strimzi.io/v1/KafkaTopic",
                "kafka.strimzi.io/v1/KafkaUser", "kafka.strimzi.io/v1/KafkaRebalance")
                .allMatch(k -> k.startsWith("kafka.strimzi.io/v1/") || k.startsWith("core.strimzi.io/v1/"));
        assertThat(strimzi.sources.values()).allMatch(s -> s.contains("api-0.51.0-tests.jar!/crds/v1/"),
                "read from io.strimzi:api:0.51.0:tests");
    }

    private static final String APPLICATION = """
            apiVersion: argoproj.io/v1alpha1
            kind: Application
            metadata: {name: cell-in, namespace: argocd, annotations: {argocd.argoproj.io/sync-wave: "2"}}
            spec:
              project: fileconv
              source:
                repoURL: https://github.com/fileconv/fileconv.git
                targetRevision: v1.0.0
                path: charts/fileconv
                helm: {releaseName: fileconv, valueFiles: [values-in.yaml], skipCrds: true, valuesObject: {api: {enabled: false}}}
              destination: {name: in, namespace: fileconv}
              syncPolicy:
                AUTOMATED: {prune: true, selfHeal: true}
                syncOptions: [CreateNamespace=true, ServerSideApply=true]
                retry: {limit: 5, backoff: {duration: 5s, factor: 2, maxDuration: 3m}}
            """;

    @Test
    void applicationSyncPolicyIsArgoCds() {
        assertThat(check(APPLICATION.replace("AUTOMATED", "automated"))).isEmpty();
        assertThat(check(APPLICATION.replace("AUTOMATED", "automatic"))).singleElement().asString()
                .startsWith("Application/cell-in: /spec/syncPolicy: ").contains("automatic");
        assertThat(check(APPLICATION.replace("AUTOMATED", "automated").replace("factor: 2", "factor: \"2\"")))
                .singleElement().asString().contains("/spec/syncPolicy/retry/backoff/factor");
    }

    private static final String APPLICATION_SET = """
            apiVersion: argoproj.io/v1alpha1
            kind: ApplicationSet
            metadata: {name: cells, namespace: argocd}
            spec:
              goTemplate: true
              goTemplateOptions: [missingkey=error]
              generators:
              - matrix:
                  generators:
                  - GENERATOR: {selector: {matchLabels: {fileconv.io/cell: "true"}}, values: {wave: "1"}}
                  - list: {elements: [{region: in, replicas: 2}, {region: us}]}
              strategy:
                type: RollingSync
                rollingSync: {steps: [{matchExpressions: [{key: region, operator: In, values: [in]}], maxUpdate: 1}, {matchExpressions: [], maxUpdate: "100%"}]}
              syncPolicy: {preserveResourcesOnDeletion: true, applicationsSync: create-update}
              template:
                metadata: {name: "fileconv-{{.region}}", labels: {region: "{{.region}}"}}
                spec:
                  project: fileconv
                  source: {repoURL: https://github.com/fileconv/fileconv.git, targetRevision: v1.0.0, path: charts/fileconv}
                  destination: {server: "{{.server}}", namespace: fileconv}
            """;

    @Test
    void applicationSetGeneratorsAreArgoCds() {
        assertThat(check(APPLICATION_SET.replace("GENERATOR", "clusters"))).isEmpty();
        assertThat(check(APPLICATION_SET.replace("GENERATOR", "cluster"))).singleElement().asString()
                .startsWith("ApplicationSet/cells: /spec/generators/0/matrix/generators/0: ").contains("cluster'");
    }

    @Test
    void appProjectListsUseTheV351Names() {
        String project = """
                apiVersion: argoproj.io/v1alpha1
                kind: AppProject
                metadata: {name: fileconv, namespace: argocd}
                spec:
                  sourceRepos: [https://github.com/fileconv/fileconv.git]
                  destinations: [{server: https://kubernetes.default.svc, namespace: fileconv}]
                  LIST: [{group: apiextensions.k8s.io, kind: CustomResourceDefinition}]
                  namespaceResourceBlacklist: [{group: "", kind: ResourceQuota}]
                  orphanedResources: {warn: true}
                """;
        assertThat(check(project.replace("LIST", "clusterResourceWhitelist"))).isEmpty();
        assertThat(check(project.replace("LIST", "clusterResourceAllowlist"))).singleElement().asString()
                .contains("clusterResourceAllowlist");
    }

    @Test
    void prometheusOperatorKindsAreChecked() {
        String monitor = """
                apiVersion: monitoring.coreos.com/v1
                kind: ServiceMonitor
                metadata: {name: api}
                spec:
                  selector: {matchLabels: {app: api}}
                  endpoints: [{port: http, path: /metrics, INTERVAL: 30s}]
                """;
        assertThat(check(monitor.replace("INTERVAL", "interval"))).isEmpty();
        assertThat(check(monitor.replace("INTERVAL", "scrapeInterval"))).singleElement().asString()
                .startsWith("ServiceMonitor/api: /spec/endpoints/0: ").contains("scrapeInterval");
        assertThat(check("""
                apiVersion: monitoring.coreos.com/v1
                kind: PrometheusRule
                metadata: {name: api}
                spec: {groups: [{name: fileconv, rules: [{alert: Down, expr: up == 0, for: 5m, labels: {severity: page}}]}]}
                """)).isEmpty();
    }

    @Test
    void fileconvCustomResourcesAreCheckedAgainstCrds() {
        String migration = """
                apiVersion: fileconv.io/v1alpha1
                kind: RegionMigration
                metadata: {name: move-1}
                spec: {userId: u1, from: in, TO: us}
                """;
        assertThat(check(migration.replace("TO", "to"))).isEmpty();
        assertThat(check(migration.replace("TO", "target")))
                .anySatisfy(v -> assertThat(v).contains("/spec: ").contains("target"));
    }

    @Test
    void unknownKindsAndVersionsHaveNoSchema() {
        assertThat(check("""
                apiVersion: kafka.strimzi.io/v1beta1
                kind: KafkaTopic
                metadata: {name: t}
                spec: {partitions: 1}
                """)).containsExactly("KafkaTopic/t: no schema for kafka.strimzi.io/v1beta1 KafkaTopic");
        assertThat(check("""
                apiVersion: example.com/v1
                kind: Widget
                metadata: {name: w}
                """)).containsExactly("Widget/w: no schema for example.com/v1 Widget");
    }

    @Test
    void everyBuiltInGroupMapsToItsDefinition() {
        SchemaCatalog catalog = SchemaCatalog.get();
        List.of("v1/ConfigMap", "v1/Secret", "v1/ServiceAccount", "apps/v1/StatefulSet", "batch/v1/CronJob", "batch/v1/Job",
                "policy/v1/PodDisruptionBudget", "autoscaling/v2/HorizontalPodAutoscaler", "networking.k8s.io/v1/Ingress",
                "rbac.authorization.k8s.io/v1/ClusterRoleBinding", "coordination.k8s.io/v1/Lease",
                "storage.k8s.io/v1/StorageClass", "scheduling.k8s.io/v1/PriorityClass",
                "admissionregistration.k8s.io/v1/ValidatingWebhookConfiguration",
                "flowcontrol.apiserver.k8s.io/v1/FlowSchema", "monitoring.coreos.com/v1/PodMonitor",
                "kafka.strimzi.io/v1/KafkaUser", "kafka.strimzi.io/v1/KafkaRebalance", "fileconv.io/v1alpha1/FileConversion",
                "argoproj.io/v1alpha1/AppProject").forEach(gvk -> {
                    int slash = gvk.lastIndexOf('/');
                    assertThat(catalog.entry(gvk.substring(0, slash), gvk.substring(slash + 1))).as(gvk).isPresent();
                });
        assertThat(catalog.entry("apps/v1", "Pod")).as("core kinds are not under apps").isEmpty();
        assertThat(catalog.entry("v1", "Deployment")).isEmpty();
    }
}
