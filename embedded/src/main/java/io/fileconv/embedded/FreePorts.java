package io.fileconv.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

/**
 * Free loopback ports for local processes (embedded services, office processes), chosen at start so that two
 * stacks, or a test and `up`, never collide. All {@code n} sockets are held until every port is known, so the
 * ports are distinct; consecutive ports from a free first one would not do (the next may belong to another
 * service, and a client would then talk to it).
 */
public final class FreePorts {
    private FreePorts() {
    }

    public static List<Integer> take(int n) {
        List<ServerSocket> held = new ArrayList<>();
        try {
            List<Integer> ports = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                held.add(s);
                ports.add(s.getLocalPort());
            }
            return List.copyOf(ports);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            held.forEach(s -> {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // port released either way
                }
            });
        }
    }

    public static int take() {
        return take(1).get(0);
    }
}
