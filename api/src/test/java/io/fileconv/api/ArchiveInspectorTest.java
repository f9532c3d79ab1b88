package io.fileconv.api;

import io.fileconv.core.Env;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.assertThat;

class ArchiveInspectorTest {
    @TempDir
    Path dir;
    final ArchiveInspector inspector = new ArchiveInspector(new ArchiveInspector.Limits(50, 64L << 20, 100));

    @Test
    void ordinaryDocumentPasses() throws IOException {
        Path z = zip("ok.zip", new String[]{"[Content_Types].xml", "word/document.xml"}, 10_000);
        assertThatCode(() -> inspector.inspect(z, Files.size(z))).doesNotThrowAnyException();
    }

    @Test
    void highlyCompressedContentIsRefusedAsAZipBomb() throws IOException {
        Path z = zip("bomb.zip", new String[]{"word/document.xml"}, 40L << 20);
        assertThat(Files.size(z)).isLessThan(100_000);
        assertRefused(z, "archive-ratio");
    }

    @Test
    void totalExpansionIsCappedEvenAtAnInnocentRatio() throws IOException {
        ArchiveInspector small = new ArchiveInspector(new ArchiveInspector.Limits(50, 1 << 20, 1_000_000));
        Path z = zip("big.zip", new String[]{"a.xml", "b.xml"}, 800_000);
        assertThatThrownBy(() -> small.inspect(z, Files.size(z)))
                .isInstanceOfSatisfying(Problem.class, p -> assertThat(p.slug()).isEqualTo("archive-too-large"));
    }

    @Test
    void markupIsCappedBelowTheTotal() throws IOException {
        ArchiveInspector capped = new ArchiveInspector(new ArchiveInspector.Limits(50, 8L << 20, 1_000_000, 1 << 20));
        Path text = zip("text.zip", new String[]{"word/document.xml", "word/_rels/document.xml.rels"}, 600_000);
        assertThatThrownBy(() -> capped.inspect(text, Files.size(text))).isInstanceOfSatisfying(Problem.class, p -> {
            assertThat(p.slug()).isEqualTo("archive-markup-too-large");
            assertThat(p.status()).isEqualTo(422);
        });
        // Media count only towards the total: the same bytes as a picture pass.
        Path media = zip("media.zip", new String[]{"word/document.xml", "word/media/image1.png"}, 600_000);
        assertThatCode(() -> capped.inspect(media, Files.size(media))).doesNotThrowAnyException();
        assertThat(ArchiveInspector.Limits.defaults().maxMarkup()).isEqualTo(64L << 20);
    }

    @Test
    void limitsComeFromTheEnvironment() throws IOException {
        ArchiveInspector.Limits limits = ArchiveInspector.Limits.from(new Env(Map.of(
                "FILECONV_ARCHIVE_MAX_MARKUP_BYTES", String.valueOf(1 << 20), "FILECONV_ARCHIVE_MAX_ENTRIES", "40",
                "FILECONV_ARCHIVE_MAX_RATIO", "1000000"))); // zeros compress ~1000:1; the ratio rule is not under test
        assertThat(limits).isEqualTo(new ArchiveInspector.Limits(40, 512L << 20, 1_000_000, 1 << 20));
        Path text = zip("env-text.zip", new String[]{"word/document.xml"}, 1_200_000);
        assertThatThrownBy(() -> new ArchiveInspector(limits).inspect(text, Files.size(text)))
                .isInstanceOfSatisfying(Problem.class, p -> assertThat(p.slug()).isEqualTo("archive-markup-too-large"));
        assertThat(ArchiveInspector.Limits.from(new Env(Map.of()))).isEqualTo(ArchiveInspector.Limits.defaults());
        assertThatThrownBy(() -> ArchiveInspector.Limits.from(new Env(Map.of("FILECONV_ARCHIVE_MAX_RATIO", "0"))))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> ArchiveInspector.Limits.from(new Env(Map.of("FILECONV_ARCHIVE_MAX_MARKUP_BYTES",
                String.valueOf(1L << 30))))).hasMessageContaining("at most the inflated one");
    }

    @Test
    void tooManyEntriesAreRefused() throws IOException {
        String[] names = new String[60];
        for (int i = 0; i < names.length; i++) {
            names[i] = "part" + i + ".xml";
        }
        assertRefused(zip("many.zip", names, 10), "archive-too-many-entries");
    }

    @Test
    void pathTraversalNamesAreRefused() throws IOException {
        assertRefused(zip("evil.zip", new String[]{"word/../../../etc/cron.d/x"}, 10), "archive-path-traversal");
        assertRefused(zip("abs.zip", new String[]{"/etc/passwd"}, 10), "archive-path-traversal");
        assertThatCode(() -> ArchiveInspector.checkName("word/media/image1..png")).doesNotThrowAnyException();
    }

    @Test
    void damagedZipIsRefused() throws IOException {
        Path z = dir.resolve("broken.zip");
        Files.write(z, new byte[]{'P', 'K', 3, 4, 1, 2, 3});
        assertRefused(z, "damaged-archive");
        // Our words only: ZipFile's "zip END header not found" and the like stay in the log.
        assertThatThrownBy(() -> inspector.inspect(z, Files.size(z))).isInstanceOfSatisfying(Problem.class, p ->
                assertThat(p.getMessage()).isEqualTo("the document's ZIP structure is damaged or truncated"));
    }

    private void assertRefused(Path z, String slug) {
        assertThatThrownBy(() -> inspector.inspect(z, Files.size(z)))
                .isInstanceOfSatisfying(Problem.class, p -> {
                    assertThat(p.slug()).isEqualTo(slug);
                    assertThat(p.status()).isEqualTo(422);
                });
    }

    private Path zip(String name, String[] entries, long bytesPerEntry) throws IOException {
        Path z = dir.resolve(name);
        byte[] zeros = new byte[64 * 1024];
        try (OutputStream fos = Files.newOutputStream(z); ZipOutputStream zip = new ZipOutputStream(fos)) {
            for (String e : entries) {
                zip.putNextEntry(new ZipEntry(e));
                for (long left = bytesPerEntry; left > 0; left -= zeros.length) {
                    zip.write(zeros, 0, (int) Math.min(zeros.length, left));
                }
                zip.closeEntry();
            }
        }
        return z;
    }
}
