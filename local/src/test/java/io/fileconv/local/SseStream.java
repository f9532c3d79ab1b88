package io.fileconv.local;

import com.fasterxml.jackson.databind.JsonNode;
import io.fileconv.testkit.ApiClient;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;

/** A client of GET /api/v1/events that parses the text/event-stream into events, as a browser's reader would. */
final class SseStream implements AutoCloseable {
    record Event(String type, String id, String data) {
        JsonNode json() throws IOException {
            return ApiClient.json(data);
        }
    }

    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final List<Event> seen = new ArrayList<>();
    private final CompletableFuture<HttpResponse<Stream<String>>> response;
    private final HttpClient http = HttpClient.newHttpClient();
    private volatile Stream<String> body;

    private SseStream(HttpRequest request) {
        response = http.sendAsync(request, HttpResponse.BodyHandlers.ofLines());
        response.thenAcceptAsync(r -> parse(r.body()));
    }

    static SseStream open(String base, String token, String lastEventId) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + "/api/v1/events"))
                .header("Authorization", "Bearer " + token).header("Accept", "text/event-stream");
        if (lastEventId != null) {
            b.header("Last-Event-ID", lastEventId);
        }
        return new SseStream(b.GET().build());
    }

    int status() throws Exception {
        return response.get(30, TimeUnit.SECONDS).statusCode();
    }

    String contentType() throws Exception {
        return response.get(30, TimeUnit.SECONDS).headers().firstValue("Content-Type").orElse("");
    }

    private void parse(Stream<String> lines) {
        body = lines;
        String type = "message";
        String id = null;
        StringBuilder data = new StringBuilder();
        for (String line : (Iterable<String>) lines::iterator) {
            if (line.isEmpty()) {
                if (!data.isEmpty()) {
                    events.add(new Event(type, id, data.toString()));
                }
                type = "message";
                id = null;
                data.setLength(0);
            } else if (line.startsWith("event:")) {
                type = line.substring(6).trim();
            } else if (line.startsWith("id:")) {
                id = line.substring(3).trim();
            } else if (line.startsWith("data:")) {
                data.append(data.isEmpty() ? "" : "\n").append(line.substring(5).trim());
            }
        }
    }

    /** Waits for the first event (in order, past those already taken) that matches; every event passed is kept. */
    Event await(Predicate<Event> match, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Event e = events.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (e == null) {
                throw new AssertionError("no matching event within " + timeout + "; seen: " + seen);
            }
            seen.add(e);
            if (match.test(e)) {
                return e;
            }
        }
    }

    /** Every event taken so far plus those that arrive within {@code quiet}. */
    List<Event> drain(Duration quiet) throws InterruptedException {
        Event e;
        while ((e = events.poll(quiet.toMillis(), TimeUnit.MILLISECONDS)) != null) {
            seen.add(e);
        }
        return List.copyOf(seen);
    }

    static Predicate<Event> statusOf(String fileId, String status) {
        return e -> {
            try {
                return e.type().equals("status") && e.json().get("id").asText().equals(fileId)
                        && e.json().get("status").asText().equals(status);
            } catch (IOException bad) {
                throw new AssertionError("unparsable event data " + e.data(), bad);
            }
        };
    }

    @Override
    public void close() {
        response.cancel(true);
        Stream<String> b = body;
        if (b != null) {
            b.close(); // closes the connection: the server sees the client go
        }
    }
}
