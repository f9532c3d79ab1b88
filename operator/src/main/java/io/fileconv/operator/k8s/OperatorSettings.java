package io.fileconv.operator.k8s;

import io.fileconv.operator.k8s.job.ConverterJobSettings;
import io.fileconv.pipeline.work.PoolSettings;

import java.time.Duration;

/**
 * How the Kubernetes side of the operator runs.
 *
 * @param namespace      where FileConversions, their Jobs and the leader Lease live
 * @param finishedTtl    how long a finished FileConversion stays before the reconciler deletes it
 * @param leaderElection null = no leader election (a single replica, or tests)
 * @param pool           the pooled converter mode; null = one Job per FileConversion (perFile)
 */
public record OperatorSettings(String namespace, Duration finishedTtl, LeaderElection leaderElection,
                               ConverterJobSettings job, PoolSettings pool) {

    /** One Job per FileConversion. */
    public OperatorSettings(String namespace, Duration finishedTtl, LeaderElection leaderElection,
                            ConverterJobSettings job) {
        this(namespace, finishedTtl, leaderElection, job, null);
    }

    public static final String LEASE_NAME = "fileconv-operator";

    /** Lease timings; the identity defaults to the pod name (HOSTNAME). */
    public record LeaderElection(String identity, Duration leaseDuration, Duration renewDeadline,
                                 Duration retryPeriod) {

        public static LeaderElection defaults(String identity) {
            return new LeaderElection(identity, Duration.ofSeconds(15), Duration.ofSeconds(10), Duration.ofSeconds(2));
        }
    }
}
