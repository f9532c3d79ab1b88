package io.fileconv.converter;

import io.fileconv.core.ConversionFailure;
import io.fileconv.core.FailureClass;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a document and writes its PDF through the presigned URLs of a work item, so the worker needs no storage
 * credentials. The PUT sends {@code Content-Type: application/pdf}, the type the presigner signs.
 */
final class PresignedTransfers {
    private static final Pattern S3_ERROR_CODE = Pattern.compile("<Code>([^<]{1,64})</Code>");

    private final HttpClient http;
    private final long maxInputBytes;
    private final Duration timeout;

    PresignedTransfers(HttpClient http, long maxInputBytes, Duration timeout) {
        this.http = http;
        this.maxInputBytes = maxInputBytes;
        this.timeout = timeout;
    }

    static HttpClient defaultClient() {
        // HTTP/1.1: S3 endpoints do not speak h2c, and an upgrade attempt is a needless round of headers.
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** Streams the object at {@code url} to {@code target}, refusing more than the size bound. */
    void download(URI url, Path target) throws ConversionFailure {
        HttpRequest req = HttpRequest.newBuilder(url).timeout(timeout).GET().build();
        try {
            HttpResponse<InputStream> resp = http.send(req, HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream body = resp.body()) {
                if (resp.statusCode() / 100 != 2) {
                    throw new ConversionFailure(FailureClass.STORAGE_ERROR, "could not read the upload from storage: "
                            + describe(resp.statusCode(), body));
                }
                long declared = resp.headers().firstValueAsLong("Content-Length").orElse(-1);
                if (declared > maxInputBytes) {
                    throw tooLarge();
                }
                try (OutputStream out = Files.newOutputStream(target)) {
                    byte[] buf = new byte[64 * 1024];
                    long total = 0;
                    for (int n; (n = body.read(buf)) > 0; ) {
                        total += n;
                        if (total > maxInputBytes) {
                            throw tooLarge();
                        }
                        out.write(buf, 0, n);
                    }
                }
            }
        } catch (IOException e) {
            throw QuietFailures.of(FailureClass.STORAGE_ERROR, "could not read the upload from storage", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConversionFailure(FailureClass.INTERNAL, "interrupted while reading the upload", e);
        }
    }

    /** PUTs the PDF to {@code url}. */
    void upload(Path pdf, URI url) throws ConversionFailure {
        upload(pdf, url, "application/pdf");
    }

    /** PUTs {@code file} with the content type its presigned URL was signed for. */
    void upload(Path pdf, URI url, String contentType) throws ConversionFailure {
        try {
            HttpRequest req = HttpRequest.newBuilder(url).timeout(timeout).header("Content-Type", contentType)
                    .PUT(HttpRequest.BodyPublishers.ofFile(pdf)).build();
            HttpResponse<InputStream> resp = http.send(req, HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream body = resp.body()) {
                if (resp.statusCode() / 100 != 2) {
                    throw new ConversionFailure(FailureClass.STORAGE_ERROR, "could not write the PDF to storage: "
                            + describe(resp.statusCode(), body));
                }
            }
        } catch (IOException e) {
            throw QuietFailures.of(FailureClass.STORAGE_ERROR, "could not write the PDF to storage", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConversionFailure(FailureClass.INTERNAL, "interrupted while writing the PDF", e);
        }
    }

    private ConversionFailure tooLarge() {
        return new ConversionFailure(FailureClass.BAD_INPUT, "the upload is larger than the converter accepts ("
                + maxInputBytes + " bytes)");
    }

    /** "HTTP 403 SignatureDoesNotMatch": the status and S3's error code, never the URL (it carries a signature). */
    private static String describe(int status, InputStream body) throws IOException {
        String text = new String(body.readNBytes(4096), StandardCharsets.UTF_8);
        Matcher m = S3_ERROR_CODE.matcher(text);
        return "HTTP " + status + (m.find() ? " " + m.group(1) : "");
    }
}
