package io.fileconv.operator.k8s.crd;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;
import io.fileconv.core.ConversionRequest;

/**
 * One conversion attempt of one uploaded file. The dispatcher creates it (named by {@link #nameOf}), the reconciler
 * runs it as a Job.
 * Columns are declared on the class so that their order is the one {@code kubectl get fc} shows.
 */
@Group(FileConversion.GROUP)
@Version(FileConversion.VERSION)
@Singular("fileconversion")
@Plural("fileconversions")
@ShortNames("fc")
@AdditionalPrinterColumn(name = "FILE", jsonPath = ".spec.fileId", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "USER", jsonPath = ".spec.userId", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "REGION", jsonPath = ".spec.region", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "PHASE", jsonPath = ".status.phase", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "DURATION", jsonPath = ".status.duration", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "AGE", jsonPath = ".metadata.creationTimestamp",
        type = AdditionalPrinterColumn.Type.DATE)
public class FileConversion extends CustomResource<FileConversionSpec, FileConversionStatus> implements Namespaced {
    public static final String GROUP = "fileconv.io";
    public static final String VERSION = "v1alpha1";

    /** The name of an attempt's resource: deterministic, so creating it twice is a no-op. */
    public static String nameOf(String fileId, int attempt) {
        return "fc-" + fileId + "-" + attempt;
    }

    public static String nameOf(ConversionRequest request) {
        return nameOf(request.fileId(), request.attempt());
    }
}
