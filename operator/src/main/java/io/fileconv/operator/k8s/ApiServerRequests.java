package io.fileconv.operator.k8s;

import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.http.AsyncBody;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.http.Interceptor;
import io.fileconv.core.metrics.MetricNames;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import java.net.URI;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Counts this process's requests to the Kubernetes API server ({@link MetricNames#KUBE_API_REQUESTS}) by verb,
 * resource and status code, named as the API server's own {@code apiserver_request_total} names them. Writes
 * (create, update, patch, delete) are what etcd pays for, per file: the capacity model's first limit at scale.
 */
public final class ApiServerRequests implements Interceptor {
    public static final Set<String> WRITES = Set.of("create", "update", "patch", "delete", "deletecollection");

    private final MeterRegistry registry;

    /** A request's kind: verb as in RBAC (watch, list, get, create, ...) and resource[/subresource]. */
    public record Kind(String verb, String resource) {
        public boolean write() {
            return WRITES.contains(verb);
        }
    }

    private ApiServerRequests(MeterRegistry registry) {
        this.registry = registry;
    }

    /** A client builder whose requests are counted in {@code registry}. */
    public static KubernetesClientBuilder counting(KubernetesClientBuilder builder, MeterRegistry registry) {
        ApiServerRequests counter = new ApiServerRequests(registry);
        return builder.withHttpClientBuilderConsumer(b -> b.addOrReplaceInterceptor("fileconv-metrics", counter));
    }

    @Override
    public void after(HttpRequest request, HttpResponse<?> response, AsyncBody.Consumer<List<ByteBuffer>> consumer) {
        count(request, Integer.toString(response.code()));
    }

    @Override
    public void afterConnectionFailure(HttpRequest request, Throwable failure) {
        count(request, "error");
    }

    private void count(HttpRequest request, String code) {
        Kind kind = of(request.method(), request.uri());
        Counter.builder(MetricNames.KUBE_API_REQUESTS.name()).description(MetricNames.KUBE_API_REQUESTS.description())
                .tag("verb", kind.verb()).tag("resource", kind.resource()).tag("code", code)
                .register(registry).increment();
    }

    public static Kind of(String method, URI uri) {
        return of(method, uri.getRawPath(), uri.getRawQuery());
    }

    /** @param path e.g. /apis/fileconv.io/v1/namespaces/ns/fileconversions/x/status; query may be null */
    public static Kind of(String method, String path, String query) {
        String[] p = path.replaceAll("^/+", "").split("/");
        // /api/v1/<resource>... or /apis/<group>/<version>/<resource>..., namespaced with namespaces/<ns>/ first
        int i = p.length > 0 && p[0].equals("api") ? 2 : 3;
        if (i + 2 < p.length && p[i].equals("namespaces")) {
            i += 2;
        }
        if (i >= p.length) {
            return new Kind(method.toLowerCase(Locale.ROOT), "(discovery)");
        }
        boolean named = i + 1 < p.length;
        String resource = p[i] + (i + 2 < p.length ? "/" + p[i + 2] : "");
        boolean watch = query != null && (query.contains("watch=true") || query.contains("watch=1"));
        String verb = switch (method.toUpperCase(Locale.ROOT)) {
            case "GET" -> watch ? "watch" : named ? "get" : "list";
            case "POST" -> "create";
            case "PUT" -> "update";
            case "PATCH" -> "patch";
            case "DELETE" -> named ? "delete" : "deletecollection";
            default -> method.toLowerCase(Locale.ROOT);
        };
        return new Kind(verb, resource);
    }
}
