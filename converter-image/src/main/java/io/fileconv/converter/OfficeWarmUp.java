package io.fileconv.converter;

import io.fileconv.core.ConversionFailure;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Converts three tiny documents of our own (text, spreadsheet, web page) and renders one thumbnail before a worker
 * takes real work. A fresh worker spends seconds on its first document and about a second on the first of each other
 * kind (the office's module, import filter and PDF export; PDFBox's first render): measured in bench/pool, the first
 * two files of a warm pool's pods took 7.9 s and 6.1 s from lease to PDF and the next few 1-2 s, against ~250 ms
 * after. Done before the first claim, that cost falls on the pod's start instead of on the first users' files. The hosts call it before their worker's loop
 * (ConverterMain in a pod, the embedded stack's converter threads).
 */
public final class OfficeWarmUp {
    private static final Logger LOG = LoggerFactory.getLogger(OfficeWarmUp.class);
    /** Generous: a loaded machine's first conversion; a warm-up that fails only costs its time. */
    private static final Duration LIMIT = Duration.ofSeconds(60);

    private static final Map<String, String> DOCUMENTS = new LinkedHashMap<>();

    static {
        DOCUMENTS.put("warm-up.txt", "fileconv warm-up\n");
        DOCUMENTS.put("warm-up.csv", "a,b\n1,2\n");
        DOCUMENTS.put("warm-up.html", "<!DOCTYPE html><html><body><p>fileconv warm-up</p></body></html>\n");
    }

    private OfficeWarmUp() {
    }

    /** @return the documents that converted (a failure is logged and the worker starts anyway) */
    public static List<String> run(DocumentConverter converter, Path scratch) {
        List<String> converted = new ArrayList<>();
        long t0 = System.nanoTime();
        try {
            Path dir = Files.createDirectories(scratch.resolve("warm-up"));
            for (Map.Entry<String, String> doc : DOCUMENTS.entrySet()) {
                Path in = Files.writeString(dir.resolve(doc.getKey()), doc.getValue(), StandardCharsets.UTF_8);
                Path out = dir.resolve(doc.getKey() + ".pdf");
                try {
                    converter.convert(in, out, new Cancellation(), LIMIT);
                    if (converted.isEmpty()) {
                        // PDFBox's first page render (class loading, the font cache) is seconds too.
                        Path png = dir.resolve("warm-up.png");
                        ThumbnailRenderer.render(out, png);
                        Files.deleteIfExists(png);
                    }
                    converted.add(doc.getKey());
                } catch (ConversionFailure | IOException | RuntimeException | LinkageError e) {
                    LOG.warn("office warm-up with {} failed ({}): the first documents may be slower",
                            doc.getKey(), e.getMessage());
                } finally {
                    Files.deleteIfExists(in);
                    Files.deleteIfExists(out);
                }
            }
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            LOG.warn("office warm-up skipped: {}", e.toString());
        }
        LOG.info("office warmed up in {} ms ({})", (System.nanoTime() - t0) / 1_000_000, converted);
        return converted;
    }
}
