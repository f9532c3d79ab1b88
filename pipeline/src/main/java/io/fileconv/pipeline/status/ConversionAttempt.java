package io.fileconv.pipeline.status;

import io.fileconv.core.Region;

/** The (region, file, attempt) a conversion stands for: the key of every MySQL transition. */
public record ConversionAttempt(Region region, String fileId, int attempt) {
}
