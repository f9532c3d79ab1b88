package io.fileconv.api;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ImagePixelsTest {
    @TempDir
    Path dir;
    final ImagePixels pixels = new ImagePixels(1_000_000);

    @Test
    void anImageWithinTheLimitPasses() throws Exception {
        Path ok = write("ok.png", pngClaiming(1000, 1000));
        assertThatCode(() -> pixels.check(ok, "image/png")).doesNotThrowAnyException();
    }

    @Test
    void aDecompressionBombIsRefusedFromItsHeaderAlone() throws Exception {
        // 100,000 x 100,000 pixels (40 GB decoded) in a 69-byte file: decoding it here would fail the test itself.
        byte[] bomb = pngClaiming(100_000, 100_000);
        assertThat(bomb.length).isLessThan(100);
        Path p = write("bomb.png", bomb);
        assertThatThrownBy(() -> pixels.check(p, "image/png")).isInstanceOfSatisfying(Problem.class, e -> {
            assertThat(e.status()).isEqualTo(422);
            assertThat(e.slug()).isEqualTo("image-too-many-pixels");
            assertThat(e.getMessage()).contains("100000 x 100000");
        });
        // one pixel over the limit is enough
        Path over = write("over.png", pngClaiming(1_000_001, 1));
        assertThatThrownBy(() -> pixels.check(over, "image/png")).isInstanceOf(Problem.class);
    }

    @Test
    void anUnreadableHeaderIsADamagedImageInOurWords() throws Exception {
        Path p = write("broken.png", new byte[]{(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 0, 0});
        assertThatThrownBy(() -> pixels.check(p, "image/png")).isInstanceOfSatisfying(Problem.class, e -> {
            assertThat(e.slug()).isEqualTo("image-damaged");
            assertThat(e.getMessage()).isEqualTo("the image's header could not be read");
        });
    }

    @Test
    void otherTypesAreNotLookedAt() throws Exception {
        Path p = write("a.txt", "hello".getBytes());
        assertThatCode(() -> pixels.check(p, "text/plain")).doesNotThrowAnyException();
    }

    private Path write(String name, byte[] bytes) throws Exception {
        return Files.write(dir.resolve(name), bytes);
    }

    /** A real 1x1 PNG whose IHDR claims another size (CRC recomputed); testkit's ImageBombs does the same. */
    static byte[] pngClaiming(int width, int height) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB), "png", out);
        byte[] png = out.toByteArray();
        ByteBuffer b = ByteBuffer.wrap(png);
        b.putInt(16, width).putInt(20, height);
        CRC32 crc = new CRC32();
        crc.update(png, 12, 17);
        b.putInt(29, (int) crc.getValue());
        return png;
    }
}
