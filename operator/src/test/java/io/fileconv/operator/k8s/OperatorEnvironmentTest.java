package io.fileconv.operator.k8s;

import io.fileconv.core.Region;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OperatorEnvironmentTest {

    @Test
    void defaultsNeedOnlyTheImage() {
        OperatorSettings s = new OperatorEnvironment(Map.of("FILECONV_CONVERTER_IMAGE", "conv:1", "HOSTNAME", "op-0"))
                .settings("team-a");
        assertThat(s.namespace()).isEqualTo("team-a");
        assertThat(s.finishedTtl()).isEqualTo(Duration.ofMinutes(10));
        assertThat(s.leaderElection().identity()).isEqualTo("op-0");
        assertThat(s.job().image()).isEqualTo("conv:1");
        assertThat(s.job().imagePullPolicy()).isEqualTo("IfNotPresent");
        assertThat(s.job().activeDeadline()).isEqualTo(Duration.ofSeconds(300));
        assertThat(s.job().s3CredentialsSecret()).isEqualTo("fileconv-s3");
        assertThat(s.job().s3Endpoint()).isNull();
        assertThat(s.job().imagePullSecrets()).isEmpty();
        assertThat(s.pool()).as("pooled converters are the default").isNotNull();
        assertThat(s.pool().workPort()).isEqualTo(8081);
        assertThat(s.pool().workServiceUrl()).isEqualTo("http://fileconv-operator-work:8081");
        assertThat(s.pool().lease()).isEqualTo(Duration.ofSeconds(30));
        assertThat(s.pool().minJobs()).isZero();
        assertThat(s.pool().maxJobs()).isEqualTo(4);
        assertThat(s.pool().maxLargeInFlight()).as("large documents leave a worker free").isEqualTo(3);
        assertThat(s.pool().maxLeaseLosses()).isEqualTo(3);
    }

    @Test
    void sweeperDefaultsOverridesAndOff() {
        var defaults = new OperatorEnvironment(Map.of()).sweeper();
        assertThat(defaults.interval()).isEqualTo(Duration.ofSeconds(60));
        assertThat(defaults.grace()).isEqualTo(Duration.ofSeconds(300));
        assertThat(defaults.enabled()).isTrue();
        var set = new OperatorEnvironment(Map.of("FILECONV_SWEEP_SECONDS", "15", "FILECONV_SWEEP_GRACE_SECONDS", "90"))
                .sweeper();
        assertThat(set.interval()).isEqualTo(Duration.ofSeconds(15));
        assertThat(set.grace()).isEqualTo(Duration.ofSeconds(90));
        assertThat(new OperatorEnvironment(Map.of("FILECONV_SWEEP_SECONDS", "0")).sweeper().enabled()).isFalse();
        assertThatThrownBy(() -> new OperatorEnvironment(Map.of("FILECONV_SWEEP_SECONDS", "soon")).sweeper())
                .hasMessageContaining("FILECONV_SWEEP_SECONDS");
    }

    @Test
    void retentionIsOffUnlessDaysAreSet() {
        var defaults = new OperatorEnvironment(Map.of()).retention();
        assertThat(defaults.enabled()).isFalse();
        assertThat(new OperatorEnvironment(Map.of("FILECONV_RETENTION_DAYS", "0")).retention().enabled()).isFalse();
        var set = new OperatorEnvironment(Map.of("FILECONV_RETENTION_DAYS", "30",
                "FILECONV_RETENTION_SWEEP_SECONDS", "600")).retention();
        assertThat(set.enabled()).isTrue();
        assertThat(set.retention()).isEqualTo(Duration.ofDays(30));
        assertThat(set.interval()).isEqualTo(Duration.ofSeconds(600));
        assertThat(defaults.interval()).isEqualTo(Duration.ofHours(1));
        assertThatThrownBy(() -> new OperatorEnvironment(Map.of("FILECONV_RETENTION_DAYS", "-1")).retention())
                .hasMessageContaining("FILECONV_RETENTION_DAYS");
    }

    @Test
    void poolSettingsAndThePerFileMode() {
        OperatorSettings s = new OperatorEnvironment(Map.ofEntries(
                Map.entry("FILECONV_CONVERTER_IMAGE", "conv:1"),
                Map.entry("FILECONV_WORK_PORT", "9090"),
                Map.entry("FILECONV_WORK_SERVICE_URL", "http://work.fileconv.svc:9090"),
                Map.entry("FILECONV_WORK_LEASE_SECONDS", "20"),
                Map.entry("FILECONV_CONVERTER_MIN_JOBS", "1"),
                Map.entry("FILECONV_CONVERTER_MAX_JOBS", "8"),
                Map.entry("FILECONV_CONVERTER_IDLE_SECONDS", "90"),
                Map.entry("FILECONV_WORK_MAX_LEASE_LOSSES", "5"))).settings("x");
        assertThat(s.pool().workPort()).isEqualTo(9090);
        assertThat(s.pool().workServiceUrl()).isEqualTo("http://work.fileconv.svc:9090");
        assertThat(s.pool().lease()).isEqualTo(Duration.ofSeconds(20));
        assertThat(s.pool().minJobs()).isEqualTo(1);
        assertThat(s.pool().maxJobs()).isEqualTo(8);
        assertThat(s.pool().idle()).isEqualTo(Duration.ofSeconds(90));
        assertThat(s.pool().maxLeaseLosses()).isEqualTo(5);
        assertThat(new OperatorEnvironment(Map.of("FILECONV_CONVERTER_IMAGE", "c", "FILECONV_CONVERTER_MODE",
                "perFile")).settings("x").pool()).isNull();
        assertThatThrownBy(() -> new OperatorEnvironment(Map.of("FILECONV_CONVERTER_IMAGE", "c",
                "FILECONV_CONVERTER_MODE", "pooled")).settings("x")).hasMessageContaining("pool or perFile");
        assertThatThrownBy(() -> new OperatorEnvironment(Map.of("FILECONV_CONVERTER_IMAGE", "c",
                "FILECONV_CONVERTER_MIN_JOBS", "5", "FILECONV_CONVERTER_MAX_JOBS", "2")).settings("x"))
                .hasMessageContaining("FILECONV_CONVERTER_MIN_JOBS");
    }

    @Test
    void everySettingCanBeOverridden() {
        OperatorEnvironment env = new OperatorEnvironment(Map.ofEntries(
                Map.entry("FILECONV_CONVERTER_IMAGE", "conv:2"),
                Map.entry("FILECONV_OPERATOR_NAMESPACE", "fileconv"),
                Map.entry("FILECONV_FINISHED_TTL_SECONDS", "60"),
                Map.entry("FILECONV_LEADER_ELECTION", "false"),
                Map.entry("FILECONV_CONVERTER_PULL_POLICY", "Always"),
                Map.entry("FILECONV_CONVERTER_TIMEOUT_SECONDS", "30"),
                Map.entry("FILECONV_CONVERTER_DEADLINE_SECONDS", "90"),
                Map.entry("FILECONV_CONVERTER_MEMORY_LIMIT", "2Gi"),
                Map.entry("FILECONV_CONVERTER_S3_SECRET", " "),
                Map.entry("FILECONV_S3_ENDPOINT", "http://minio:9000"),
                Map.entry("FILECONV_CONVERTER_PULL_SECRETS", "regcred, mirror-creds,"),
                Map.entry("FILECONV_REGIONS", "us, uk")));
        OperatorSettings s = env.settings(null);
        assertThat(s.namespace()).isEqualTo("fileconv");
        assertThat(s.finishedTtl()).isEqualTo(Duration.ofSeconds(60));
        assertThat(s.leaderElection()).isNull();
        assertThat(s.job().imagePullPolicy()).isEqualTo("Always");
        assertThat(s.job().conversionTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(s.job().activeDeadline()).isEqualTo(Duration.ofSeconds(90));
        assertThat(s.job().memoryLimit()).isEqualTo("2Gi");
        assertThat(s.job().s3CredentialsSecret()).as("blank = use the pod's cloud identity").isNull();
        assertThat(s.job().s3Endpoint()).isEqualTo("http://minio:9000");
        assertThat(s.job().imagePullSecrets()).containsExactly("regcred", "mirror-creds");
        assertThat(env.regions()).containsExactlyInAnyOrder(Region.US, Region.UK);
    }

    @Test
    void refusesMissingImageAndADeadlineShorterThanTheTimeout() {
        assertThatThrownBy(() -> new OperatorEnvironment(Map.of()).settings("x"))
                .hasMessageContaining("FILECONV_CONVERTER_IMAGE");
        assertThatThrownBy(() -> new OperatorEnvironment(Map.of("FILECONV_CONVERTER_IMAGE", "c",
                "FILECONV_CONVERTER_TIMEOUT_SECONDS", "300", "FILECONV_CONVERTER_DEADLINE_SECONDS", "200")).settings("x"))
                .hasMessageContaining("must exceed");
    }
}
