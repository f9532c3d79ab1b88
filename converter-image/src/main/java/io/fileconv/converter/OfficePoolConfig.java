package io.fileconv.converter;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Settings of the warm LibreOffice pool.
 *
 * @param ports              one UNO socket port per office process (each converts one document at a time)
 * @param maxTasksPerProcess restart a process after this many documents (soffice grows ~1.6 MB per document)
 * @param taskTimeout        hard limit per document, counted from the moment its office process starts working on
 *                           it (never while a process (re)starts); the process is killed and restarted when passed
 * @param workDir            where profiles and temporary files live (inside the converter's own space)
 * @param launchPrefix       command words put before soffice (e.g. {@code prlimit --as=...}, {@code nice}); empty
 *                           for none. Tests use it to make an office start slow on purpose.
 */
public record OfficePoolConfig(List<Integer> ports, int maxTasksPerProcess, Duration taskTimeout, Path workDir,
                               List<String> launchPrefix) {

    public OfficePoolConfig {
        ports = List.copyOf(ports);
        launchPrefix = List.copyOf(launchPrefix);
    }

    public OfficePoolConfig(List<Integer> ports, int maxTasksPerProcess, Duration taskTimeout, Path workDir) {
        this(ports, maxTasksPerProcess, taskTimeout, workDir, List.of());
    }

    public int processes() {
        return ports.size();
    }
}
