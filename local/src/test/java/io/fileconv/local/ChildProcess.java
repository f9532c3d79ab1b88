package io.fileconv.local;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** One fileconv command (`worker`, `api`) run as its own OS process, killed with SIGKILL and started again. */
final class ChildProcess implements AutoCloseable {
    private final String command;
    private final Map<String, String> env;
    private final Path log;
    private Process process;
    private int starts;

    ChildProcess(String command, Map<String, String> env, Path log) {
        this.command = command;
        this.env = env;
        this.log = log;
    }

    synchronized void start() throws IOException {
        ProcessBuilder pb = new ProcessBuilder(List.of(javaBin(), "-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), FileconvMain.class.getName(), command));
        pb.environment().putAll(env);
        pb.redirectErrorStream(true);
        pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        process = pb.start();
        starts++;
    }

    /** kill -9: no shutdown hook, no cleanup, exactly what a node failure or OOM kill does. */
    synchronized void kill() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    synchronized boolean alive() {
        return process != null && process.isAlive();
    }

    int starts() {
        return starts;
    }

    private static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString() + (File.separatorChar == '\\' ? ".exe" : "");
    }

    /** Graceful stop (SIGTERM runs the shutdown hook) at the end of the test. */
    @Override
    public synchronized void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }
}
