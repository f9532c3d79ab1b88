package io.fileconv.api;

import io.fileconv.core.options.InvalidPdfOptionException;
import io.fileconv.core.options.PdfOptions;
import io.javalin.http.Context;
import io.javalin.http.UploadedFile;
import jakarta.servlet.http.Part;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads the one document of an upload request. Jetty's multipart parser reports a malformed body (control bytes in
 * part headers, a broken boundary, a part without headers) as exceptions of several kinds; each becomes a 400
 * problem with our text here, so none reaches the generic 500 handler and no parser message reaches the client.
 */
final class MultipartUpload {
    static final int MAX_PASSWORD_CHARS = 256;
    private static final Logger LOG = LoggerFactory.getLogger(MultipartUpload.class);

    private MultipartUpload() {
    }

    /** @return the single file part named {@code file}; throws a 400/408/413 {@link Problem} otherwise */
    static UploadedFile singleFile(Context ctx, long maxUploadBytes) {
        Map<String, List<UploadedFile>> parts;
        try {
            parts = ctx.uploadedFileMap();
        } catch (Exception e) {
            throw classify(e, maxUploadBytes);
        }
        requirePrintablePartHeaders(ctx, maxUploadBytes);
        int count = parts.values().stream().mapToInt(List::size).sum();
        if (count > 1) {
            throw Problem.badRequest("multiple-files", "send exactly one file per request (this one has " + count
                    + " file parts)");
        }
        List<UploadedFile> file = parts.get("file");
        if (file == null || file.isEmpty()) {
            throw Problem.badRequest("missing-file", "send the document as multipart/form-data field 'file'");
        }
        return file.get(0);
    }

    /**
     * The PDF options among the form fields next to the file (the first value of each); a bad value is a 400
     * {@code bad-pdf-option} naming the field, in {@link PdfOptions}' words.
     */
    /**
     * The optional {@code password} field that opens an encrypted document: 1-256 characters without control
     * characters, else a 400 {@code bad-password} (which never echoes the value).
     */
    static String password(Context ctx) {
        String password = ctx.formParam("password");
        if (password == null) {
            return null;
        }
        if (password.isEmpty() || password.length() > MAX_PASSWORD_CHARS
                || password.chars().anyMatch(Character::isISOControl)) {
            throw Problem.badRequest("bad-password", "password must be 1-" + MAX_PASSWORD_CHARS
                    + " characters without control characters");
        }
        return password;
    }

    static PdfOptions pdfOptions(Context ctx) {
        try {
            return PdfOptions.fromFields(ctx::formParam);
        } catch (InvalidPdfOptionException e) {
            throw new Problem(400, "bad-pdf-option", "Bad PDF option", e.getMessage()).with("field", e.field());
        }
    }

    /**
     * Jetty passes control bytes in part headers through (a file name with a NUL or an escape sequence); such a
     * request comes from no browser or HTTP library, so it is refused rather than cleaned up.
     */
    private static void requirePrintablePartHeaders(Context ctx, long maxUploadBytes) {
        try {
            for (Part part : ctx.req().getParts()) {
                for (String name : part.getHeaderNames()) {
                    if (hasControl(name) || part.getHeaders(name).stream().anyMatch(MultipartUpload::hasControl)) {
                        LOG.info("upload refused: control bytes in a part header ({})", name.replaceAll("\\p{Cntrl}", "?"));
                        throw Problem.badRequest("bad-multipart", "a part header holds control characters");
                    }
                }
            }
        } catch (Problem p) {
            throw p;
        } catch (Exception e) {
            throw classify(e, maxUploadBytes);
        }
    }

    private static boolean hasControl(String s) {
        return s != null && s.chars().anyMatch(c -> (c < 0x20 && c != '\t') || c == 0x7f);
    }

    /** Maps a parse failure to our own problem; the parser's message goes only to the log (with the request id). */
    static Problem classify(Throwable e, long maxUploadBytes) {
        if (isSizeLimit(e)) {
            return new Problem(413, "too-large", "File too large",
                    "the file is larger than the limit of " + maxUploadBytes + " bytes").with("limitBytes", maxUploadBytes);
        }
        if (RequestBodyGuard.isTooSlow(e)) {
            LOG.info("upload refused: body too slow: {}", e.toString());
            return RequestBodyGuard.tooSlow();
        }
        LOG.info("upload refused: malformed multipart: {}", e.toString());
        return Problem.badRequest("bad-multipart", "the body is not well-formed multipart/form-data: send one part"
                + " named 'file' with a filename, each part with a Content-Disposition header and printable headers");
    }

    static boolean isSizeLimit(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            // Jetty reports the multipart limit as "400: bad multipart" caused by "max file size exceeded".
            String m = String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT);
            if (m.contains("header")) {
                return false; // "headers max length exceeded": oversized part headers are malformed, not a large file
            }
            if ((m.contains("exceed") && (m.contains("max") || m.contains("size"))) || m.contains("max file size")
                    || m.contains("max request size")) {
                return true;
            }
        }
        return false;
    }
}
