package io.fileconv.operator.k8s;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fileconv.core.ConversionLauncher;
import io.fileconv.core.ConversionRequest;
import io.fileconv.core.Region;
import io.fileconv.operator.k8s.crd.ConversionOptions;
import io.fileconv.operator.k8s.crd.FileConversion;
import io.fileconv.operator.k8s.crd.FileConversionSpec;
import io.fileconv.operator.k8s.crd.S3Location;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.HttpURLConnection;
import java.util.Map;

/**
 * The Kubernetes adapter of the launcher port: one FileConversion per (file, attempt). Kafka redelivers, so both
 * calls are idempotent: the resource name is derived from the ids and "already exists" counts as launched.
 */
public class KubernetesLauncher implements ConversionLauncher {
    private static final Logger LOG = LoggerFactory.getLogger(KubernetesLauncher.class);

    private static final String CANCEL_PATCH = "{\"spec\":{\"cancel\":true}}";

    private final KubernetesClient client;
    private final String namespace;
    private volatile DispatchedListener onDispatched = r -> { };

    /** Hears of an attempt whose row the dispatcher committed to QUEUED. */
    public interface DispatchedListener {
        void dispatched(ConversionRequest request) throws Exception;
    }

    public KubernetesLauncher(KubernetesClient client, String namespace) {
        this.client = client;
        this.namespace = namespace;
    }

    @Override
    public void launch(ConversionRequest request) {
        FileConversion fc = toResource(request);
        try {
            client.resources(FileConversion.class).inNamespace(namespace).resource(fc).create();
            LOG.info("created FileConversion {} for file {}", fc.getMetadata().getName(), request.fileId());
        } catch (KubernetesClientException e) {
            if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
                throw e;
            }
            LOG.debug("FileConversion {} already exists (redelivered event)", fc.getMetadata().getName());
        }
    }

    /** Told of each attempt whose row the dispatcher committed to QUEUED (the pooled reconciler waits for that). */
    public KubernetesLauncher onDispatched(DispatchedListener listener) {
        this.onDispatched = listener;
        return this;
    }

    @Override
    public void dispatched(ConversionRequest request) throws Exception {
        onDispatched.dispatched(request);
    }

    @Override
    public void cancel(Region region, String fileId, int attempt) {
        String name = FileConversion.nameOf(fileId, attempt);
        try {
            // A JSON merge patch touches only the flag, so it cannot undo a concurrent write of the status.
            client.resources(FileConversion.class).inNamespace(namespace).withName(name)
                    .patch(PatchContext.of(PatchType.JSON_MERGE), CANCEL_PATCH);
            LOG.info("cancel requested for FileConversion {}", name);
        } catch (KubernetesClientException e) {
            if (e.getCode() != HttpURLConnection.HTTP_NOT_FOUND) {
                throw e;
            }
            LOG.debug("cancel of {}: no such FileConversion (never launched or already cleaned up)", name);
        }
    }

    /** Whether the FileConversion of that attempt exists (asked of the API server, not a cache). */
    public boolean exists(ConversionRequest request) {
        return client.resources(FileConversion.class).inNamespace(namespace).withName(FileConversion.nameOf(request))
                .get() != null;
    }

    /** The FileConversion {@link #launch} creates for {@code request} (public for tests against a real API server). */
    public static FileConversion toResource(ConversionRequest request) {
        FileConversionSpec spec = new FileConversionSpec();
        spec.setFileId(request.fileId());
        spec.setUserId(request.userId());
        spec.setRegion(request.region().code());
        spec.setInput(new S3Location(request.bucket(), request.inputKey()));
        spec.setOutput(new S3Location(request.bucket(), request.outputKey()));
        spec.setAttempt(request.attempt());
        spec.setDetectedType(request.detectedType());
        spec.setRequestId(request.requestId());
        spec.setOptions(ConversionOptions.of(request.options()));
        FileConversion fc = new FileConversion();
        fc.setMetadata(new ObjectMetaBuilder()
                .withName(FileConversion.nameOf(request))
                .withLabels(Map.of(
                        Labels.FILE_ID, request.fileId(),
                        Labels.ATTEMPT, Integer.toString(request.attempt()),
                        Labels.REGION, request.region().code()))
                .build());
        fc.setSpec(spec);
        return fc;
    }
}
