package io.fileconv.operator.k8s.job;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.PodFailurePolicyBuilder;
import io.fileconv.core.Region;
import io.fileconv.operator.k8s.Labels;
import io.fileconv.operator.work.JobTokens;
import io.fileconv.pipeline.work.PoolSettings;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds a pooled converter Job (serves many files, asks the operator's work endpoint for them) and the Secret
 * holding its token. The pod is locked down like a per-file one (the same security contexts and limits) and holds
 * no S3, database or Kubernetes credential: only the token of its own Job.
 */
public class PooledJobFactory {
    public static final String WORK_VOLUME = "work";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final ConverterJobFactory perFile;
    private final PoolSettings pool;

    public PooledJobFactory(ConverterJobSettings settings, PoolSettings pool) {
        this.perFile = new ConverterJobFactory(settings);
        this.pool = pool;
    }

    /** {@code fileconv-converter-<region>-<random>}: many Jobs per region over time, none named after a file. */
    public static String newJobName(Region region) {
        byte[] b = new byte[4];
        RANDOM.nextBytes(b);
        return "fileconv-converter-" + region.code() + "-" + HexFormat.of().formatHex(b);
    }

    public static String secretName(String jobName) {
        return jobName + "-token";
    }

    public static Map<String, String> labels(Region region) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(Labels.NAME, Labels.CONVERTER);
        labels.put(Labels.MANAGED_BY, Labels.OPERATOR);
        labels.put(Labels.REGION, region.code());
        labels.put(Labels.POOL, "true");
        return labels;
    }

    public Job job(String name, String namespace, Region region) {
        ConverterJobSettings s = perFile.settings();
        Map<String, String> labels = labels(region);
        Quantity storage = new Quantity(pool.volumeLimit());
        return new JobBuilder()
                .withNewMetadata().withName(name).withNamespace(namespace).withLabels(labels).endMetadata()
                .withNewSpec()
                    .withBackoffLimit(pool.backoffLimit())
                    // Evictions, preemptions and node drains are not the converter's fault: they do not count
                    // against backoffLimit (needs restartPolicy Never).
                    .withPodFailurePolicy(new PodFailurePolicyBuilder().addNewRule().withAction("Ignore")
                            .addNewOnPodCondition().withType("DisruptionTarget").withStatus("True")
                            .endOnPodCondition().endRule().build())
                    .withActiveDeadlineSeconds(pool.lifetime().toSeconds())
                    .withTtlSecondsAfterFinished((int) s.ttlAfterFinished().toSeconds())
                    .withNewTemplate()
                        .withNewMetadata().withLabels(labels).endMetadata()
                        .withNewSpec()
                            .withRestartPolicy("Never")
                            .withServiceAccountName(s.serviceAccountName())
                            .withAutomountServiceAccountToken(false)
                            .withImagePullSecrets(perFile.pullSecrets())
                            .withEnableServiceLinks(false)
                            .withSecurityContext(ConverterJobFactory.podSecurityContext())
                            .withVolumes(emptyDir(ConverterJobFactory.TMP_VOLUME), emptyDir(ConverterJobFactory.HOME_VOLUME),
                                    emptyDir(WORK_VOLUME))
                            .addNewContainer()
                                .withName(ConverterJobFactory.CONTAINER)
                                .withImage(s.image())
                                .withImagePullPolicy(s.imagePullPolicy())
                                .withEnv(env(name))
                                .withResources(perFile.resources(
                                        Map.of("ephemeral-storage", new Quantity(pool.volumeRequest())),
                                        Map.of("ephemeral-storage", storage)))
                                .withVolumeMounts(
                                        new VolumeMountBuilder().withName(ConverterJobFactory.TMP_VOLUME)
                                                .withMountPath("/tmp").build(),
                                        new VolumeMountBuilder().withName(ConverterJobFactory.HOME_VOLUME)
                                                .withMountPath(ConverterJobFactory.HOME_PATH).build(),
                                        new VolumeMountBuilder().withName(WORK_VOLUME)
                                                .withMountPath(pool.workDir()).build())
                                .withSecurityContext(ConverterJobFactory.containerSecurityContext())
                            .endContainer()
                        .endSpec()
                    .endTemplate()
                .endSpec()
                .build();
    }

    /** The Job's token, owned by the Job so that the garbage collector removes it with it. */
    public Secret tokenSecret(Job job, Region region, String token) {
        Map<String, String> labels = new LinkedHashMap<>(labels(region));
        labels.put(Labels.CONVERTER_JOB, job.getMetadata().getName());
        return new SecretBuilder()
                .withNewMetadata()
                    .withName(secretName(job.getMetadata().getName()))
                    .withNamespace(job.getMetadata().getNamespace())
                    .withLabels(labels)
                    .withOwnerReferences(new OwnerReferenceBuilder().withApiVersion("batch/v1").withKind("Job")
                            .withName(job.getMetadata().getName()).withUid(job.getMetadata().getUid())
                            .withController(true).build())
                .endMetadata()
                .withType("Opaque")
                .withImmutable(true)
                .withData(Map.of(JobTokens.SECRET_KEY,
                        Base64.getEncoder().encodeToString(token.getBytes(StandardCharsets.UTF_8))))
                .build();
    }

    /** The worker's contract (converter-image's ConversionWorker): where to ask, with what, and its limits. */
    private List<EnvVar> env(String jobName) {
        ConverterJobSettings s = perFile.settings();
        return List.of(
                ConverterJobFactory.plain("FILECONV_WORK_URL", pool.workServiceUrl()),
                new EnvVarBuilder().withName("FILECONV_WORK_TOKEN").withNewValueFrom().withNewSecretKeyRef()
                        .withName(secretName(jobName)).withKey(JobTokens.SECRET_KEY).withOptional(false)
                        .endSecretKeyRef().endValueFrom().build(),
                ConverterJobFactory.plain("FILECONV_IDLE_SECONDS", Long.toString(pool.idle().toSeconds())),
                ConverterJobFactory.plain("FILECONV_TIMEOUT_SECONDS", Long.toString(s.conversionTimeout().toSeconds())),
                ConverterJobFactory.plain("FILECONV_WORK_DIR", pool.workDir()),
                // LibreOffice keeps its user profile under HOME; the root filesystem is read-only.
                ConverterJobFactory.plain("HOME", ConverterJobFactory.HOME_PATH),
                ConverterJobFactory.plain("TMPDIR", "/tmp"));
    }

    private Volume emptyDir(String name) {
        return new VolumeBuilder().withName(name).withNewEmptyDir().withSizeLimit(new Quantity(pool.volumeLimit()))
                .endEmptyDir().build();
    }
}
