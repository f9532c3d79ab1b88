package io.fileconv.api;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Refuses decompression bombs among raster images before anything decodes them: width and height come from the
 * image's header through an ImageIO reader (no pixel is decoded), and every frame must stay within the pixel limit.
 * A 100,000 x 100,000 PNG compresses to a few kilobytes and would need 40 GB in the converter. Types ImageIO has no
 * reader for (none among today's JPEG, PNG, GIF, BMP, TIFF) are logged and let through.
 */
public final class ImagePixels {
    private static final Logger LOG = LoggerFactory.getLogger(ImagePixels.class);
    /** Frames looked at in an animated GIF or multi-page TIFF; more is refused rather than scanned. */
    private static final int MAX_FRAMES = 1000;

    private final long maxPixels;

    public ImagePixels(long maxPixels) {
        this.maxPixels = maxPixels;
    }

    /** @throws Problem 422 image-too-many-pixels, or image-damaged when the header cannot be read */
    public void check(Path file, String mediaType) {
        if (!mediaType.startsWith("image/")) {
            return;
        }
        Iterator<ImageReader> readers = ImageIO.getImageReadersByMIMEType(mediaType);
        if (!readers.hasNext()) {
            LOG.warn("no image reader for {}: pixel limit not checked", mediaType);
            return;
        }
        ImageReader reader = readers.next();
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            reader.setInput(in, false, true); // ignore metadata: only the header's dimensions are needed
            int frames = reader.getNumImages(true);
            if (frames > MAX_FRAMES) {
                throw refused("image-too-many-frames", "the image has more than " + MAX_FRAMES + " frames");
            }
            for (int i = 0; i < Math.max(1, frames); i++) {
                long pixels = (long) reader.getWidth(i) * reader.getHeight(i);
                if (pixels > maxPixels) {
                    throw refused("image-too-many-pixels", "the image has " + reader.getWidth(i) + " x "
                            + reader.getHeight(i) + " pixels, more than the limit of " + maxPixels)
                            .with("limitPixels", maxPixels);
                }
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof Problem p) {
                throw p;
            }
            LOG.info("image header unreadable ({}): {}", mediaType, e.toString());
            throw refused("image-damaged", "the image's header could not be read");
        } finally {
            reader.dispose();
        }
    }

    private static Problem refused(String slug, String detail) {
        return new Problem(422, slug, "Unsafe or damaged image", detail);
    }
}
