package io.fileconv.testkit;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Queue;

import java.util.stream.Stream;

/**
 * fabric8's mock API server in CRUD mode (plus canned answers set with {@code expect()}) with the project's CRDs
 * from the repository root's crds/, as the tests of the Kubernetes path use it.
 */
public final class MockCluster {
    private static final Logger LOG = LoggerFactory.getLogger(MockCluster.class);

    private MockCluster() {
    }

    public static KubernetesMockServer start() {
        Map<ServerRequest, Queue<ServerResponse>> canned = new HashMap<>();
        KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), canned,
                new KubernetesMixedDispatcher(canned), false);
        server.init();
        return server;
    }

    /** Creates every committed CRD (crds/*.yml) on the server. */
    public static void installCrds(KubernetesClient kube, Path repoRoot) throws IOException {
        try (Stream<Path> files = Files.list(repoRoot.resolve("crds"))) {
            for (Path file : files.filter(p -> p.toString().endsWith(".yml")).sorted().toList()) {
                try (InputStream yaml = Files.newInputStream(file)) {
                    CustomResourceDefinition crd = kube.apiextensions().v1().customResourceDefinitions().load(yaml)
                            .item();
                    kube.apiextensions().v1().customResourceDefinitions().resource(crd).create();
                }
            }
        }
    }

    /**
     * Stops the server. Its Vert.x close is bounded at 10 s; on a loaded 2-core CI machine an event loop still busy
     * with a closing watch has missed that bound. What a test asserts is over by then, so a slow close is logged
     * and the test is not failed for it.
     */
    public static void stop(KubernetesMockServer server) {
        try {
            server.destroy();
        } catch (IllegalStateException e) {
            LOG.warn("the mock API server did not close within its 10 s bound", e);
        }
    }
}
