package io.fileconv.converter;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Settings of the warm LibreOffice pool.
 *
 * @param processes          office processes (each converts one document at a time)
 * @param firstPort          first UNO socket port; processes use consecutive ports
 * @param maxTasksPerProcess restart a process after this many documents (soffice grows ~1.6 MB per document)
 * @param taskTimeout        hard limit per document; the process is killed and restarted when it is passed
 * @param workDir            where profiles and temporary files live (inside the converter's own space)
 */
public record OfficePoolConfig(int processes, int firstPort, int maxTasksPerProcess, Duration taskTimeout,
                               Path workDir) {
}
