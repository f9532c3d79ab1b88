package io.fileconv.converter;

import org.jodconverter.local.office.LocalOfficeManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;

/**
 * One warm soffice on one UNO port, managed by its own single-process JODConverter manager. Being one process per
 * manager is what lets {@link #kill()} stop exactly the process that runs a given document (a time limit passed, a
 * cancel) without touching the other processes of the pool.
 */
final class OfficeProcess {
    private static final Logger LOG = LoggerFactory.getLogger(OfficeProcess.class);

    private final int port;
    private final LocalOfficeManager manager;
    private final Path workDir;

    OfficeProcess(int port, LocalOfficeManager manager, Path workDir) {
        this.port = port;
        this.manager = manager;
        this.workDir = workDir;
    }

    int port() {
        return port;
    }

    LocalOfficeManager manager() {
        return manager;
    }

    /**
     * Kills this office process (and a launch prefix wrapping it). JODConverter sees the connection drop, fails the
     * running task and starts a fresh process on the same port.
     */
    void kill() {
        String marker = workDir.toAbsolutePath().toString();
        String accept = "port=" + port + ",";
        ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine()
                        .map(c -> c.contains("soffice") && c.contains(marker) && c.contains(accept)).orElse(false))
                .forEach(p -> {
                    LOG.info("killing office process {} on port {}", p.pid(), port);
                    p.destroyForcibly();
                });
    }

    @Override
    public String toString() {
        return "office process on port " + port;
    }
}
