package io.fileconv.api;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Inspects ZIP-based documents (OOXML, ODF) before they are accepted: entry count, total uncompressed size and
 * compression ratio are measured by actually inflating every entry (declared sizes in a ZIP can lie), stopping as
 * soon as a limit is passed; entry names that could escape a directory are refused. A zip bomb that would grow
 * soffice to ~850 MB is refused here in milliseconds.
 */
public final class ArchiveInspector {
    private static final Logger LOG = LoggerFactory.getLogger(ArchiveInspector.class);

    public record Limits(int maxEntries, long maxTotalUncompressed, long maxRatio) {
        public static Limits defaults() {
            return new Limits(10_000, 512L << 20, 200);
        }
    }

    private final Limits limits;

    public ArchiveInspector(Limits limits) {
        this.limits = limits;
    }

    public void inspect(Path file, long compressedSize) {
        long total = 0;
        int entries = 0;
        byte[] buf = new byte[64 * 1024];
        try (ZipFile zip = new ZipFile(file.toFile())) {
            Enumeration<? extends ZipEntry> all = zip.entries();
            while (all.hasMoreElements()) {
                ZipEntry e = all.nextElement();
                if (++entries > limits.maxEntries()) {
                    throw refused("archive-too-many-entries", "the document holds more than " + limits.maxEntries()
                            + " parts");
                }
                checkName(e.getName());
                try (InputStream in = zip.getInputStream(e)) {
                    int n;
                    while ((n = in.read(buf)) > 0) {
                        total += n;
                        if (total > limits.maxTotalUncompressed()) {
                            throw refused("archive-too-large", "the document expands to more than "
                                    + (limits.maxTotalUncompressed() >> 20) + " MiB");
                        }
                        if (total > (1 << 20) && total / Math.max(1, compressedSize) > limits.maxRatio()) {
                            throw refused("archive-ratio", "the document expands more than " + limits.maxRatio()
                                    + " times its size (a zip bomb)");
                        }
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof Problem p) {
                throw p;
            }
            // ZipFile also throws IllegalArgumentException (e.g. entry names not valid in their charset). The
            // parser's message (offsets, entry names, library wording) stays in the log.
            LOG.info("archive refused as damaged: {}", e.toString());
            throw refused("damaged-archive", "the document's ZIP structure is damaged or truncated");
        }
    }

    static void checkName(String name) {
        String n = name.replace('\\', '/');
        boolean bad = n.startsWith("/") || n.matches("^[A-Za-z]:.*") || n.equals("..") || n.startsWith("../")
                || n.contains("/../") || n.endsWith("/..") || n.chars().anyMatch(c -> c < 0x20);
        if (bad) {
            throw refused("archive-path-traversal", "the document contains a part named '" + name.replaceAll("\\p{Cntrl}", "?")
                    + "' that points outside it");
        }
    }

    private static Problem refused(String slug, String detail) {
        return new Problem(422, slug, "Unsafe or damaged document", detail);
    }
}
