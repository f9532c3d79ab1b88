package io.fileconv.operator.k8s.job;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How converter Jobs are built: image, limits and where the S3 credentials come from. The converter's own
 * timeout is shorter than the Job's deadline, so a slow document ends as a TIMEOUT exit code, and the deadline
 * only catches a converter that hangs.
 *
 * @param s3CredentialsSecret Secret holding the keys {@code accessKey} and {@code secretKey} (the layout the Helm
 *                            chart and docs/DEPLOY.md use); null = the pod's cloud identity (e.g. IRSA) through
 *                            the AWS default chain
 * @param s3Endpoint          null = AWS
 * @param imagePullSecrets    Secrets for pulling the converter image from a private registry; may be empty
 */
public record ConverterJobSettings(
        String image,
        String imagePullPolicy,
        Duration conversionTimeout,
        Duration activeDeadline,
        Duration ttlAfterFinished,
        String cpuRequest,
        String cpuLimit,
        String memoryRequest,
        String memoryLimit,
        String s3CredentialsSecret,
        String s3Endpoint,
        String s3SigningRegion,
        boolean s3PathStyle,
        String serviceAccountName,
        List<String> imagePullSecrets) {

    public static final String SECRET_ACCESS_KEY = "accessKey";
    public static final String SECRET_SECRET_KEY = "secretKey";

    public ConverterJobSettings {
        Objects.requireNonNull(image, "converter image");
        Objects.requireNonNull(imagePullPolicy, "image pull policy");
        imagePullSecrets = List.copyOf(imagePullSecrets);
        if (activeDeadline.compareTo(conversionTimeout) <= 0) {
            throw new IllegalArgumentException("the Job deadline (" + activeDeadline
                    + ") must exceed the conversion timeout (" + conversionTimeout + ")");
        }
    }
}
