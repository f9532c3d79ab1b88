package io.fileconv.converter;

import java.nio.file.Path;
import java.time.Duration;
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
}
