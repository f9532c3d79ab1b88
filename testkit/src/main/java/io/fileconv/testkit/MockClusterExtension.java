package io.fileconv.testkit;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.lang.reflect.Field;

/**
 * A fresh {@link MockCluster} per test, injected into the test's {@link KubernetesClient} and
 * {@link KubernetesMockServer} fields, as fabric8's {@code @EnableKubernetesMockClient(crud = true)} does, but
 * stopped with {@link MockCluster#stop} so a slow Vert.x close does not fail a test whose assertions passed.
 */
public final class MockClusterExtension implements BeforeEachCallback, AfterEachCallback {
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(MockClusterExtension.class);

    @Override
    public void beforeEach(ExtensionContext context) throws IllegalAccessException {
        KubernetesMockServer server = MockCluster.start();
        KubernetesClient client = server.createClient();
        context.getStore(NS).put("server", server);
        context.getStore(NS).put("client", client);
        Object test = context.getRequiredTestInstance();
        for (Class<?> c = test.getClass(); c != Object.class; c = c.getSuperclass()) {
            for (Field field : c.getDeclaredFields()) {
                if (field.getType() == KubernetesClient.class) {
                    field.setAccessible(true);
                    field.set(test, client);
                } else if (field.getType() == KubernetesMockServer.class) {
                    field.setAccessible(true);
                    field.set(test, server);
                }
            }
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        KubernetesClient client = context.getStore(NS).remove("client", KubernetesClient.class);
        if (client != null) {
            client.close();
        }
        KubernetesMockServer server = context.getStore(NS).remove("server", KubernetesMockServer.class);
        if (server != null) {
            MockCluster.stop(server);
        }
    }
}
