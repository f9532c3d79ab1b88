package io.fileconv.operator.k8s.reconciler;

import io.fileconv.core.Region;
import io.fileconv.operator.k8s.crd.FileConversionSpec;

/** The (region, file, attempt) a FileConversion stands for: the key of every MySQL transition. */
public record ConversionAttempt(Region region, String fileId, int attempt) {

    public static ConversionAttempt of(FileConversionSpec spec) {
        return new ConversionAttempt(Region.fromCode(spec.getRegion()), spec.getFileId(), spec.getAttempt());
    }
}
