package io.fileconv.operator.k8s.reconciler;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/** Kubernetes-style conditions: one entry per type, whose transition time moves only when its status flips. */
final class StatusConditions {
    static final String JOB_CREATED = "JobCreated";
    static final String RUNNING = "Running";
    static final String FINISHED = "Finished";

    private StatusConditions() {
    }

    static void set(List<Condition> conditions, String type, boolean status, String reason, String message,
                    Long generation, Instant now) {
        String value = status ? "True" : "False";
        Condition existing = conditions.stream().filter(c -> type.equals(c.getType())).findFirst().orElse(null);
        String since = existing != null && value.equals(existing.getStatus())
                ? existing.getLastTransitionTime() : now.toString();
        Condition updated = new ConditionBuilder().withType(type).withStatus(value).withReason(reason)
                .withMessage(message).withObservedGeneration(generation).withLastTransitionTime(since).build();
        if (existing == null) {
            conditions.add(updated);
        } else if (!Objects.equals(existing, updated)) {
            conditions.set(conditions.indexOf(existing), updated);
        }
    }
}
