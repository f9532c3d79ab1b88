package io.fileconv.local;

import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fileconv.operator.k8s.ApiServerRequests;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * The requests fabric8's mock API server received, by who sent them and by verb and resource as the API server's
 * own metrics name them (apiserver_request_total): what a real API server and etcd would have been asked.
 */
final class KubeApiRequests {
    /** The token in the operator's kubeconfig ({@link SimulatedCluster}): tells its requests from the harness'. */
    static final String OPERATOR_TOKEN = "Bearer operator-token";
    /** The cost benchmark's sampler of objects alive: not counted. */
    static final String SAMPLER_TOKEN = "Bearer cost-sampler";

    private KubeApiRequests() {
    }

    /** Takes every request recorded since the last call; key "client verb resource[/subresource]". */
    static Map<String, Long> drain(KubernetesMockServer server) throws InterruptedException {
        Map<String, Long> out = new TreeMap<>();
        RecordedRequest r;
        while ((r = server.takeRequest(1, TimeUnit.MILLISECONDS)) != null) {
            String auth = r.getHeader("Authorization");
            if (SAMPLER_TOKEN.equals(auth)) {
                continue;
            }
            String client = OPERATOR_TOKEN.equals(auth) ? "operator" : "kubelet stand-in";
            out.merge(client + " " + classify(r.getMethod(), r.getPath()), 1L, Long::sum);
        }
        return out;
    }

    /** "verb resource", e.g. "create fileconversions", "patch fileconversions/status", "watch jobs". */
    static String classify(String method, String pathAndQuery) {
        int q = pathAndQuery.indexOf('?');
        ApiServerRequests.Kind kind = ApiServerRequests.of(method, q < 0 ? pathAndQuery : pathAndQuery.substring(0, q),
                q < 0 ? null : pathAndQuery.substring(q + 1));
        return kind.verb() + " " + kind.resource();
    }
}
