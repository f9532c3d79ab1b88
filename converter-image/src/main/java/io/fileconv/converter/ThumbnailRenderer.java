package io.fileconv.converter;

import org.apache.pdfbox.Loader;
import org.apache.pdfbox.io.MemoryUsageSetting;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.rendering.ImageType;
import org.apache.pdfbox.rendering.PDFRenderer;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;

/** The first page of a PDF as a PNG {@value #WIDTH} pixels wide (the list's preview), rendered with PDFBox. */
final class ThumbnailRenderer {
    static final int WIDTH = 320;
    /** A page far taller than wide (a long receipt) must not make a huge image. */
    private static final int MAX_HEIGHT = 4 * WIDTH;
    /** Bytes of one PDF's decoded streams kept in heap while rendering; beyond, they go to scratch files. */
    private static final long STREAMS_IN_HEAP = 4L * 1024 * 1024;

    private ThumbnailRenderer() {
    }

    static void render(Path pdf, Path png) throws IOException {
        // The PDF's streams in heap up to a bound, then in scratch files: the PDF may be large and the worker's heap is
        // small, but most PDFs are small and need no scratch file written and read back.
        try (PDDocument doc = Loader.loadPDF(pdf.toFile(), MemoryUsageSetting.setupMixed(STREAMS_IN_HEAP).streamCache)) {
            if (doc.getNumberOfPages() == 0) {
                throw new IOException("the PDF has no pages");
            }
            PDRectangle box = doc.getPage(0).getCropBox();
            float rotated = doc.getPage(0).getRotation() % 180 == 0 ? box.getWidth() : box.getHeight();
            float tall = doc.getPage(0).getRotation() % 180 == 0 ? box.getHeight() : box.getWidth();
            float scale = Math.min(WIDTH / rotated, MAX_HEIGHT / tall);
            BufferedImage image = new PDFRenderer(doc).renderImage(0, scale, ImageType.RGB);
            if (!ImageIO.write(image, "png", png.toFile())) {
                throw new IOException("no PNG writer");
            }
        }
    }
}
