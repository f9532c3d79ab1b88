package io.fileconv.api;

import io.fileconv.core.Env;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.Locale;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Inspects ZIP-based documents (OOXML, ODF) before they are accepted: entry count, total uncompressed size, the
 * uncompressed size of the XML parts and compression ratio are measured by actually inflating every entry (declared
 * sizes in a ZIP can lie), stopping as soon as a limit is passed; entry names that could escape a directory are
 * refused. A zip bomb that would grow soffice to ~850 MB is refused here in milliseconds.
 */
public final class ArchiveInspector {
    private static final Logger LOG = LoggerFactory.getLogger(ArchiveInspector.class);

    /**
     * @param maxMarkup inflated bytes of the XML parts (text, cells, slides) at most: what LibreOffice holds in memory
     *                  and lays out, unlike pictures and other media, which count only towards the total. Measured
     *                  (bench/archive-limits, docs/PERFORMANCE.md section 6): 64 MiB of Word markup peaks at ~680 MiB
     *                  in the office process before the 120 s time limit, 256 MiB at 1.5-2.7 GiB, over the converter
     *                  pod's 1536 MiB limit.
     */
    public record Limits(int maxEntries, long maxTotalUncompressed, long maxRatio, long maxMarkup) {
        public Limits(int maxEntries, long maxTotalUncompressed, long maxRatio) {
            this(maxEntries, maxTotalUncompressed, maxRatio, maxTotalUncompressed);
        }

        public static Limits defaults() {
            return new Limits(10_000, 512L << 20, 200, 64L << 20);
        }

        /** The defaults, each replaceable by its FILECONV_ARCHIVE_* variable (docs/CONFIGURATION.md). */
        public static Limits from(Env env) {
            Limits d = defaults();
            Limits l = new Limits(env.getInt("FILECONV_ARCHIVE_MAX_ENTRIES", d.maxEntries()),
                    env.getLong("FILECONV_ARCHIVE_MAX_INFLATED_BYTES", d.maxTotalUncompressed()),
                    env.getLong("FILECONV_ARCHIVE_MAX_RATIO", d.maxRatio()),
                    env.getLong("FILECONV_ARCHIVE_MAX_MARKUP_BYTES", d.maxMarkup()));
            if (l.maxEntries() < 1 || l.maxTotalUncompressed() < 1 || l.maxRatio() < 1 || l.maxMarkup() < 1
                    || l.maxMarkup() > l.maxTotalUncompressed()) {
                throw new IllegalStateException("FILECONV_ARCHIVE_MAX_ENTRIES, _MAX_INFLATED_BYTES, _MAX_RATIO and"
                        + " _MAX_MARKUP_BYTES must be above 0, and the markup limit at most the inflated one");
            }
            return l;
        }
    }

    private final Limits limits;

    public ArchiveInspector(Limits limits) {
        this.limits = limits;
    }

    public void inspect(Path file, long compressedSize) {
        long total = 0;
        long markup = 0;
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
                boolean isMarkup = isMarkup(e.getName());
                try (InputStream in = zip.getInputStream(e)) {
                    int n;
                    while ((n = in.read(buf)) > 0) {
                        total += n;
                        if (total > limits.maxTotalUncompressed()) {
                            throw refused("archive-too-large", "the document expands to more than "
                                    + (limits.maxTotalUncompressed() >> 20) + " MiB");
                        }
                        if (isMarkup && (markup += n) > limits.maxMarkup()) {
                            throw refused("archive-markup-too-large", "the document's text and markup expand to more"
                                    + " than " + (limits.maxMarkup() >> 20) + " MiB, more than a converter can lay out"
                                    + " within its time and memory limits");
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

    /** XML parts: OOXML's parts and relationships, ODF's content.xml and styles.xml. */
    static boolean isMarkup(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return n.endsWith(".xml") || n.endsWith(".rels");
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
