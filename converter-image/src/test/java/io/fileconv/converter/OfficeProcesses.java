package io.fileconv.converter;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Test control over a pool's soffice processes: freezing one makes a document hang whatever the machine's speed. */
final class OfficeProcesses {
    private OfficeProcesses() {
    }

    /** The office processes started in {@code officeDir} (their profile lives there). */
    static List<ProcessHandle> of(Path officeDir) {
        String marker = officeDir.toAbsolutePath().toString();
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().map(c -> c.contains("soffice") && c.contains(marker)).orElse(false))
                .toList();
    }

    /** SIGSTOPs every office process of {@code officeDir}: the next document it is given hangs until it is killed. */
    static List<ProcessHandle> freeze(Path officeDir) throws IOException, InterruptedException {
        List<ProcessHandle> procs = of(officeDir);
        if (procs.isEmpty()) {
            throw new IllegalStateException("no office process in " + officeDir);
        }
        for (ProcessHandle p : procs) {
            int rc = new ProcessBuilder("kill", "-STOP", Long.toString(p.pid())).inheritIO().start().waitFor();
            if (rc != 0) {
                throw new IllegalStateException("kill -STOP " + p.pid() + " exited " + rc);
            }
        }
        return procs;
    }

    /**
     * A launch prefix that delays every office start by {@code delaySeconds} once {@code marker} exists: a machine
     * where soffice starts slower than a document's time limit, on demand.
     */
    static List<String> slowStartPrefix(Path dir, Path marker, long delaySeconds) throws IOException {
        Path script = dir.resolve("slow-start.sh");
        Files.writeString(script, "if [ -e '" + marker + "' ]; then sleep " + delaySeconds + "; fi\nexec \"$@\"\n");
        return List.of("/bin/sh", script.toString());
    }
}
