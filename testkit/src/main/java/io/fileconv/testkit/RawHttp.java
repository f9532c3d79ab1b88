package io.fileconv.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * HTTP/1.1 over a plain socket, for requests no well-behaved client library would send: control bytes, broken
 * multipart bodies, bytes trickled slowly. Every request asks the server to close the connection after answering.
 */
public final class RawHttp {
    private RawHttp() {
    }

    public record Response(int status, String head, String body) {
        public String header(String name) {
            for (String line : head.split("\r\n")) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
                    return line.substring(colon + 1).trim();
                }
            }
            return null;
        }
    }

    public static int port(String baseUrl) {
        return URI.create(baseUrl).getPort();
    }

    /** A POST of {@code body} to the upload endpoint with the given Content-Type (may hold any bytes). */
    public static byte[] upload(String token, String contentType, byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        String head = "POST /api/v1/files HTTP/1.1\r\nHost: localhost\r\n"
                + (token == null ? "" : "Authorization: Bearer " + token + "\r\n")
                + "Content-Type: " + contentType + "\r\nContent-Length: " + body.length
                + "\r\nConnection: close\r\n\r\n";
        out.writeBytes(head.getBytes(StandardCharsets.ISO_8859_1));
        out.writeBytes(body);
        return out.toByteArray();
    }

    public static Response send(int port, byte[] request) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(60_000);
            s.getOutputStream().write(request);
            s.getOutputStream().flush();
            return read(s.getInputStream());
        }
    }

    /** What a trickled request got: the chunks sent before the server answered or closed, and its answer. */
    public record Trickled(int chunks, Response answer) {
    }

    /**
     * Sends {@code head} (a request head, perhaps the start of its body), then 100 bytes every 250 ms, 400 B/s, until
     * the server answers or closes the connection, at most 400 chunks (100 s), and reads the answer.
     */
    public static Trickled trickle(int port, byte[] head) throws IOException, InterruptedException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(60_000);
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            out.write(head);
            int chunks = 0;
            for (; chunks < 400 && in.available() == 0; chunks++) {
                try {
                    out.write("x".repeat(100).getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                } catch (IOException e) {
                    break; // closed after answering: the answer is still readable
                }
                Thread.sleep(250);
            }
            return new Trickled(chunks, read(in));
        }
    }

    /** Reads one response until the server closes the connection (the requests ask it to). */
    public static Response read(InputStream in) throws IOException {
        byte[] all;
        try {
            all = in.readAllBytes();
        } catch (SocketTimeoutException e) {
            throw new IOException("no complete response within 60 s", e);
        }
        String text = new String(all, StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n\r\n");
        if (end < 0) {
            throw new IOException("no HTTP response, got " + all.length + " bytes: " + text);
        }
        String head = text.substring(0, end);
        String body = text.substring(end + 4);
        Response r = new Response(Integer.parseInt(head.substring(9, 12)), head, body);
        if ("chunked".equalsIgnoreCase(String.valueOf(r.header("Transfer-Encoding")).toLowerCase(Locale.ROOT))) {
            body = dechunk(body);
        }
        return new Response(r.status(), head, new String(body.getBytes(StandardCharsets.ISO_8859_1),
                StandardCharsets.UTF_8));
    }

    private static String dechunk(String chunked) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < chunked.length()) {
            int eol = chunked.indexOf("\r\n", i);
            int size = Integer.parseInt(chunked.substring(i, eol).split(";")[0].trim(), 16);
            if (size == 0) {
                break;
            }
            out.append(chunked, eol + 2, eol + 2 + size);
            i = eol + 2 + size + 2;
        }
        return out.toString();
    }
}
