package io.fileconv.api;

import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Invocable;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Watches every request body as Jetty's core reads it, for two things Jetty 12.1 gets wrong for uploads:
 * <ul>
 * <li><b>Minimum data rate, per request.</b> Jetty's {@code MinimumDataRateHandler} divides the bytes read by
 * <em>all</em> requests since start by one request's time, so once any other traffic has passed, a client trickling
 * its body is never refused. Here each request counts its own bytes; when it asks for more and has averaged less
 * than the minimum since its first wait, the next read fails with a {@link TimeoutException} (answered 408 by
 * {@link MultipartUpload} and {@link JsonBody}). A body that is already there is never refused, however slowly the
 * server reads it.</li>
 * <li><b>Multipart parsing off the selector.</b> Jetty parses a servlet's multipart body in content callbacks it
 * declares non-blocking, so its selector thread runs them itself, and they write each part to disk. Under a burst of
 * large uploads those writes block the selector for seconds, and no other connection is read meanwhile (measured:
 * connections accepted during 50 concurrent 100 MiB uploads had none of their headers read for 10 s). Declaring
 * a multipart body's callbacks blocking makes Jetty hand them to a pool thread.</li>
 * </ul>
 */
final class RequestBodyGuard extends Handler.Wrapper {
    /** A client's first bytes may lag its first wait a little (e.g. an {@code Expect: 100-continue} round trip). */
    private static final long GRACE_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final long minBytesPerSecond;

    /** @param minBytesPerSecond 0 for no rate rule */
    RequestBodyGuard(Handler handler, long minBytesPerSecond) {
        super(handler);
        this.minBytesPerSecond = minBytesPerSecond;
    }

    /** True when a body read failed because the body came too slowly: this guard's rate or Jetty's idle timeout. */
    static boolean isTooSlow(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof TimeoutException || (t instanceof HttpException h && h.getCode() == 408)) {
                return true;
            }
        }
        return false;
    }

    static Problem tooSlow() {
        return new Problem(408, "too-slow", "Request too slow",
                "the request body arrived slower than the server's minimum data rate");
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        return super.handle(new GuardedRequest(request), response, callback);
    }

    private final class GuardedRequest extends Request.Wrapper {
        private final boolean multipart;
        // Reads and demands of one request never overlap (Jetty's content contract), so no lock; volatile because
        // successive calls may come from different threads.
        private volatile long bytesRead;
        private volatile long firstWait;
        private volatile Content.Chunk tooSlow;

        GuardedRequest(Request request) {
            super(request);
            String type = request.getHeaders().get(HttpHeader.CONTENT_TYPE);
            this.multipart = type != null && type.regionMatches(true, 0, "multipart/", 0, 10);
        }

        @Override
        public Content.Chunk read() {
            if (tooSlow != null) {
                return tooSlow;
            }
            Content.Chunk chunk = super.read();
            if (chunk != null) {
                bytesRead += chunk.remaining();
            }
            return chunk;
        }

        @Override
        public void demand(Runnable onContent) {
            if (minBytesPerSecond > 0 && belowMinimumRate()) {
                tooSlow = Content.Chunk.from(new TimeoutException("request body below " + minBytesPerSecond
                        + " bytes/s"));
                onContent.run();
                return;
            }
            super.demand(multipart ? Invocable.from(Invocable.InvocationType.BLOCKING, onContent) : onContent);
        }

        private boolean belowMinimumRate() {
            long now = System.nanoTime();
            if (firstWait == 0) {
                firstWait = now;
                return false;
            }
            long elapsed = now - firstWait;
            return elapsed > GRACE_NANOS && bytesRead * 1_000_000_000.0 / elapsed < minBytesPerSecond;
        }
    }
}
