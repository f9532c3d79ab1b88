package io.fileconv.local;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Settings of one embedded stack.
 *
 * @param dataDir         everything the stack keeps (database, Kafka log, objects, keys); reused by the next start
 * @param apiPort         HTTP port of the API and UI (0 = any free port)
 * @param officeProcesses warm LibreOffice processes
 * @param taskTimeout     hard limit per document
 * @param maxUploadBytes  upload size limit
 * @param env             FILECONV_* settings over the process environment (e.g. a test's webhook allow-list)
 */
public record StackOptions(Path dataDir, int apiPort, int officeProcesses, Duration taskTimeout, long maxUploadBytes,
                           Map<String, String> env) {

    public StackOptions {
        env = Map.copyOf(env);
    }

    public StackOptions(Path dataDir, int apiPort, int officeProcesses, Duration taskTimeout, long maxUploadBytes) {
        this(dataDir, apiPort, officeProcesses, taskTimeout, maxUploadBytes, Map.of());
    }

    public static StackOptions defaults(Path dataDir) {
        return new StackOptions(dataDir, 8080, 2, Duration.ofSeconds(120), 100L << 20);
    }

    public StackOptions withApiPort(int port) {
        return new StackOptions(dataDir, port, officeProcesses, taskTimeout, maxUploadBytes, env);
    }

    public StackOptions withOfficeProcesses(int processes) {
        return new StackOptions(dataDir, apiPort, processes, taskTimeout, maxUploadBytes, env);
    }

    public StackOptions withTaskTimeout(Duration timeout) {
        return new StackOptions(dataDir, apiPort, officeProcesses, timeout, maxUploadBytes, env);
    }

    /** These settings as well, over the infrastructure's and the process environment's. */
    public StackOptions withEnv(Map<String, String> more) {
        Map<String, String> all = new HashMap<>(env);
        all.putAll(more);
        return new StackOptions(dataDir, apiPort, officeProcesses, taskTimeout, maxUploadBytes, all);
    }
}
