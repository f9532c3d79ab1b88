package io.fileconv.manifests;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fileconv.core.Region;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collector;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HelmChartTest {
    private static List<HasMetadata> defaults;
    private static List<HasMetadata> threeRegions;

    @BeforeAll
    static void render() {
        defaults = Chart.renderObjects(t -> t);
        threeRegions = Chart.renderObjects(t -> t.withValuesFile(Chart.threeRegionValues()));
    }

    static Stream<Arguments> renders() {
        return Stream.of(Arguments.of("default values", defaults), Arguments.of("values-three-regions.yaml", threeRegions));
    }

    @Test
    void lintStrictPasses() {
        LintResult result = new Helm(Chart.dir()).lint().strict().call();
        assertThat(result.isFailed()).as("helm lint --strict: %s", result.getMessages()).isFalse();
        assertThat(result.getMessages()).noneMatch(m -> m.contains("[ERROR]") || m.contains("[WARNING]"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("renders")
    void everyObjectParsesIntoItsTypedModelWithoutUnknownFields(String name, List<HasMetadata> objects) {
        assertThat(objects).isNotEmpty();
        for (HasMetadata o : objects) {
            String id = o.getKind() + "/" + o.getMetadata().getName();
            if (o instanceof GenericKubernetesResource) {
                // Only the Prometheus Operator kind has no fabric8 model in kubernetes-client-api.
                assertThat(o.getApiVersion()).as(id).isEqualTo("monitoring.coreos.com/v1");
                continue;
            }
            assertThat(ModelChecks.unknownFields(o)).as("unknown fields in %s", id).isEmpty();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("renders")
    void everyPodRunsNonRootWithReadOnlyRootAndNoCapabilities(String name, List<HasMetadata> objects) {
        Map<String, PodSpec> pods = Chart.podSpecs(objects);
        assertThat(pods).isNotEmpty();
        pods.forEach((owner, pod) -> {
            var psc = pod.getSecurityContext();
            assertThat(psc.getRunAsNonRoot()).as(owner).isTrue();
            assertThat(psc.getRunAsUser()).as(owner).isPositive();
            assertThat(psc.getSeccompProfile().getType()).as(owner).isEqualTo("RuntimeDefault");
            assertThat(pod.getHostNetwork()).as(owner).isNotEqualTo(Boolean.TRUE);
            assertThat(pod.getHostPID()).as(owner).isNotEqualTo(Boolean.TRUE);
            for (Container c : pod.getContainers()) {
                String id = owner + "/" + c.getName();
                var sc = c.getSecurityContext();
                assertThat(sc.getReadOnlyRootFilesystem()).as(id).isTrue();
                assertThat(sc.getAllowPrivilegeEscalation()).as(id).isFalse();
                assertThat(sc.getPrivileged()).as(id).isFalse();
                assertThat(sc.getRunAsNonRoot()).as(id).isTrue();
                assertThat(sc.getCapabilities().getDrop()).as(id).containsExactly("ALL");
                assertThat(sc.getCapabilities().getAdd()).as(id).isNullOrEmpty();
                assertThat(sc.getSeccompProfile().getType()).as(id).isEqualTo("RuntimeDefault");
                // A read-only root needs a writable /tmp for the JVM.
                assertThat(c.getVolumeMounts()).as(id).anyMatch(m -> m.getMountPath().equals("/tmp"));
                assertThat(c.getResources().getRequests()).as(id).containsKeys("cpu", "memory");
                assertThat(c.getResources().getLimits()).as(id).containsKeys("cpu", "memory");
                assertThat(c.getImage()).as(id).matches("docker\\.io/fileconv/(api|operator):0\\.1\\.0");
            }
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("renders")
    void onlyTheOperatorMountsAServiceAccountToken(String name, List<HasMetadata> objects) {
        Map<String, ServiceAccount> accounts = Chart.ofType(objects, ServiceAccount.class).stream()
                .collect(Collectors.toMap(sa -> sa.getMetadata().getName(), sa -> sa));
        assertThat(accounts).containsOnlyKeys("fileconv-api", "fileconv-operator", "fileconv-converter", "fileconv-retry");
        accounts.forEach((n, sa) -> assertThat(sa.getAutomountServiceAccountToken()).as(n).isEqualTo(n.equals("fileconv-operator")));
        Chart.podSpecs(objects).forEach((owner, pod) -> {
            assertThat(accounts).as(owner).containsKey(pod.getServiceAccountName());
            if (!owner.equals("fileconv-operator")) {
                assertThat(pod.getAutomountServiceAccountToken()).as(owner).isFalse();
            }
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("renders")
    void deploymentsProbeHealthzAndReadyzOnTheirHttpPort(String name, List<HasMetadata> objects) {
        for (Deployment d : Chart.ofType(objects, Deployment.class)) {
            Container c = d.getSpec().getTemplate().getSpec().getContainers().get(0);
            String id = d.getMetadata().getName();
            assertThat(c.getPorts()).as(id).anyMatch(p -> "http".equals(p.getName()));
            assertProbe(id, c.getLivenessProbe(), "/healthz");
            assertProbe(id, c.getStartupProbe(), "/healthz");
            assertProbe(id, c.getReadinessProbe(), "/readyz");
        }
    }

    private static void assertProbe(String id, Probe probe, String path) {
        assertThat(probe).as(id).isNotNull();
        assertThat(probe.getHttpGet().getPath()).as(id).isEqualTo(path);
        assertThat(probe.getHttpGet().getPort().getStrVal()).as(id).isEqualTo("http");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("renders")
    void operatorRbacIsNamespacedLeastPrivilege(String name, List<HasMetadata> objects) {
        assertThat(objects).noneMatch(o -> o.getKind().startsWith("Cluster"));
        List<Role> roles = Chart.ofType(objects, Role.class);
        assertThat(roles).hasSize(1);
        Map<String, Set<String>> granted = new TreeMap<>();
        for (PolicyRule rule : roles.get(0).getRules()) {
            assertThat(rule.getNonResourceURLs()).isNullOrEmpty();
            if (rule.getResources().contains("secrets") && rule.getResourceNames() != null && !rule.getResourceNames().isEmpty()) {
                // Only the per-move migration targets, by name, read-only (MigrationTargetSecrets).
                assertThat(rule.getResourceNames()).containsExactlyInAnyOrder(Arrays.stream(Region.values())
                        .map(r -> "fileconv-migration-" + r.code()).toArray(String[]::new));
                assertThat(rule.getVerbs()).containsExactly("get");
                assertThat(rule.getResources()).containsExactly("secrets");
                continue;
            }
            assertThat(rule.getResourceNames()).isNullOrEmpty();
            for (String group : rule.getApiGroups()) {
                for (String resource : rule.getResources()) {
                    granted.computeIfAbsent(group + "/" + resource, k -> new TreeSet<>()).addAll(rule.getVerbs());
                }
            }
        }
        assertThat(granted.toString()).doesNotContain("*");
        // Exactly what the operator calls (operator/README.md); anything more (secrets, events, escalate, bind,
        // impersonate, finalizers...) fails here. The operator sets no finalizer and no blockOwnerDeletion, and
        // records no Kubernetes events.
        assertThat(granted).isEqualTo(new TreeMap<>(Map.of(
                "fileconv.io/fileconversions", Set.of("get", "list", "watch", "create", "patch", "delete"),
                "fileconv.io/fileconversions/status", Set.of("get", "update", "patch"),
                "fileconv.io/regionmigrations", Set.of("get", "list", "watch", "update", "patch"),
                "fileconv.io/regionmigrations/status", Set.of("get", "update", "patch"),
                "batch/jobs", Set.of("get", "list", "watch", "create", "delete"),
                // Pool mode (the default): the leader labels its own pod; token Secrets are created, never read.
                "/pods", Set.of("get", "list", "patch"),
                "/secrets", Set.of("create"),
                "coordination.k8s.io/leases", Set.of("get", "create", "update"))));
        RoleBinding binding = Chart.ofType(objects, RoleBinding.class).get(0);
        assertThat(binding.getRoleRef().getKind()).isEqualTo("Role");
        assertThat(binding.getRoleRef().getName()).isEqualTo(roles.get(0).getMetadata().getName());
        assertThat(binding.getSubjects()).singleElement().satisfies(s -> {
            assertThat(s.getKind()).isEqualTo("ServiceAccount");
            assertThat(s.getName()).isEqualTo("fileconv-operator");
            assertThat(s.getNamespace()).isEqualTo(Chart.NAMESPACE);
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("renders")
    void converterPodsMayOnlyReachDnsAndS3(String name, List<HasMetadata> objects) {
        NetworkPolicy np = policy(objects, "fileconv-converter");
        var spec = np.getSpec();
        // The operator labels converter pods with exactly this; the policy is useless if they drift apart.
        assertThat(spec.getPodSelector().getMatchLabels()).isEqualTo(Map.of("app.kubernetes.io/name", "fileconv-converter"));
        assertThat(spec.getPolicyTypes()).containsExactlyInAnyOrder("Ingress", "Egress");
        assertThat(spec.getIngress()).isEmpty();
        // DNS, S3 and (pooled converters) the operator's work endpoint.
        assertThat(spec.getEgress()).hasSize(3);
        for (NetworkPolicyEgressRule rule : spec.getEgress()) {
            // An empty "to" or "ports" would mean "everywhere" / "every port".
            assertThat(rule.getTo()).isNotEmpty();
            assertThat(rule.getPorts()).isNotEmpty();
        }
        NetworkPolicyEgressRule dns = spec.getEgress().get(0);
        assertThat(dns.getPorts()).extracting(p -> p.getProtocol() + "/" + p.getPort().getIntVal())
                .containsExactlyInAnyOrder("UDP/53", "TCP/53");
        assertThat(dns.getTo()).singleElement().satisfies(peer -> {
            assertThat(peer.getIpBlock()).isNull();
            assertThat(peer.getNamespaceSelector().getMatchLabels()).containsEntry("kubernetes.io/metadata.name", "kube-system");
            assertThat(peer.getPodSelector().getMatchLabels()).containsEntry("k8s-app", "kube-dns");
        });
        NetworkPolicyEgressRule work = spec.getEgress().get(2);
        assertThat(work.getTo()).singleElement().satisfies(peer -> {
            assertThat(peer.getIpBlock()).isNull();
            assertThat(peer.getPodSelector().getMatchLabels()).containsEntry("app.kubernetes.io/name", "fileconv-operator");
        });
        assertThat(work.getPorts()).singleElement().satisfies(p -> assertThat(p.getPort().getIntVal()).isEqualTo(8081));
        NetworkPolicyEgressRule s3 = spec.getEgress().get(1);
        assertThat(s3.getPorts()).extracting(NetworkPolicyPort::getProtocol, p -> p.getPort().getIntVal())
                .containsExactly(Tuple.tuple("TCP", 443));
        assertThat(s3.getTo()).allSatisfy(peer -> {
            assertThat(peer.getNamespaceSelector()).isNull();
            assertThat(peer.getPodSelector()).isNull();
            // Never the cloud metadata endpoint (credential theft) nor private/cluster ranges.
            if (peer.getIpBlock().getCidr().equals("0.0.0.0/0")) {
                assertThat(peer.getIpBlock().getExcept())
                        .contains("169.254.0.0/16", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16");
            }
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("renders")
    void operatorRunsTwoReplicasWithLeaderElectionAndAPdb(String name, List<HasMetadata> objects) {
        Deployment op = deployment(objects, "fileconv-operator");
        assertThat(op.getSpec().getReplicas()).isEqualTo(2);
        Container c = op.getSpec().getTemplate().getSpec().getContainers().get(0);
        // The leader-election identity is HOSTNAME: the pod name only while the pod spec sets no hostname.
        assertThat(op.getSpec().getTemplate().getSpec().getHostname()).isNull();
        assertThat(Chart.env(c)).doesNotContainKeys("HOSTNAME", "FILECONV_LEADER_ELECTION");
        var ns = c.getEnv().stream().filter(e -> e.getName().equals("FILECONV_OPERATOR_NAMESPACE")).findFirst()
                .orElseThrow();
        assertThat(ns.getValueFrom().getFieldRef().getFieldPath()).isEqualTo("metadata.namespace");
        assertThat(Chart.env(c)).containsEntry("FILECONV_CONVERTER_IMAGE", "docker.io/fileconv/converter:0.1.0")
                .containsEntry("FILECONV_CONVERTER_SERVICE_ACCOUNT", "fileconv-converter")
                .containsEntry("FILECONV_KAFKA_BOOTSTRAP", "fileconv-kafka-bootstrap:9093")
                .containsEntry("FILECONV_KAFKA_SECURITY_PROTOCOL", "SASL_SSL")
                .containsEntry("FILECONV_KAFKA_TRUSTSTORE_FILE", "/etc/fileconv/kafka-ca/ca.crt");
        // The truststore file is the Strimzi cluster CA's ca.crt, mounted read-only at that path.
        var mount = c.getVolumeMounts().stream().filter(m -> m.getName().equals("kafka-ca")).collect(singleton());
        assertThat(mount.getMountPath()).isEqualTo("/etc/fileconv/kafka-ca");
        assertThat(mount.getReadOnly()).isTrue();
        var volume = op.getSpec().getTemplate().getSpec().getVolumes().stream().filter(v -> v.getName().equals("kafka-ca"))
                .collect(singleton());
        assertThat(volume.getSecret().getSecretName()).isEqualTo("fileconv-cluster-ca-cert");
        assertThat(volume.getSecret().getItems()).singleElement().satisfies(i -> assertThat(i.getPath()).isEqualTo("ca.crt"));
        assertPdbSelects(objects, op);
    }

    private static NetworkPolicy policy(List<HasMetadata> objects, String name) {
        return Chart.ofType(objects, NetworkPolicy.class).stream().filter(p -> p.getMetadata().getName().equals(name))
                .collect(singleton());
    }

    /** Every egress rule names its peers and ports: an empty list would mean everywhere / every port. */
    private static void assertEveryRuleIsBounded(NetworkPolicy np) {
        assertThat(np.getSpec().getPolicyTypes()).containsExactlyInAnyOrder("Ingress", "Egress");
        for (NetworkPolicyEgressRule rule : np.getSpec().getEgress()) {
            assertThat(rule.getTo()).as(np.getMetadata().getName()).isNotEmpty();
            assertThat(rule.getPorts()).as(np.getMetadata().getName()).isNotEmpty();
        }
    }

    private static Set<Integer> egressPorts(NetworkPolicy np) {
        return np.getSpec().getEgress().stream().flatMap(r -> r.getPorts().stream()).map(p -> p.getPort().getIntVal())
                .collect(Collectors.toCollection(TreeSet::new));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("renders")
    void apiOperatorAndRetryPodsReachOnlyWhatTheirWorkNeeds(String name, List<HasMetadata> objects) {
        NetworkPolicy api = policy(objects, "fileconv-api");
        NetworkPolicy operator = policy(objects, "fileconv-operator");
        NetworkPolicy retry = policy(objects, "fileconv-retry");
        List.of(api, operator, retry).forEach(HelmChartTest::assertEveryRuleIsBounded);
        // Each policy selects the pods of its workload (labels of the pod templates).
        Map<String, String> apiPods = deployment(objects, "fileconv-api-in").getSpec().getTemplate().getMetadata().getLabels();
        assertThat(apiPods).containsAllEntriesOf(api.getSpec().getPodSelector().getMatchLabels());
        Map<String, String> opPods = deployment(objects, "fileconv-operator").getSpec().getTemplate().getMetadata().getLabels();
        assertThat(opPods).containsAllEntriesOf(operator.getSpec().getPodSelector().getMatchLabels());
        Map<String, String> retryPods = Chart.ofType(objects, CronJob.class).get(0).getSpec().getJobTemplate().getSpec().getTemplate()
                .getMetadata().getLabels();
        assertThat(retryPods).containsAllEntriesOf(retry.getSpec().getPodSelector().getMatchLabels());
        // DNS 53, MySQL 3306, S3/JWKS 443; the operator also the API server (443/6443) and Kafka (9093); retry MySQL only.
        assertThat(egressPorts(api)).containsExactly(53, 443, 3306);
        assertThat(egressPorts(operator)).containsExactly(53, 443, 3306, 6443, 9093);
        assertThat(egressPorts(retry)).containsExactly(53, 3306);
        assertThat(retry.getSpec().getIngress()).isEmpty();
        assertThat(api.getSpec().getIngress()).singleElement().satisfies(r -> assertThat(r.getPorts())
                .singleElement().satisfies(p -> assertThat(p.getPort().getIntVal()).isEqualTo(8080)));
        // The database rule never opens public addresses.
        assertThat(api.getSpec().getEgress()).filteredOn(r -> r.getPorts().get(0).getPort().getIntVal() == 3306).singleElement()
                .satisfies(r -> assertThat(r.getTo()).allSatisfy(p -> assertThat(p.getIpBlock().getCidr()).isNotEqualTo("0.0.0.0/0")));
    }

    @Test
    void pooledConvertersReachTheLeaderThroughTheWorkServiceAndGetNoStorageCredentials() {
        Deployment op = deployment(defaults, "fileconv-operator");
        Container c = op.getSpec().getTemplate().getSpec().getContainers().get(0);
        Map<String, String> env = Chart.env(c);
        assertThat(env).containsEntry("FILECONV_CONVERTER_MODE", "pool").containsEntry("FILECONV_CONVERTER_MAX_JOBS", "4")
                .containsEntry("FILECONV_WORK_SERVICE_URL", "http://fileconv-operator-work.fileconv.svc:8081")
                .doesNotContainKey("FILECONV_CONVERTER_S3_SECRET");
        // The leader names its own pod by HOSTNAME, which must stay the pod name (no hostname in the pod spec).
        assertThat(op.getSpec().getTemplate().getSpec().getHostname()).isNull();
        assertThat(c.getPorts()).anySatisfy(p -> {
            assertThat(p.getName()).isEqualTo("work");
            assertThat(p.getContainerPort()).isEqualTo(8081);
        });
        Service work = Chart.ofType(defaults, Service.class).stream()
                .filter(s -> s.getMetadata().getName().equals("fileconv-operator-work")).collect(singleton());
        // The leader's pod only: the operator's template labels plus the label the leader sets on itself.
        Map<String, String> selector = new HashMap<>(work.getSpec().getSelector());
        assertThat(selector.remove("fileconv.io/work-leader")).isEqualTo("true");
        assertThat(op.getSpec().getTemplate().getMetadata().getLabels()).containsAllEntriesOf(selector);
        assertThat(work.getSpec().getPorts()).singleElement().satisfies(p -> assertThat(p.getTargetPort().getStrVal()).isEqualTo("work"));
        // Only converter pods may call it.
        NetworkPolicy opPolicy = policy(defaults, "fileconv-operator");
        assertThat(opPolicy.getSpec().getIngress()).filteredOn(r -> r.getPorts().get(0).getPort().getIntVal() == 8081)
                .singleElement().satisfies(r -> assertThat(r.getFrom()).singleElement().satisfies(f -> assertThat(
                        f.getPodSelector().getMatchLabels()).containsEntry("app.kubernetes.io/name", "fileconv-converter")));

        var perFile = Chart.renderObjects(t -> t.set("converter.mode", "perFile"));
        assertThat(Chart.ofType(perFile, Service.class)).noneMatch(s -> s.getMetadata().getName().endsWith("-work"));
        assertThat(Chart.env(deployment(perFile, "fileconv-operator").getSpec().getTemplate().getSpec().getContainers().get(0)))
                .containsEntry("FILECONV_CONVERTER_MODE", "perFile").containsKey("FILECONV_CONVERTER_S3_SECRET")
                .doesNotContainKey("FILECONV_WORK_SERVICE_URL");
    }

    @Test
    void converterPodsMayReachTheCloudCredentialAgentOnlyWhenAsked() {
        var on = Chart.renderObjects(t -> t.set("networkPolicy.credentialAgent.enabled", true));
        NetworkPolicy np = policy(on, "fileconv-converter");
        assertThat(np.getSpec().getEgress()).filteredOn(r -> r.getPorts().get(0).getPort().getIntVal() == 80).singleElement()
                .satisfies(r -> assertThat(r.getTo()).singleElement()
                        .satisfies(p -> assertThat(p.getIpBlock().getCidr()).isEqualTo("169.254.170.23/32")));
        assertThat(egressPorts(policy(defaults, "fileconv-converter"))).containsExactly(53, 443, 8081);
        var perFile = Chart.renderObjects(t -> t.set("converter.mode", "perFile"));
        assertThat(egressPorts(policy(perFile, "fileconv-converter"))).as("per-file pods never call the operator")
                .containsExactly(53, 443);
    }

    @Test
    void schemaMigrationsRunAsAPreInstallAndPreUpgradeHookBeforeProcessesThatOnlyWaitForTheSchema() {
        List<HasMetadata> withHooks = Chart.renderWithHooks(List.of());
        assertThat(Chart.hookKinds(withHooks)).containsExactly(Map.entry("Job/fileconv-migrate", "pre-install,pre-upgrade"));
        var job = Chart.ofType(withHooks, Job.class).stream().collect(singleton());
        assertThat(job.getMetadata().getAnnotations()).containsEntry("helm.sh/hook-delete-policy", "before-hook-creation,hook-succeeded");
        PodSpec pod = job.getSpec().getTemplate().getSpec();
        assertThat(pod.getAutomountServiceAccountToken()).isFalse();
        Container c = pod.getContainers().get(0);
        assertThat(c.getImage()).isEqualTo("docker.io/fileconv/operator:0.1.0");
        assertThat(c.getCommand()).containsExactly("java", "-cp", "/opt/fileconv/fileconv-operator.jar",
                "io.fileconv.operator.migrate.MigrateMain");
        String mainClass = c.getCommand().get(3);
        assertThat(Repo.path("operator/src/main/java/" + mainClass.replace('.', '/') + ".java")).isRegularFile();
        assertThat(Chart.env(c)).containsEntry("FILECONV_REGIONS", "in").containsEntry("FILECONV_MIGRATE_DIRECTORY", "true")
                .doesNotContainKey("FILECONV_DB_MIGRATE");
        // Every long-running process and the retry job leave migrations to the hook.
        for (Map.Entry<String, PodSpec> e : Chart.podSpecs(withHooks).entrySet()) {
            assertThat(Chart.env(e.getValue().getContainers().get(0))).as(e.getKey()).containsEntry("FILECONV_DB_MIGRATE", "false");
        }
        // The migration user is its own Secret when configured.
        var custom = Chart.renderWithHooks(Chart.cellValues("in"));
        var migrate = Chart.ofType(custom, Job.class).get(0).getSpec().getTemplate().getSpec()
                .getContainers().get(0);
        assertThat(migrate.getEnv()).filteredOn(e -> e.getName().equals("FILECONV_DB_PASSWORD")).singleElement()
                .satisfies(e -> assertThat(e.getValueFrom().getSecretKeyRef().getName()).isEqualTo("fileconv-db-migrate"));
        assertThat(migrate.getEnv()).filteredOn(e -> e.getName().equals("FILECONV_DIRECTORY_DB_PASSWORD")).singleElement()
                .satisfies(e -> assertThat(e.getValueFrom().getSecretKeyRef().getName()).isEqualTo("fileconv-directory-migrate"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("renders")
    void retryRunsDailyOneAtATime(String name, List<HasMetadata> objects) {
        CronJob cron = Chart.ofType(objects, CronJob.class).stream().collect(singleton());
        String[] fields = cron.getSpec().getSchedule().split(" ");
        assertThat(fields).hasSize(5);
        assertThat(Arrays.copyOfRange(fields, 2, 5)).as("daily: every day of month, month and weekday").containsOnly("*");
        assertThat(fields[0]).matches("\\d+");
        assertThat(fields[1]).matches("\\d+");
        assertThat(cron.getSpec().getConcurrencyPolicy()).isEqualTo("Forbid");
        Container c = cron.getSpec().getJobTemplate().getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(c.getCommand()).last().isEqualTo("io.fileconv.operator.retry.RetryMain");
        assertThat(c.getImage()).isEqualTo("docker.io/fileconv/operator:0.1.0");
    }

    @Test
    void threeRegionsGetOneApiEachWithItsOwnRegionBucketAndRedirectUrls() {
        Set<String> codes = Arrays.stream(Region.values()).map(Region::code).collect(Collectors.toSet());
        for (Region region : Region.values()) {
            Deployment api = deployment(threeRegions, "fileconv-api-" + region.code());
            Map<String, String> env = Chart.env(api.getSpec().getTemplate().getSpec().getContainers().get(0));
            String upper = region.name();
            assertThat(env).containsEntry("FILECONV_REGIONS", region.code())
                    .containsEntry("FILECONV_S3_BUCKET_" + upper, "fileconv-prod-" + region.code())
                    .containsEntry("FILECONV_DEV_ISSUER", "false")
                    .containsEntry("FILECONV_JWT_JWKS_URL", "https://login.fileconv.io/.well-known/jwks.json")
                    .containsEntry("FILECONV_MAX_UPLOAD_BYTES", "104857600");
            // Only its own bucket: an API never writes outside its region.
            assertThat(env.keySet().stream().filter(k -> k.startsWith("FILECONV_S3_BUCKET_"))).containsExactly("FILECONV_S3_BUCKET_" + upper);
            for (String other : codes) {
                assertThat(env).containsEntry("FILECONV_REGION_URL_" + other.toUpperCase(Locale.ROOT),
                        "https://" + other + ".files.fileconv.io");
            }
            assertPdbSelects(threeRegions, api);
            Service svc = Chart.ofType(threeRegions, Service.class).stream()
                    .filter(s -> s.getMetadata().getName().equals(api.getMetadata().getName())).collect(singleton());
            assertThat(api.getSpec().getTemplate().getMetadata().getLabels()).containsAllEntriesOf(svc.getSpec().getSelector());
        }
        Deployment op = deployment(threeRegions, "fileconv-operator");
        Map<String, String> env = Chart.env(op.getSpec().getTemplate().getSpec().getContainers().get(0));
        assertThat(env.get("FILECONV_REGIONS").split(",")).containsExactlyInAnyOrderElementsOf(codes);
        for (Region region : Region.values()) {
            assertThat(env).containsKey("FILECONV_S3_BUCKET_" + region.name());
        }
    }

    @ParameterizedTest
    @EnumSource(Region.class)
    void aCellHoldsNothingOfAnotherRegion(Region region) {
        List<HasMetadata> cell = Chart.renderCell(region.code());
        String upper = region.name();
        for (Map.Entry<String, PodSpec> e : Chart.podSpecs(cell).entrySet()) {
            for (Container c : e.getValue().getContainers()) {
                Map<String, String> env = Chart.env(c);
                assertThat(env.get("FILECONV_REGIONS")).as(e.getKey()).isEqualTo(region.code());
                // Buckets: its own only; database: its own server; no static S3 keys (IRSA role of this region).
                assertThat(env.keySet().stream().filter(k -> k.startsWith("FILECONV_S3_BUCKET_")).toList()).as(e.getKey())
                        .allMatch(k -> k.equals("FILECONV_S3_BUCKET_" + upper));
                assertThat(env.get("FILECONV_DB_URL")).as(e.getKey()).contains("fileconv-" + region.code() + ".internal")
                        .contains("sslMode=VERIFY_IDENTITY");
                assertThat(env).as(e.getKey()).doesNotContainKeys("FILECONV_S3_ACCESS_KEY", "FILECONV_S3_SECRET_KEY");
                for (Region other : Region.values()) {
                    if (other != region) {
                        assertThat(env.values()).as(e.getKey()).noneMatch(v -> v != null && (v.contains("fileconv-prod-" + other.code())
                                || v.contains("fileconv-" + other.code() + ".internal")));
                    }
                }
            }
        }
        ServiceAccount operatorSa = Chart.ofType(cell, ServiceAccount.class).stream()
                .filter(a -> a.getMetadata().getName().equals("fileconv-operator")).collect(singleton());
        assertThat(operatorSa.getMetadata().getAnnotations().get("eks.amazonaws.com/role-arn")).endsWith("/fileconv-" + region.code());
        // Users of the other regions are redirected to their cells' public URLs (global, no data).
        Map<String, String> api = Chart.env(deployment(cell, "fileconv-api-" + region.code()).getSpec().getTemplate().getSpec()
                .getContainers().get(0));
        for (Region other : Region.values()) {
            assertThat(api).containsEntry("FILECONV_REGION_URL_" + other.name(), "https://" + other.code() + ".files.fileconv.io");
        }
        // The directory is global and configured apart from the region's database.
        assertThat(api.get("FILECONV_DIRECTORY_DB_URL")).startsWith("jdbc:mysql://directory.fileconv.internal:3306/");
    }

    @ParameterizedTest
    @EnumSource(Region.class)
    void everyFileAVariableNamesIsMountedReadOnlyFromASecretInThatPod(Region region) {
        List<HasMetadata> cell = Chart.renderWithHooks(Chart.cellValues(region.code()));
        var pods = new LinkedHashMap<>(Chart.podSpecs(cell));
        Chart.ofType(cell, Job.class)
                .forEach(j -> pods.put(j.getMetadata().getName(), j.getSpec().getTemplate().getSpec()));
        int files = 0;
        for (Map.Entry<String, PodSpec> e : pods.entrySet()) {
            Container c = e.getValue().getContainers().get(0);
            for (Map.Entry<String, String> v : Chart.env(c).entrySet()) {
                if (v.getValue() == null || !v.getKey().endsWith("_FILE")) {
                    continue;
                }
                files++;
                var mount = c.getVolumeMounts().stream().filter(m -> v.getValue().startsWith(m.getMountPath() + "/"))
                        .collect(singleton());
                assertThat(mount.getReadOnly()).as("%s %s", e.getKey(), v.getKey()).isTrue();
                var volume = e.getValue().getVolumes().stream().filter(vol -> vol.getName().equals(mount.getName()))
                        .collect(singleton());
                String file = v.getValue().substring(mount.getMountPath().length() + 1);
                assertThat(volume.getSecret().getItems()).as("%s %s", e.getKey(), v.getKey())
                        .anySatisfy(i -> assertThat(i.getPath()).isEqualTo(file));
            }
        }
        // The operator's Kafka CA and the database CAs of API, operator, retry job and migration Job.
        assertThat(files).isGreaterThanOrEqualTo(9);
    }

    @Test
    void ingressExposesOnlyTheApiOverTls() {
        List<Ingress> ingresses = Chart.ofType(threeRegions, Ingress.class);
        assertThat(ingresses).hasSize(Region.values().length);
        for (Ingress ing : ingresses) {
            assertThat(ing.getSpec().getTls()).singleElement().satisfies(tls ->
                    assertThat(tls.getHosts()).containsExactly(ing.getSpec().getRules().get(0).getHost()));
            assertThat(ing.getSpec().getRules().get(0).getHttp().getPaths())
                    .extracting(p -> p.getPath())
                    .containsExactlyInAnyOrder("/api", "/openapi.json")
                    .noneMatch(p -> p.equals("/") || p.startsWith("/metrics") || p.startsWith("/healthz"));
        }
        assertThat(Chart.ofType(defaults, Ingress.class)).isEmpty();
    }

    @Test
    void serviceMonitorsScrapeMetricsOfEachComponentWhenEnabled() {
        assertThat(defaults).noneMatch(o -> o.getKind().equals("ServiceMonitor"));
        List<GenericKubernetesResource> monitors = threeRegions.stream()
                .filter(o -> o.getKind().equals("ServiceMonitor")).map(GenericKubernetesResource.class::cast).toList();
        assertThat(monitors).extracting(m -> m.getMetadata().getName()).containsExactlyInAnyOrder("fileconv-api", "fileconv-operator");
        for (GenericKubernetesResource m : monitors) {
            assertThat(m.getMetadata().getLabels()).containsEntry("release", "kube-prometheus-stack");
            Map<String, Object> spec = m.get("spec");
            @SuppressWarnings("unchecked")
            Map<String, String> match = (Map<String, String>) ((Map<String, Object>) spec.get("selector")).get("matchLabels");
            List<Service> selected = Chart.ofType(threeRegions, Service.class).stream()
                    .filter(s -> s.getMetadata().getLabels().entrySet().containsAll(match.entrySet())).toList();
            assertThat(selected).as(m.getMetadata().getName()).isNotEmpty()
                    .allSatisfy(s -> assertThat(s.getSpec().getPorts()).anyMatch(p -> p.getName().equals("http")));
            assertThat(m.<String>get("spec", "endpoints", 0, "path")).isEqualTo("/metrics");
        }
    }

    @Test
    void argoHalvesRenderDisjointObjects() {
        var apiOnly = Chart.renderObjects(t -> t.withValuesFile(Chart.threeRegionValues()).set("operator.enabled", false));
        var operatorOnly = Chart.renderObjects(t -> t.withValuesFile(Chart.threeRegionValues()).set("api.enabled", false).skipCrds());
        Set<String> a = apiOnly.stream().filter(o -> !(o instanceof CustomResourceDefinition)).map(HelmChartTest::key).collect(Collectors.toSet());
        Set<String> b = operatorOnly.stream().map(HelmChartTest::key).collect(Collectors.toSet());
        assertThat(a).doesNotContainAnyElementsOf(b);
        Set<String> whole = threeRegions.stream().filter(o -> !(o instanceof CustomResourceDefinition)).map(HelmChartTest::key).collect(Collectors.toSet());
        assertThat(Stream.concat(a.stream(), b.stream()).collect(Collectors.toSet())).isEqualTo(whole);
        assertThat(operatorOnly).noneMatch(o -> o instanceof CustomResourceDefinition);
    }

    @Test
    void imagePullSecretsReachEveryPodAndTheConverterJobs() {
        var objects = Chart.renderObjects(t -> t.set("image.pullSecrets[0]", "regcred").set("image.registry", "registry.example.net:5000"));
        Chart.podSpecs(objects).forEach((owner, pod) -> {
            assertThat(pod.getImagePullSecrets()).as(owner).extracting(r -> r.getName()).containsExactly("regcred");
            assertThat(pod.getContainers().get(0).getImage()).as(owner).startsWith("registry.example.net:5000/fileconv/");
        });
        Map<String, String> env = Chart.env(deployment(objects, "fileconv-operator").getSpec().getTemplate().getSpec().getContainers().get(0));
        assertThat(env).containsEntry("FILECONV_CONVERTER_PULL_SECRETS", "regcred")
                .containsEntry("FILECONV_CONVERTER_IMAGE", "registry.example.net:5000/fileconv/converter:0.1.0");
    }

    @Test
    void retentionIsOffByDefaultAndReachesTheOperatorWhenSet() {
        Map<String, String> keep = Chart.env(deployment(Chart.renderObjects(t -> t), "fileconv-operator")
                .getSpec().getTemplate().getSpec().getContainers().get(0));
        assertThat(keep).containsEntry("FILECONV_RETENTION_DAYS", "0")
                .containsEntry("FILECONV_RETENTION_SWEEP_SECONDS", "3600");
        Map<String, String> thirty = Chart.env(deployment(Chart.renderObjects(t -> t.set("retention.days", 30)
                .set("retention.sweepSeconds", 600)), "fileconv-operator").getSpec().getTemplate().getSpec()
                .getContainers().get(0));
        assertThat(thirty).containsEntry("FILECONV_RETENTION_DAYS", "30")
                .containsEntry("FILECONV_RETENTION_SWEEP_SECONDS", "600");
    }

    @Test
    void pdfLinksAreOffByDefaultAndNameThePublicEndpointWhenOn() {
        Map<String, String> streaming = Chart.env(deployment(Chart.renderObjects(t -> t), "fileconv-api-in")
                .getSpec().getTemplate().getSpec().getContainers().get(0));
        assertThat(streaming).doesNotContainKeys("FILECONV_PDF_LINK_SECONDS", "FILECONV_S3_PUBLIC_ENDPOINT");
        Map<String, String> linking = Chart.env(deployment(Chart.renderObjects(t -> t.set("api.pdfLinkSeconds", 300)
                .set("s3.publicEndpoint", "https://files.example.net")), "fileconv-api-in")
                .getSpec().getTemplate().getSpec().getContainers().get(0));
        assertThat(linking).containsEntry("FILECONV_PDF_LINK_SECONDS", "300")
                .containsEntry("FILECONV_S3_PUBLIC_ENDPOINT", "https://files.example.net");
    }

    private static String key(HasMetadata o) {
        return o.getKind() + "/" + o.getMetadata().getName();
    }

    static Stream<Arguments> invalidValues() {
        // key, value, JSON pointer (and detail) the schema error must name - so the test fails for the right reason.
        return Stream.of(
                Arguments.of("operator.replicas", "two", "/operator/replicas"),
                Arguments.of("regions[0].code", "eu", "/regions/0/code"),
                Arguments.of("auth.devIssuer", "yes", "/auth/devIssuer"),
                Arguments.of("image.pullPolicy", "Sometimes", "/image/pullPolicy"),
                Arguments.of("database.url", "mysql://db:3306/fileconv", "/database/url"),
                Arguments.of("kafka.bootstrapServers", "kafka", "/kafka/bootstrapServers"),
                Arguments.of("retry.schedule", "daily", "/retry/schedule"),
                Arguments.of("retention.days", "-1", "/retention/days"),
                Arguments.of("operator.replicaCount", "2", "replicaCount"),
                Arguments.of("auth.jwksUrl", "http://issuer/jwks", "/auth/jwksUrl"),
                Arguments.of("api.limits.maxInFlight", "-1", "/api/limits/maxInFlight"),
                Arguments.of("api.http.headerTimeoutSeconds", "0", "/api/http/headerTimeoutSeconds"),
                Arguments.of("api.limits.archive.maxRatio", "0", "/api/limits/archive/maxRatio"),
                Arguments.of("auth.tokenTypes", "at+jwt;rm", "/auth/tokenTypes"),
                Arguments.of("auth.oidc.issuer", "http://idp.example.com/realms/x", "/auth/oidc/issuer"));
    }

    @ParameterizedTest(name = "{0}={1}")
    @MethodSource("invalidValues")
    void schemaRejectsWrongValues(String key, String value, String pointer) {
        // On top of the valid three-region file, so the only violation is the one under test.
        assertThatThrownBy(() -> Chart.render(t -> t.withValuesFile(Chart.threeRegionValues()).set(key, value)))
                .hasMessageContaining("values don't meet the specifications of the schema")
                .hasMessageContaining(pointer);
    }

    @Test
    void crossFieldChecksFailTheRender() {
        assertThatThrownBy(() -> Chart.render(t -> t.withValuesFile(Chart.threeRegionValues()).set("regions[1].code", "in")))
                .hasMessageContaining("listed twice");
        assertThatThrownBy(() -> Chart.render(t -> t.set("converter.activeDeadlineSeconds", 100)))
                .hasMessageContaining("activeDeadlineSeconds must exceed");
        assertThatThrownBy(() -> Chart.render(t -> t.set("ingress.enabled", true)))
                .hasMessageContaining("tlsSecretTemplate is required");
        assertThatThrownBy(() -> Chart.render(t -> t.set("api.limits.archive.maxMarkupBytes", 1073741824)))
                .hasMessageContaining("maxMarkupBytes must not exceed");
    }

    @Test
    void theDevelopmentIssuerIsRefusedBehindAnIngress() {
        // The three-region values have the Ingress on: the same file renders with the issuer off...
        assertThat(Chart.render(t -> t.withValuesFile(Chart.threeRegionValues()))).isNotEmpty();
        // ...and fails with it on, naming why.
        assertThatThrownBy(() -> Chart.render(t -> t.withValuesFile(Chart.threeRegionValues()).set("auth.devIssuer", true)))
                .hasMessageContaining("auth.devIssuer cannot be combined with ingress.enabled");
        // Without an Ingress (port-forward) a development cell may still have it.
        Map<String, String> env = Chart.env(deployment(Chart.renderObjects(t -> t.set("auth.devIssuer", true)),
                "fileconv-api-in").getSpec().getTemplate().getSpec().getContainers().get(0));
        assertThat(env).containsEntry("FILECONV_DEV_ISSUER", "true");
    }

    @Test
    void abuseLimitsReachTheApiFromValues() {
        Map<String, String> defaults = Chart.env(deployment(Chart.renderObjects(t -> t), "fileconv-api-in")
                .getSpec().getTemplate().getSpec().getContainers().get(0));
        assertThat(defaults).containsEntry("FILECONV_JWT_TYPES", "at+jwt")
                .containsEntry("FILECONV_USER_UPLOADS_PER_MINUTE", "60").containsEntry("FILECONV_USER_MAX_IN_FLIGHT", "20")
                .containsEntry("FILECONV_MAX_IMAGE_PIXELS", "50000000")
                .containsEntry("FILECONV_HTTP_IDLE_TIMEOUT_SECONDS", "30")
                .containsEntry("FILECONV_HTTP_HEADER_TIMEOUT_SECONDS", "10")
                .containsEntry("FILECONV_HTTP_MIN_REQUEST_BYTES_PER_SECOND", "8192")
                .containsEntry("FILECONV_ARCHIVE_MAX_ENTRIES", "10000")
                .containsEntry("FILECONV_ARCHIVE_MAX_INFLATED_BYTES", "536870912")
                .containsEntry("FILECONV_ARCHIVE_MAX_RATIO", "200")
                .containsEntry("FILECONV_ARCHIVE_MAX_MARKUP_BYTES", "67108864");
        // The collector bench/api.sh measured the API's memory bound with (50 x 100 MiB uploads, 512 MiB heap).
        assertThat(defaults.get("JAVA_TOOL_OPTIONS")).contains("-XX:+UseSerialGC");
        assertThat(Repo.read(Repo.path("bench/api.sh"))).contains("-Xmx512m -XX:+UseSerialGC");
        Map<String, String> set = Chart.env(deployment(Chart.renderObjects(t -> t.set("api.limits.uploadsPerMinute", 0)
                .set("api.limits.maxImagePixels", 120000000).set("auth.tokenTypes", "at+jwt,JWT")
                .set("api.limits.archive.maxMarkupBytes", 33554432)), "fileconv-api-in")
                .getSpec().getTemplate().getSpec().getContainers().get(0));
        assertThat(set).containsEntry("FILECONV_USER_UPLOADS_PER_MINUTE", "0")
                .containsEntry("FILECONV_MAX_IMAGE_PIXELS", "120000000").containsEntry("FILECONV_JWT_TYPES", "at+jwt,JWT")
                .containsEntry("FILECONV_ARCHIVE_MAX_MARKUP_BYTES", "33554432");
    }

    @Test
    void oidcSignInReachesTheApiFromValues() {
        Map<String, String> defaults = Chart.env(deployment(Chart.renderObjects(t -> t), "fileconv-api-in")
                .getSpec().getTemplate().getSpec().getContainers().get(0));
        assertThat(defaults).doesNotContainKeys("FILECONV_OIDC_ISSUER", "FILECONV_OIDC_CLIENT_ID", "FILECONV_OIDC_SCOPES");
        Map<String, String> set = Chart.env(deployment(Chart.renderObjects(t -> t
                .set("auth.oidc.issuer", "https://login.example.com/realms/fileconv")
                .set("auth.oidc.clientId", "fileconv-web").set("auth.oidc.scopes", "openid profile offline_access")),
                "fileconv-api-in").getSpec().getTemplate().getSpec().getContainers().get(0));
        assertThat(set).containsEntry("FILECONV_OIDC_ISSUER", "https://login.example.com/realms/fileconv")
                .containsEntry("FILECONV_OIDC_CLIENT_ID", "fileconv-web")
                .containsEntry("FILECONV_OIDC_SCOPES", "openid profile offline_access");
        assertThatThrownBy(() -> Chart.render(t -> t.set("auth.oidc.issuer", "https://login.example.com/realms/x")))
                .hasMessageContaining("auth.oidc.clientId is required with auth.oidc.issuer");
    }

    private static Deployment deployment(List<HasMetadata> objects, String name) {
        return Chart.ofType(objects, Deployment.class).stream().filter(d -> d.getMetadata().getName().equals(name)).collect(singleton());
    }

    private static void assertPdbSelects(List<HasMetadata> objects, Deployment d) {
        PodDisruptionBudget pdb = Chart.ofType(objects, PodDisruptionBudget.class).stream()
                .filter(p -> p.getMetadata().getName().equals(d.getMetadata().getName())).collect(singleton());
        assertThat(pdb.getSpec().getMaxUnavailable().getIntVal()).isEqualTo(1);
        assertThat(pdb.getSpec().getSelector().getMatchLabels()).isEqualTo(d.getSpec().getSelector().getMatchLabels());
    }

    private static <T> Collector<T, ?, T> singleton() {
        return Collectors.collectingAndThen(Collectors.toList(), list -> {
            assertThat(list).hasSize(1);
            return list.get(0);
        });
    }
}
