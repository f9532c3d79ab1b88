package io.fileconv.local;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Seeded mutations of a valid upload request: the same seed gives the same requests, so a failing case can be
 * replayed by its number. Each mutation keeps the request's framing intact (Content-Length always matches the body,
 * the Content-Type value never holds CR or LF), so the server is exercised, not the socket.
 */
final class MultipartMutator {
    record Upload(String description, String contentType, byte[] body) {
    }

    private final Random random;
    private final List<Sample> samples;

    /** A document to mutate: name and bytes. */
    record Sample(String name, byte[] bytes) {
    }

    MultipartMutator(long seed, List<Sample> samples) {
        this.random = new Random(seed);
        this.samples = samples;
    }

    Upload next() {
        Sample s = samples.get(random.nextInt(samples.size()));
        String boundary = "fuzz" + Long.toHexString(random.nextLong());
        String ct = "multipart/form-data; boundary=" + boundary;
        String headers = "Content-Disposition: form-data; name=\"file\"; filename=\"" + s.name() + "\"\r\n"
                + "Content-Type: application/octet-stream";
        int kind = random.nextInt(14);
        return switch (kind) {
            case 0 -> new Upload("valid " + s.name(), ct, body(boundary, headers, s.bytes(), true));
            case 1 -> {
                byte[] b = body(boundary, headers, s.bytes(), true);
                int flips = 1 + random.nextInt(8);
                for (int i = 0; i < flips; i++) {
                    b[random.nextInt(b.length)] = (byte) random.nextInt(256);
                }
                yield new Upload(flips + " random bytes in " + s.name(), ct, b);
            }
            case 2 -> new Upload("control bytes in part headers", ct, body(boundary,
                    insert(headers, controlBytes(1 + random.nextInt(6))), s.bytes(), true));
            case 3 -> {
                byte[] b = body(boundary, headers, s.bytes(), true);
                int at = random.nextInt(b.length);
                yield new Upload("truncated at " + at, ct, Arrays.copyOf(b, at));
            }
            case 4 -> new Upload("file part twice", ct, concat(part(boundary, headers, s.bytes()),
                    part(boundary, headers, s.bytes()), close(boundary)));
            case 5 -> new Upload("part without headers", ct, concat(part(boundary, "", s.bytes()), close(boundary)));
            case 6 -> new Upload("body boundary differs", ct, body("other" + boundary, headers, s.bytes(), true));
            case 7 -> new Upload("mutated boundary parameter", mutatedContentType(boundary),
                    body(boundary, headers, s.bytes(), true));
            case 8 -> {
                byte[] junk = new byte[random.nextInt(4096)];
                random.nextBytes(junk);
                yield new Upload("random body of " + junk.length + " bytes", ct, junk);
            }
            case 9 -> new Upload("hostile file name", ct, body(boundary, headers.replace(s.name(), hostileName(s.name())),
                    s.bytes(), true));
            case 10 -> new Upload("other field name", ct, body(boundary, headers.replace("name=\"file\"",
                    List.of("name=\"\"", "name=\"file2\"", "", "name=file").get(random.nextInt(4))), s.bytes(), true));
            case 11 -> new Upload("no closing boundary", ct, body(boundary, headers, s.bytes(), false));
            case 12 -> new Upload("oversized part headers", ct, body(boundary, headers + "\r\nX-Long: "
                    + "h".repeat(1 + random.nextInt(40_000)), s.bytes(), true));
            default -> new Upload("not multipart", List.of("text/plain", "application/json", "multipart/mixed",
                    "multipart/form-data").get(random.nextInt(4)), body(boundary, headers, s.bytes(), true));
        };
    }

    private String mutatedContentType(String boundary) {
        return switch (random.nextInt(5)) {
            case 0 -> "multipart/form-data";
            case 1 -> "multipart/form-data; boundary=";
            case 2 -> "multipart/form-data; boundary=\"" + boundary + "\"";
            case 3 -> "multipart/form-data; boundary=" + boundary + "x".repeat(300);
            default -> "multipart/form-data; boundary=" + boundary + new String(controlBytes(2), StandardCharsets.ISO_8859_1);
        };
    }

    private String hostileName(String name) {
        return switch (random.nextInt(5)) {
            case 0 -> "x".repeat(1000) + name;
            case 1 -> "../../etc/" + name;
            case 2 -> "\u202Etxt." + name;
            case 3 -> "";
            default -> "C:\\\\Windows\\\\" + name;
        };
    }

    /** Control bytes, never CR or LF (those would end the header instead of corrupting it). */
    private byte[] controlBytes(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            int c;
            do {
                c = random.nextInt(32);
            } while (c == '\r' || c == '\n');
            b[i] = (byte) c;
        }
        return b;
    }

    private String insert(String s, byte[] bytes) {
        int at = random.nextInt(s.length() + 1);
        return s.substring(0, at) + new String(bytes, StandardCharsets.ISO_8859_1) + s.substring(at);
    }

    private static byte[] body(String boundary, String headers, byte[] content, boolean closed) {
        return concat(part(boundary, headers, content), closed ? close(boundary) : new byte[0]);
    }

    private static byte[] part(String boundary, String headers, byte[] content) {
        return concat(("--" + boundary + "\r\n" + headers + "\r\n\r\n").getBytes(StandardCharsets.UTF_8), content,
                "\r\n".getBytes(StandardCharsets.ISO_8859_1));
    }

    private static byte[] close(String boundary) {
        return ("--" + boundary + "--\r\n").getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
