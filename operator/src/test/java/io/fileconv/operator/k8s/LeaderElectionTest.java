package io.fileconv.operator.k8s;

import io.fileconv.operator.k8s.crd.FileConversion;
import io.fabric8.kubernetes.api.model.authorization.v1.ResourceRuleBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReviewBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fileconv.core.ConversionRequest;
import io.fileconv.core.FileStatus;
import io.fileconv.core.Region;
import io.fileconv.operator.k8s.crd.FileConversionPhase;
import io.fileconv.pipeline.status.ConversionAttempt;
import io.fileconv.operator.k8s.reconciler.InMemoryStatusSink;
import io.fileconv.testkit.MockClusterExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static io.fileconv.operator.k8s.OperatorTestSupport.NAMESPACE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Two replicas on one API server: only the holder of the Lease reconciles; the other takes over when it stops. */
@ExtendWith(MockClusterExtension.class)
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class LeaderElectionTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    KubernetesClient client;
    KubernetesMockServer server;

    private FileconvOperator first;
    private FileconvOperator second;

    @BeforeEach
    void allowLeases() {
        // JOSDK checks its RBAC for Leases with a SelfSubjectRulesReview, which the CRUD mock cannot answer.
        SelfSubjectRulesReview allowed = new SelfSubjectRulesReviewBuilder().withNewStatus()
                .withIncomplete(false)
                .withResourceRules(new ResourceRuleBuilder().withApiGroups("coordination.k8s.io")
                        .withResources("leases").withVerbs("get", "create", "update").build())
                .endStatus().build();
        server.expect().post().withPath("/apis/authorization.k8s.io/v1/selfsubjectrulesreviews")
                .andReturn(201, allowed).always();
    }

    @AfterEach
    void stop() {
        for (FileconvOperator o : new FileconvOperator[] {second, first}) {
            if (o != null) {
                o.close();
            }
        }
    }

    private FileconvOperator replica(String identity, InMemoryStatusSink sink, AtomicBoolean lostLeadership) {
        OperatorSettings base = OperatorTestSupport.settings(Duration.ofHours(1));
        OperatorSettings.LeaderElection le = new OperatorSettings.LeaderElection(identity, Duration.ofSeconds(3),
                Duration.ofSeconds(2), Duration.ofMillis(300));
        FileconvOperator operator = new FileconvOperator(client,
                new OperatorSettings(base.namespace(), base.finishedTtl(), le, base.job()), sink,
                () -> lostLeadership.set(true));
        operator.start();
        return operator;
    }

    private String holder() {
        Lease lease = client.leases().inNamespace(NAMESPACE).withName(OperatorSettings.LEASE_NAME).get();
        return lease == null || lease.getSpec() == null ? null : lease.getSpec().getHolderIdentity();
    }

    @Test
    void onlyTheLeaderReconcilesAndTheOtherTakesOver() {
        InMemoryStatusSink firstSink = new InMemoryStatusSink();
        InMemoryStatusSink secondSink = new InMemoryStatusSink();
        AtomicBoolean firstLost = new AtomicBoolean();
        first = replica("replica-a", firstSink, firstLost);
        await().atMost(WAIT).until(() -> "replica-a".equals(holder()));
        second = replica("replica-b", secondSink, new AtomicBoolean());

        ConversionRequest request = OperatorTestSupport.request(Region.IN, 1);
        ConversionAttempt attempt = new ConversionAttempt(request.region(), request.fileId(), request.attempt());
        new KubernetesLauncher(client, NAMESPACE).launch(request);
        String name = FileConversion.nameOf(request);
        await().atMost(WAIT).until(() -> OperatorTestSupport.job(client, name) != null);
        Instant started = Instant.now();
        OperatorTestSupport.markRunning(client, name, started);
        await().atMost(WAIT).until(() -> firstSink.status(attempt) == FileStatus.CONVERTING);
        assertThat(secondSink.changes()).as("the standby replica wrote nothing").isEmpty();
        assertThat(holder()).isEqualTo("replica-a");

        first.close();
        first = null;
        assertThat(firstLost).as("the stopped leader was told it lost the Lease").isTrue();
        await().atMost(WAIT).until(() -> "replica-b".equals(holder()));

        OperatorTestSupport.markSucceeded(client, name, started, started.plusSeconds(2));
        await().atMost(WAIT).until(() -> secondSink.status(attempt) == FileStatus.CONVERTED);
        await().atMost(WAIT).until(() -> OperatorTestSupport.conversion(client, name).getStatus().getPhase()
                == FileConversionPhase.Succeeded);
        assertThat(firstSink.changes()).extracting(InMemoryStatusSink.Change::status)
                .containsExactly(FileStatus.CONVERTING);
        assertThat(client.batch().v1().jobs().inNamespace(NAMESPACE).list().getItems()).hasSize(1);
    }
}
