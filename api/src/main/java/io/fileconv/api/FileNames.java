package io.fileconv.api;

import java.nio.charset.StandardCharsets;
import java.text.Normalizer;

/** The uploaded file name is display metadata only: it is cleaned here and never used as a path or key. */
public final class FileNames {
    static final int MAX_LENGTH = 200;

    private FileNames() {
    }

    public static String sanitize(String raw) {
        if (raw == null) {
            return "document";
        }
        String name = Normalizer.normalize(raw, Normalizer.Form.NFC);
        // Browsers on Windows send full paths; keep the last segment only.
        name = name.substring(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
        StringBuilder sb = new StringBuilder();
        name.codePoints().forEach(cp -> {
            int type = Character.getType(cp);
            boolean control = type == Character.CONTROL || type == Character.FORMAT // FORMAT covers bidi overrides
                    || type == Character.UNASSIGNED || type == Character.PRIVATE_USE || type == Character.SURROGATE;
            if (!control && cp != '"' && cp != '<' && cp != '>' && cp != ':' && cp != '|' && cp != '?' && cp != '*') {
                sb.appendCodePoint(cp);
            }
        });
        String cleaned = sb.toString().strip();
        while (cleaned.startsWith(".")) {
            cleaned = cleaned.substring(1);
        }
        if (cleaned.isBlank()) {
            return "document";
        }
        if (cleaned.codePointCount(0, cleaned.length()) > MAX_LENGTH) {
            // Shorten the base name, not the extension: the extension must still agree with the content.
            int dot = cleaned.lastIndexOf('.');
            String ext = dot > 0 && cleaned.length() - dot <= 17 ? cleaned.substring(dot) : "";
            String base = ext.isEmpty() ? cleaned : cleaned.substring(0, dot);
            int keep = MAX_LENGTH - ext.codePointCount(0, ext.length());
            cleaned = base.substring(0, base.offsetByCodePoints(0, keep)) + ext;
        }
        return cleaned;
    }

    /** Name of the PDF offered for download: the original base name with a .pdf extension. */
    public static String pdfName(String original) {
        String base = sanitize(original);
        int dot = base.lastIndexOf('.');
        return (dot > 0 ? base.substring(0, dot) : base) + ".pdf";
    }

    /** A Content-Disposition that is safe for any name: ASCII fallback plus RFC 5987 UTF-8 form. */
    public static String contentDisposition(String fileName) {
        StringBuilder ascii = new StringBuilder();
        for (char c : fileName.toCharArray()) {
            ascii.append(c >= 0x20 && c < 0x7f && c != '"' && c != '\\' && c != ';' ? c : '_');
        }
        return "attachment; filename=\"" + ascii + "\"; filename*=UTF-8''" + encode5987(fileName);
    }

    private static String encode5987(String s) {
        StringBuilder sb = new StringBuilder();
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "!#$&+-.^_`|~".indexOf(c) >= 0) {
                sb.append((char) c);
            } else {
                sb.append('%').append(String.format("%02X", c));
            }
        }
        return sb.toString();
    }
}
