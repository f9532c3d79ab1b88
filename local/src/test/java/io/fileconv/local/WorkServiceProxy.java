package io.fileconv.local;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fileconv.operator.k8s.Labels;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Map;
import java.util.Optional;

/**
 * The work Service as kube-proxy would make it: a TCP port that forwards each new connection to the operator pod
 * carrying {@code fileconv.io/work-leader=true} (the label the leader sets on its own pod), so converter pods keep
 * one URL while the leader changes. Connections made while no pod carries the label are refused (closed).
 */
final class WorkServiceProxy implements AutoCloseable {
    private final ServerSocket server;
    private final KubernetesClient kube;
    private final String namespace;
    private final Map<String, Integer> portsByPod;

    /** @param portsByPod where each operator pod's work endpoint listens on this machine, by pod name */
    WorkServiceProxy(KubernetesClient kube, String namespace, Map<String, Integer> portsByPod) throws IOException {
        this.kube = kube;
        this.namespace = namespace;
        this.portsByPod = portsByPod;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread accept = new Thread(this::accept, "work-service-proxy");
        accept.setDaemon(true);
        accept.start();
    }

    int port() {
        return server.getLocalPort();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Optional<Integer> target = leaderPort();
                if (target.isEmpty()) {
                    client.close();
                    continue;
                }
                Socket upstream;
                try {
                    upstream = new Socket(InetAddress.getLoopbackAddress(), target.get());
                } catch (IOException e) {
                    client.close();
                    continue;
                }
                pipe(client, upstream);
                pipe(upstream, client);
            } catch (IOException e) {
                // closed, or one connection failed: go on
            }
        }
    }

    private Optional<Integer> leaderPort() {
        try {
            return kube.pods().inNamespace(namespace).withLabel(Labels.WORK_LEADER, "true").list().getItems().stream()
                    .map(Pod::getMetadata).map(m -> portsByPod.get(m.getName())).filter(p -> p != null).findFirst();
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    private static void pipe(Socket from, Socket to) {
        Thread t = new Thread(() -> {
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                in.transferTo(out);
            } catch (IOException e) {
                // the other side went away
            } finally {
                try {
                    from.close();
                    to.close();
                } catch (IOException ignored) {
                    // nothing left to do
                }
            }
        }, "work-service-pipe");
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
