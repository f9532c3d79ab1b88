package io.fileconv.local;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Settings of one embedded stack.
 *
 * @param dataDir         everything the stack keeps (database, Kafka log, objects, keys); reused by the next start
 * @param apiPort         HTTP port of the API and UI (0 = any free port)
 * @param officeProcesses warm LibreOffice processes
 * @param taskTimeout     hard limit per document
 * @param maxUploadBytes  upload size limit
 */
public record StackOptions(Path dataDir, int apiPort, int officeProcesses, Duration taskTimeout, long maxUploadBytes) {

    public static StackOptions defaults(Path dataDir) {
        return new StackOptions(dataDir, 8080, 2, Duration.ofSeconds(120), 100L << 20);
    }

    public StackOptions withApiPort(int port) {
        return new StackOptions(dataDir, port, officeProcesses, taskTimeout, maxUploadBytes);
    }

    public StackOptions withOfficeProcesses(int processes) {
        return new StackOptions(dataDir, apiPort, processes, taskTimeout, maxUploadBytes);
    }

    public StackOptions withTaskTimeout(Duration timeout) {
        return new StackOptions(dataDir, apiPort, officeProcesses, timeout, maxUploadBytes);
    }
}
