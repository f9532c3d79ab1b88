package io.fileconv.embedded;

import org.jclouds.blobstore.BlobStore;
import org.jclouds.blobstore.domain.Blob;
import org.jclouds.io.Payload;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the embedded S3 server was asked, for the cost benchmark: authenticated S3 requests (S3Proxy locates the
 * blob store once per request), the backend calls they made by jclouds method (putBlob is a PutObject, getBlob a
 * GetObject, blobMetadata a HeadObject, removeBlob a DeleteObject; S3Proxy may make more than one per request) and
 * the object bytes written and read.
 */
public final class S3Traffic {
    private final LongAdder requests = new LongAdder();
    private final LongAdder bytesIn = new LongAdder();
    private final LongAdder bytesOut = new LongAdder();
    private final Map<String, LongAdder> calls = new ConcurrentHashMap<>();

    /** A snapshot: requests, backend calls by method, object bytes in and out. */
    public record Counts(long requests, Map<String, Long> calls, long bytesIn, long bytesOut) {
        public Counts minus(Counts earlier) {
            Map<String, Long> d = new TreeMap<>();
            calls.forEach((k, v) -> d.put(k, v - earlier.calls.getOrDefault(k, 0L)));
            return new Counts(requests - earlier.requests, d, bytesIn - earlier.bytesIn, bytesOut - earlier.bytesOut);
        }
    }

    public Counts counts() {
        Map<String, Long> c = new TreeMap<>();
        calls.forEach((k, v) -> c.put(k, v.sum()));
        return new Counts(requests.sum(), c, bytesIn.sum(), bytesOut.sum());
    }

    void request() {
        requests.increment();
    }

    /** {@code store}, counting each call and the bytes of the objects it writes and reads. */
    BlobStore wrap(BlobStore store) {
        return (BlobStore) Proxy.newProxyInstance(BlobStore.class.getClassLoader(), new Class<?>[]{BlobStore.class},
                (proxy, method, args) -> {
                    calls.computeIfAbsent(method.getName(), k -> new LongAdder()).increment();
                    countIn(method, args);
                    Object result;
                    try {
                        result = method.invoke(store, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                    if (result instanceof Blob blob && method.getName().equals("getBlob")) {
                        bytesOut.add(length(blob.getPayload()));
                    }
                    return result;
                });
    }

    private void countIn(Method method, Object[] args) {
        if (args == null) {
            return;
        }
        for (Object a : args) {
            if (a instanceof Blob blob && method.getName().equals("putBlob")) {
                bytesIn.add(length(blob.getPayload()));
            } else if (a instanceof Payload payload && method.getName().equals("uploadMultipartPart")) {
                bytesIn.add(length(payload));
            }
        }
    }

    private static long length(Payload payload) {
        if (payload == null || payload.getContentMetadata() == null) {
            return 0;
        }
        Long n = payload.getContentMetadata().getContentLength();
        return n == null ? 0 : n;
    }
}
