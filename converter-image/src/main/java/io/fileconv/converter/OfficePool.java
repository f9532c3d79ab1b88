package io.fileconv.converter;

import org.jodconverter.core.office.OfficeException;
import org.jodconverter.local.office.ExistingProcessAction;
import org.jodconverter.local.office.LocalOfficeManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * A pool of warm LibreOffice processes (JODConverter). Starting soffice costs ~5 s; a warm process converts a
 * simple document in ~50–300 ms. Processes restart after {@code maxTasksPerProcess} documents, after a crash,
 * and when a document passes its time limit. Each process has its own single-process manager ({@link OfficeProcess})
 * and the pool hands them out itself, so a document's watchdog can kill exactly the process it runs on.
 */
public final class OfficePool implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(OfficePool.class);
    /** How long JODConverter may take to start or stop one office process. */
    static final Duration PROCESS_TIMEOUT = Duration.ofMinutes(2);

    private final List<OfficeProcess> processes;
    private final BlockingQueue<OfficeProcess> idle;
    private final OfficePoolConfig config;

    private OfficePool(List<OfficeProcess> processes, OfficePoolConfig config) {
        this.processes = processes;
        this.idle = new ArrayBlockingQueue<>(processes.size(), false, processes);
        this.config = config;
    }

    public static OfficePool start(OfficePoolConfig cfg) throws IOException, OfficeException {
        Path work = Files.createDirectories(cfg.workDir());
        killOrphans(work);
        Path template = HardenedProfile.write(work.resolve("template-profile"));
        List<OfficeProcess> started = new ArrayList<>();
        long t0 = System.nanoTime();
        try {
            for (int port : cfg.ports()) {
                LocalOfficeManager manager = LocalOfficeManager.builder()
                        .portNumbers(port)
                        .workingDir(work.toFile())
                        .templateProfileDir(template.toFile())
                        .runAsArgs(cfg.launchPrefix().toArray(String[]::new))
                        .maxTasksPerProcess(cfg.maxTasksPerProcess())
                        // Only a backstop: DocumentConverter times each document from the moment its process starts
                        // on it and kills that process itself. JODConverter's own clock also runs while the task
                        // waits for a (re)starting process, so it gets the document's limit plus a whole start.
                        .taskExecutionTimeout(cfg.taskTimeout().plus(PROCESS_TIMEOUT).plusSeconds(30).toMillis())
                        // The pool hands out processes itself; JODConverter's own queue never holds a task.
                        .taskQueueTimeout(30L * 60_000L)
                        .processTimeout(PROCESS_TIMEOUT.toMillis())
                        // A soffice left over from a killed JVM holds our port: kill it rather than share it.
                        .existingProcessAction(ExistingProcessAction.KILL)
                        .startFailFast(true)
                        .build();
                manager.start();
                started.add(new OfficeProcess(port, manager, work));
            }
        } catch (OfficeException | RuntimeException e) {
            started.forEach(p -> stopQuietly(p.manager()));
            throw e;
        }
        LOG.info("office pool ready: {} process(es) in {} ms", cfg.processes(), (System.nanoTime() - t0) / 1_000_000);
        return new OfficePool(List.copyOf(started), cfg);
    }

    /** Waits (without limit: a busy pool is nobody's fault) until a process is free. */
    OfficeProcess acquire() throws InterruptedException {
        return idle.take();
    }

    void release(OfficeProcess process) {
        idle.add(process);
    }

    List<OfficeProcess> processes() {
        return processes;
    }

    /**
     * Kills this pool's office processes now. Used to stop a conversion the user cancelled: JODConverter sees the
     * lost connection, fails the running task and starts a fresh process. Meant for single-process pools, where the
     * only task that can be running is the cancelled one.
     */
    public void killOfficeProcesses() {
        killOrphans(config.workDir());
    }

    /**
     * A JVM killed with SIGKILL leaves its soffice processes running (they are not its process group's foreground).
     * They are recognised by their profile directory inside our work dir and killed before new ones start, so
     * repeated crashes cannot pile up office processes.
     */
    static void killOrphans(Path work) {
        String marker = work.toAbsolutePath().toString();
        ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().map(c -> c.contains("soffice") && c.contains(marker)).orElse(false))
                .forEach(p -> {
                    LOG.warn("killing office process {}", p.pid());
                    p.destroyForcibly();
                });
    }

    public OfficePoolConfig config() {
        return config;
    }

    @Override
    public void close() {
        processes.forEach(p -> stopQuietly(p.manager()));
    }

    private static void stopQuietly(LocalOfficeManager manager) {
        try {
            manager.stop();
        } catch (OfficeException | RuntimeException e) {
            LOG.warn("office process did not stop cleanly", e);
        }
    }
}
