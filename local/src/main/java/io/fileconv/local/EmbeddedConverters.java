package io.fileconv.local;

import io.fileconv.converter.ConversionWorker;
import io.fileconv.converter.DocumentConverter;
import io.fileconv.converter.OfficePool;
import io.fileconv.converter.OfficeWarmUp;
import io.fileconv.converter.OfficePoolConfig;
import io.fileconv.embedded.FreePorts;
import io.fileconv.core.Region;
import io.fileconv.pipeline.work.PooledWork;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The embedded stack's converters: the converter pods' own {@link ConversionWorker} running on threads of this
 * process, one warm office process each, serving every region, fed by the same {@link PooledWork} queue as in a cluster through
 * {@link InProcessWorkSource}. A timer does the leader's lease sweep. Closing lets documents in hand finish.
 */
final class EmbeddedConverters implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedConverters.class);
    /** The stack's workers never end for lack of work. */
    private static final Duration NEVER_IDLE = Duration.ofDays(365);
    private static final Duration FINISH_ON_CLOSE = Duration.ofSeconds(60);

    private final PooledWork work;
    private final List<OfficePool> pools = new ArrayList<>();
    private final List<InProcessWorkSource> sources = new ArrayList<>();
    private final List<ConversionWorker> workers = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final ScheduledExecutorService leases;

    /**
     * @param count      workers (= office processes)
     * @param taskTimeout JODConverter's backstop per task; a document's own limit comes with its work item
     */
    EmbeddedConverters(PooledWork work, List<Region> regions, int count, Duration taskTimeout, Path workDir,
                       ConversionLog log) throws Exception {
        this.work = work;
        work.leading(true);
        try {
            List<CompletableFuture<OfficePool>> starting = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                OfficePoolConfig cfg = new OfficePoolConfig(FreePorts.take(1), 200, taskTimeout,
                        workDir.resolve("office").resolve("p" + i));
                // soffice takes seconds to come up: start the processes side by side.
                starting.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        return OfficePool.start(cfg);
                    } catch (Exception e) {
                        throw new CompletionException(e);
                    }
                }));
            }
            for (CompletableFuture<OfficePool> f : starting) {
                pools.add(f.join());
            }
        } catch (RuntimeException | Error e) {
            pools.forEach(OfficePool::close);
            throw e;
        }
        ConversionWorker.Settings settings = ConversionWorker.Settings.idleAfter(NEVER_IDLE);
        for (int i = 0; i < count; i++) {
            String name = "converter-" + i;
            InProcessWorkSource source = new InProcessWorkSource(work, regions, name, log);
            DocumentConverter converter = new DocumentConverter(pools.get(i));
            ConversionWorker worker = new ConversionWorker(source, converter, workDir.resolve("scratch"), settings);
            sources.add(source);
            workers.add(worker);
            threads.add(new Thread(() -> {
                OfficeWarmUp.run(converter, workDir.resolve("scratch").resolve(name));
                int code = worker.run();
                if (code != ConversionWorker.EXIT_IDLE) {
                    LOG.error("converter {} ended with code {}", name, code);
                }
            }, name));
        }
        threads.forEach(Thread::start);
        leases = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "converter-leases"));
        leases.scheduleWithFixedDelay(this::sweepQuietly, 1, 1, TimeUnit.SECONDS);
    }

    private void sweepQuietly() {
        try {
            work.sweep();
        } catch (RuntimeException e) {
            LOG.warn("lease sweep failed: {}", e.toString());
        }
    }

    @Override
    public void close() throws InterruptedException {
        work.leading(false);
        sources.forEach(InProcessWorkSource::close);
        workers.forEach(ConversionWorker::stop);
        long deadline = System.nanoTime() + FINISH_ON_CLOSE.toNanos();
        for (Thread t : threads) {
            t.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            if (t.isAlive()) {
                LOG.warn("converter {} did not finish its document in time; its file is converted again at the"
                        + " next start", t.getName());
                t.interrupt();
            }
        }
        leases.shutdownNow();
        pools.forEach(OfficePool::close);
    }
}
