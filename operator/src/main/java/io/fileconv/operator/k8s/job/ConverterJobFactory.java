package io.fileconv.operator.k8s.job;

import io.fabric8.kubernetes.api.model.Capabilities;
import io.fabric8.kubernetes.api.model.CapabilitiesBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSecurityContextBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import io.fabric8.kubernetes.api.model.SeccompProfileBuilder;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fileconv.operator.k8s.Labels;
import io.fileconv.core.options.PdfOptions;
import io.fileconv.operator.k8s.crd.ConversionOptions;
import io.fileconv.operator.k8s.crd.FileConversion;
import io.fileconv.operator.k8s.crd.FileConversionSpec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the batch/v1 Job that converts one FileConversion. The pod is locked down (non-root, read-only root
 * filesystem, no capabilities, RuntimeDefault seccomp, no service account token) because it parses untrusted
 * office documents; LibreOffice writes only to the two emptyDir volumes.
 */
public class ConverterJobFactory {
    public static final String CONTAINER = "converter";
    public static final long RUN_AS_USER = 10001L;
    static final String TMP_VOLUME = "tmp";
    static final String HOME_VOLUME = "office-home";
    static final String HOME_PATH = "/home/converter";

    private final ConverterJobSettings settings;

    public ConverterJobFactory(ConverterJobSettings settings) {
        this.settings = settings;
    }

    /** The Job's name is the resource's name: one Job per attempt, and a second create answers 409. */
    public static String jobName(FileConversion fc) {
        return fc.getMetadata().getName();
    }

    public Job build(FileConversion fc) {
        FileConversionSpec spec = fc.getSpec();
        Map<String, String> labels = labels(spec);
        return new JobBuilder()
                .withNewMetadata()
                    .withName(jobName(fc))
                    .withNamespace(fc.getMetadata().getNamespace())
                    .withLabels(labels)
                    .withOwnerReferences(ownerReference(fc))
                .endMetadata()
                .withNewSpec()
                    // Retries are the retry job's decision (attempt + 1 = a new FileConversion), never the kubelet's.
                    .withBackoffLimit(0)
                    .withActiveDeadlineSeconds(settings.activeDeadline().toSeconds())
                    .withTtlSecondsAfterFinished((int) settings.ttlAfterFinished().toSeconds())
                    .withNewTemplate()
                        .withNewMetadata().withLabels(labels).endMetadata()
                        .withNewSpec()
                            .withRestartPolicy("Never")
                            .withServiceAccountName(settings.serviceAccountName())
                            .withAutomountServiceAccountToken(false)
                            .withImagePullSecrets(pullSecrets())
                            .withEnableServiceLinks(false)
                            .withSecurityContext(podSecurityContext())
                            .withVolumes(
                                    new VolumeBuilder().withName(TMP_VOLUME).withNewEmptyDir().endEmptyDir().build(),
                                    new VolumeBuilder().withName(HOME_VOLUME).withNewEmptyDir().endEmptyDir().build())
                            .addNewContainer()
                                .withName(CONTAINER)
                                .withImage(settings.image())
                                .withImagePullPolicy(settings.imagePullPolicy())
                                .withEnv(env(spec))
                                .withResources(resources(Map.of(), Map.of()))
                                .withVolumeMounts(
                                        new VolumeMountBuilder().withName(TMP_VOLUME).withMountPath("/tmp").build(),
                                        new VolumeMountBuilder().withName(HOME_VOLUME).withMountPath(HOME_PATH).build())
                                .withSecurityContext(containerSecurityContext())
                            .endContainer()
                        .endSpec()
                    .endTemplate()
                .endSpec()
                .build();
    }

    /** Non-root with a fixed uid (the image's), RuntimeDefault seccomp; shared by per-file and pooled Jobs. */
    static PodSecurityContext podSecurityContext() {
        return new PodSecurityContextBuilder()
                .withRunAsNonRoot(true)
                .withRunAsUser(RUN_AS_USER)
                .withRunAsGroup(RUN_AS_USER)
                .withFsGroup(RUN_AS_USER)
                .withSeccompProfile(new SeccompProfileBuilder().withType("RuntimeDefault").build())
                .build();
    }

    /** Read-only root filesystem, no capabilities, no privilege escalation. */
    static SecurityContext containerSecurityContext() {
        return new SecurityContextBuilder()
                .withRunAsNonRoot(true)
                .withRunAsUser(RUN_AS_USER)
                .withReadOnlyRootFilesystem(true)
                .withAllowPrivilegeEscalation(false)
                .withPrivileged(false)
                .withCapabilities(dropAll())
                .withSeccompProfile(new SeccompProfileBuilder().withType("RuntimeDefault").build())
                .build();
    }

    /** The configured cpu and memory requests and limits, plus {@code extra} ones (e.g. ephemeral-storage). */
    ResourceRequirements resources(Map<String, Quantity> extraRequests, Map<String, Quantity> extraLimits) {
        Map<String, Quantity> requests = new LinkedHashMap<>(Map.of("cpu", new Quantity(settings.cpuRequest()),
                "memory", new Quantity(settings.memoryRequest())));
        requests.putAll(extraRequests);
        Map<String, Quantity> limits = new LinkedHashMap<>(Map.of("cpu", new Quantity(settings.cpuLimit()),
                "memory", new Quantity(settings.memoryLimit())));
        limits.putAll(extraLimits);
        return new ResourceRequirementsBuilder().withRequests(requests).withLimits(limits).build();
    }

    List<LocalObjectReference> pullSecrets() {
        return settings.imagePullSecrets().stream().map(LocalObjectReference::new).toList();
    }

    ConverterJobSettings settings() {
        return settings;
    }

    static Map<String, String> labels(FileConversionSpec spec) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(Labels.NAME, Labels.CONVERTER);
        labels.put(Labels.MANAGED_BY, Labels.OPERATOR);
        labels.put(Labels.FILE_ID, spec.getFileId());
        labels.put(Labels.ATTEMPT, Integer.toString(spec.getAttempt()));
        labels.put(Labels.REGION, spec.getRegion());
        return labels;
    }

    /** The environment contract of ConverterMain (docs/CONFIGURATION.md, "Converter Job"). */
    private List<EnvVar> env(FileConversionSpec spec) {
        List<EnvVar> env = new ArrayList<>();
        env.add(plain("FILECONV_FILE_ID", spec.getFileId()));
        env.add(plain("FILECONV_USER_ID", spec.getUserId()));
        env.add(plain("FILECONV_REGION", spec.getRegion()));
        env.add(plain("FILECONV_ATTEMPT", Integer.toString(spec.getAttempt())));
        env.add(plain("FILECONV_S3_BUCKET", spec.getInput().getBucket()));
        env.add(plain("FILECONV_INPUT_KEY", spec.getInput().getKey()));
        env.add(plain("FILECONV_OUTPUT_KEY", spec.getOutput().getKey()));
        env.add(plain("FILECONV_TIMEOUT_SECONDS", Long.toString(settings.conversionTimeout().toSeconds())));
        if (spec.getDetectedType() != null) {
            env.add(plain("FILECONV_DETECTED_TYPE", spec.getDetectedType()));
        }
        if (spec.getRequestId() != null) {
            env.add(plain("FILECONV_REQUEST_ID", spec.getRequestId()));
        }
        String options = ConversionOptions.toPdfOptions(spec.getOptions()).toJson();
        if (options != null) {
            env.add(plain(PdfOptions.ENVIRONMENT_VARIABLE, options));
        }
        if (settings.s3Endpoint() != null) {
            env.add(plain("FILECONV_S3_ENDPOINT", settings.s3Endpoint()));
        }
        env.add(plain("FILECONV_S3_REGION", settings.s3SigningRegion()));
        env.add(plain("FILECONV_S3_PATH_STYLE", Boolean.toString(settings.s3PathStyle())));
        if (settings.s3CredentialsSecret() != null) {
            env.add(fromSecret("FILECONV_S3_ACCESS_KEY", ConverterJobSettings.SECRET_ACCESS_KEY));
            env.add(fromSecret("FILECONV_S3_SECRET_KEY", ConverterJobSettings.SECRET_SECRET_KEY));
        }
        // LibreOffice keeps its user profile under HOME; the root filesystem is read-only.
        env.add(plain("HOME", HOME_PATH));
        env.add(plain("TMPDIR", "/tmp"));
        return env;
    }

    private EnvVar fromSecret(String name, String key) {
        return new EnvVarBuilder().withName(name).withNewValueFrom().withNewSecretKeyRef()
                .withName(settings.s3CredentialsSecret()).withKey(key).withOptional(false)
                .endSecretKeyRef().endValueFrom().build();
    }

    static EnvVar plain(String name, String value) {
        return new EnvVarBuilder().withName(name).withValue(value).build();
    }

    private static Capabilities dropAll() {
        return new CapabilitiesBuilder().withDrop("ALL").build();
    }

    private static OwnerReference ownerReference(FileConversion fc) {
        // controller=true lets the garbage collector delete the Job (and its pods) with the FileConversion. No
        // blockOwnerDeletion: FileConversions are deleted with background propagation, and setting it would need
        // update on fileconversions/finalizers (OwnerReferencesPermissionEnforcement), a grant the Role avoids.
        return new OwnerReferenceBuilder()
                .withApiVersion(fc.getApiVersion())
                .withKind(fc.getKind())
                .withName(fc.getMetadata().getName())
                .withUid(fc.getMetadata().getUid())
                .withController(true)
                .build();
    }
}
