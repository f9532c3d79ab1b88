package io.fileconv.converter;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Settings of the warm LibreOffice pool.
 *
 * @param ports              one UNO socket port per office process (each converts one document at a time)
 * @param maxTasksPerProcess restart a process after this many documents (soffice grows ~1.6 MB per document)
 * @param taskTimeout        hard limit per document; the process is killed and restarted when it is passed
 * @param workDir            where profiles and temporary files live (inside the converter's own space)
 */
public record OfficePoolConfig(List<Integer> ports, int maxTasksPerProcess, Duration taskTimeout, Path workDir) {

    public int processes() {
        return ports.size();
    }

    /**
     * Free loopback ports chosen one by one. Consecutive ports from a free first one are not enough: the next
     * port may belong to another service, and JODConverter would then talk to it instead of soffice.
     */
    public static List<Integer> freePorts(int n) {
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
}
