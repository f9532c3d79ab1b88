package io.fileconv.operator.k8s.job;

import java.time.Duration;
import java.util.Objects;

/**
 * How converter Jobs are built: image, limits and where the S3 credentials come from. The converter's own
 * timeout is shorter than the Job's deadline, so a slow document ends as a TIMEOUT exit code, and the deadline
 * only catches a converter that hangs.
 *
 * @param s3CredentialsSecret Secret holding the keys {@code access-key} and {@code secret-key}; null = the
 *                            pod's cloud identity (e.g. IRSA) through the AWS default chain
 * @param s3Endpoint          null = AWS
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
        String serviceAccountName) {

    public static final String SECRET_ACCESS_KEY = "access-key";
    public static final String SECRET_SECRET_KEY = "secret-key";

    public ConverterJobSettings {
        Objects.requireNonNull(image, "converter image");
        Objects.requireNonNull(imagePullPolicy, "image pull policy");
        if (activeDeadline.compareTo(conversionTimeout) <= 0) {
            throw new IllegalArgumentException("the Job deadline (" + activeDeadline
                    + ") must exceed the conversion timeout (" + conversionTimeout + ")");
        }
    }
}
