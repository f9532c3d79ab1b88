package io.fileconv.api;

import io.javalin.http.Context;
import jakarta.servlet.http.Part;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.UUID;

/**
 * The uploaded document as one file on this API's disk. Jetty spools a file part to its multipart directory; this
 * moves that file (no copy) to a name of its own, and every later step (type detection, the archive and pixel checks,
 * hashing, the S3 PUT) reads it from there. No step holds the body in memory, so a burst of large uploads costs disk,
 * one file each, and not heap. The file is deleted when the request is done with it.
 */
final class SpooledUpload implements AutoCloseable {
    private final Path path;
    private final long size;

    private SpooledUpload(Path path) throws IOException {
        this.path = path;
        this.size = Files.size(path);
    }

    /** Takes over the request's part named {@code file} (MultipartUpload has checked there is exactly one). */
    static SpooledUpload take(Context ctx, Path dir) throws Exception {
        Part part = ctx.req().getPart("file");
        Path target = dir.resolve("upload-" + UUID.randomUUID());
        // Jetty moves its spooled file when the target is on the same file system (a part kept in memory, under
        // 256 KB, is written out).
        part.write(target.toString());
        return new SpooledUpload(target);
    }

    Path path() {
        return path;
    }

    long size() {
        return size;
    }

    String sha256() throws IOException {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
        try (InputStream in = new DigestInputStream(Files.newInputStream(path), sha)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    @Override
    public void close() throws IOException {
        Files.deleteIfExists(path);
    }
}
