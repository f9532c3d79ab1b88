package io.fileconv.converter;

import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The first page at a fixed width, whatever the page size; a broken PDF is an exception the worker only logs. */
class ThumbnailRendererTest {
    @TempDir
    Path dir;

    @Test
    void anA4PageBecomesA320PixelWidePortraitPng() throws Exception {
        BufferedImage png = render(pdf(PDRectangle.A4, 3));
        assertThat(png.getWidth()).isEqualTo(ThumbnailRenderer.WIDTH);
        assertThat(png.getHeight()).isBetween(450, 455); // 320 * 297 / 210
    }

    @Test
    void aVeryTallPageIsBoundedInHeight() throws Exception {
        BufferedImage png = render(pdf(new PDRectangle(100, 5000), 1));
        assertThat(png.getHeight()).isLessThanOrEqualTo(4 * ThumbnailRenderer.WIDTH);
    }

    @Test
    void notAPdfFails() throws Exception {
        Path junk = Files.writeString(dir.resolve("junk.pdf"), "not a pdf");
        assertThatThrownBy(() -> ThumbnailRenderer.render(junk, dir.resolve("junk.png"))).isInstanceOf(IOException.class);
    }

    private Path pdf(PDRectangle size, int pages) throws IOException {
        Path pdf = dir.resolve("doc-" + System.nanoTime() + ".pdf");
        try (PDDocument d = new PDDocument()) {
            for (int i = 0; i < pages; i++) {
                d.addPage(new PDPage(size));
            }
            d.save(pdf.toFile());
        }
        return pdf;
    }

    private BufferedImage render(Path pdf) throws IOException {
        Path png = dir.resolve("thumb-" + System.nanoTime() + ".png");
        ThumbnailRenderer.render(pdf, png);
        return ImageIO.read(png.toFile());
    }
}
