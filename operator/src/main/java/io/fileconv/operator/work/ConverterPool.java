package io.fileconv.operator.work;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fileconv.core.Region;
import io.fileconv.operator.k8s.Labels;
import io.fileconv.operator.k8s.job.PooledJobFactory;
import io.fileconv.pipeline.work.JobIdentity;
import io.fileconv.pipeline.work.PoolSettings;
import io.fileconv.pipeline.work.PooledWork;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Keeps, per region, the converter Jobs the backlog needs: as many as files waiting plus files being converted,
 * at least {@code minJobs}, never more than {@code maxJobs} alive. It never deletes a Job: an idle pod exits by
 * itself, its Job completes and its TTL removes it. Runs on the leader only, on one thread, and counts what the
 * API server holds before creating, so a new leader starts from the Jobs its predecessor left.
 */
public final class ConverterPool {
    private static final Logger LOG = LoggerFactory.getLogger(ConverterPool.class);

    private final KubernetesClient client;
    private final String namespace;
    private final Set<Region> regions;
    private final PooledJobFactory factory;
    private final PooledWork work;
    private final JobTokens tokens;

    public ConverterPool(KubernetesClient client, String namespace, Set<Region> regions, PooledJobFactory factory,
                         PooledWork work, JobTokens tokens) {
        this.tokens = tokens;
        this.client = client;
        this.namespace = namespace;
        this.regions = Set.copyOf(regions);
        this.factory = factory;
        this.work = work;
    }

    /** One sizing pass over every region. */
    public void resize() {
        List<Job> jobs = client.batch().v1().jobs().inNamespace(namespace).withLabel(Labels.POOL, "true").list()
                .getItems();
        tokens.retainJobs(jobs.stream().map(j -> j.getMetadata().getName()).collect(Collectors.toSet()));
        PoolSettings pool = work.settings();
        for (Region region : regions) {
            long alive = jobs.stream().filter(inRegion(region)).filter(j -> !finished(j)).count();
            int wanted = Math.max(pool.minJobs(), Math.min(pool.maxJobs(), work.queue().backlog(region)));
            for (long n = alive; n < wanted; n++) {
                create(region);
            }
            work.jobsAlive(region, (int) Math.max(alive, wanted));
        }
    }

    private void create(Region region) {
        String token = JobTokens.newToken();
        Job spec = factory.job(PooledJobFactory.newJobName(region), namespace, region);
        Map<String, String> annotations = new HashMap<>(spec.getMetadata().getAnnotations() == null ? Map.of()
                : spec.getMetadata().getAnnotations());
        annotations.put(JobTokens.HASH_ANNOTATION, JobTokens.hashOf(token));
        spec.getMetadata().setAnnotations(annotations);
        Job job = client.batch().v1().jobs().inNamespace(namespace).resource(spec).create();
        Secret secret = factory.tokenSecret(job, region, token);
        client.secrets().inNamespace(namespace).resource(secret).create();
        tokens.register(token, new JobIdentity(job.getMetadata().getName(), region));
        LOG.info("region {}: created converter Job {} (backlog {})", region.code(), job.getMetadata().getName(),
                work.queue().backlog(region));
    }

    private static Predicate<Job> inRegion(Region region) {
        return j -> j.getMetadata().getLabels() != null
                && region.code().equals(j.getMetadata().getLabels().get(Labels.REGION));
    }

    /** Complete or Failed (its pods are gone or going); anything else may still serve work. */
    static boolean finished(Job job) {
        if (job.getStatus() == null || job.getStatus().getConditions() == null) {
            return false;
        }
        for (JobCondition c : job.getStatus().getConditions()) {
            if (("Complete".equals(c.getType()) || "Failed".equals(c.getType())) && "True".equals(c.getStatus())) {
                return true;
            }
        }
        return false;
    }
}
