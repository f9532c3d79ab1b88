package io.fileconv.converter;

import org.jodconverter.core.office.OfficeException;
import org.jodconverter.local.office.ExistingProcessAction;
import org.jodconverter.local.office.LocalOfficeManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A pool of warm LibreOffice processes (JODConverter). Starting soffice costs ~5 s; a warm process converts a
 * simple document in ~50–300 ms. Processes restart after {@code maxTasksPerProcess} documents, after a crash,
 * and when a document passes the task timeout.
 */
public final class OfficePool implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(OfficePool.class);

    private final LocalOfficeManager manager;
    private final OfficePoolConfig config;

    private OfficePool(LocalOfficeManager manager, OfficePoolConfig config) {
        this.manager = manager;
        this.config = config;
    }

    public static OfficePool start(OfficePoolConfig cfg) throws IOException, OfficeException {
        Path work = Files.createDirectories(cfg.workDir());
        killOrphans(work);
        Path template = HardenedProfile.write(work.resolve("template-profile"));
        LocalOfficeManager manager = LocalOfficeManager.builder()
                .portNumbers(cfg.ports().stream().mapToInt(Integer::intValue).toArray())
                .workingDir(work.toFile())
                .templateProfileDir(template.toFile())
                .maxTasksPerProcess(cfg.maxTasksPerProcess())
                .taskExecutionTimeout(cfg.taskTimeout().toMillis())
                // A queue wait is not a document's fault: let callers wait as long as the pool is busy.
                .taskQueueTimeout(30L * 60_000L)
                .processTimeout(120_000L)
                // A soffice left over from a killed JVM holds our port: kill it rather than share it.
                .existingProcessAction(ExistingProcessAction.KILL)
                .startFailFast(true)
                .build();
        long t0 = System.nanoTime();
        manager.start();
        LOG.info("office pool ready: {} process(es) in {} ms", cfg.processes(), (System.nanoTime() - t0) / 1_000_000);
        return new OfficePool(manager, cfg);
    }

    /**
     * A JVM killed with SIGKILL leaves its soffice processes running (they are not its process group's foreground).
     * They are recognised by their profile directory inside our work dir and killed before new ones start, so
     * repeated crashes cannot pile up office processes.
     */
    /**
     * Kills this pool's office processes now. Used to stop a conversion the user cancelled: JODConverter sees the
     * lost connection, fails the running task and starts a fresh process. Meant for single-process pools, where the
     * only task that can be running is the cancelled one.
     */
    public void killOfficeProcesses() {
        killOrphans(config.workDir());
    }

    static void killOrphans(Path work) {
        String marker = work.toAbsolutePath().toString();
        ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().map(c -> c.contains("soffice") && c.contains(marker)).orElse(false))
                .forEach(p -> {
                    LOG.warn("killing leftover office process {} of a previous run", p.pid());
                    p.destroyForcibly();
                });
    }

    LocalOfficeManager manager() {
        return manager;
    }

    public OfficePoolConfig config() {
        return config;
    }

    @Override
    public void close() {
        try {
            manager.stop();
        } catch (OfficeException e) {
            LOG.warn("office pool did not stop cleanly", e);
        }
    }
}
