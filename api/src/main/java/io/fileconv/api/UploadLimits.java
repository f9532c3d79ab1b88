package io.fileconv.api;

import io.fileconv.core.Env;

/**
 * Per-user upload limits and the image pixel limit (docs/CONFIGURATION.md). 0 turns a per-user limit off.
 *
 * @param uploadsPerMinute upload requests a user may start per minute (per API replica)
 * @param maxInFlight      files of a user not yet terminal (uploaded, queued, converting), counted in MySQL
 * @param maxImagePixels   width x height of a raster image, read from its header before it is accepted
 */
public record UploadLimits(int uploadsPerMinute, int maxInFlight, long maxImagePixels) {

    /** 50 megapixels: about 200 MB decoded at 4 bytes a pixel, within the converter's 1536Mi memory limit. */
    public static final long DEFAULT_MAX_IMAGE_PIXELS = 50_000_000L;

    public static UploadLimits defaults() {
        return new UploadLimits(60, 20, DEFAULT_MAX_IMAGE_PIXELS);
    }

    /** No per-user limits (tests and tools that start their own API); the pixel limit stays. */
    public static UploadLimits unlimited() {
        return new UploadLimits(0, 0, DEFAULT_MAX_IMAGE_PIXELS);
    }

    public static UploadLimits from(Env env) {
        UploadLimits d = defaults();
        UploadLimits l = new UploadLimits(env.getInt("FILECONV_USER_UPLOADS_PER_MINUTE", d.uploadsPerMinute()),
                env.getInt("FILECONV_USER_MAX_IN_FLIGHT", d.maxInFlight()),
                env.getLong("FILECONV_MAX_IMAGE_PIXELS", d.maxImagePixels()));
        if (l.uploadsPerMinute() < 0 || l.maxInFlight() < 0 || l.maxImagePixels() < 1) {
            throw new IllegalStateException("FILECONV_USER_UPLOADS_PER_MINUTE and FILECONV_USER_MAX_IN_FLIGHT must be"
                    + " 0 (off) or more, FILECONV_MAX_IMAGE_PIXELS above 0");
        }
        return l;
    }
}
