package io.fileconv.converter;

import org.apache.pdfbox.Loader;
import org.apache.pdfbox.io.IOUtils;
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

    private ThumbnailRenderer() {
    }

    static void render(Path pdf, Path png) throws IOException {
        // Scratch files instead of heap for the PDF's streams: the PDF may be large, the worker's heap is small.
        try (PDDocument doc = Loader.loadPDF(pdf.toFile(), IOUtils.createTempFileOnlyStreamCache())) {
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
