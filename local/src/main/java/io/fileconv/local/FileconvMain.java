package io.fileconv.local;

import io.fileconv.core.Region;
import io.fileconv.pipeline.erase.EraseCommand;
import io.fileconv.pipeline.retry.RetryCommand;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;

/**
 * The commands of the local distribution:
 * <ul>
 *   <li>{@code up}: the whole embedded stack until Ctrl-C;</li>
 *   <li>{@code retry}: one pass of the retry job against the running stack;</li>
 *   <li>{@code migrate <user> <from> <to>}: move a user's files to another region (as a RegionMigration does);</li>
 *   <li>{@code erase <user>}: erase all of a user's data (the operator image's erasure command);</li>
 *   <li>{@code infra}, {@code worker}, {@code api}: the same stack split into processes (the fault tests kill
 *   worker and API processes while the infrastructure keeps running).</li>
 * </ul>
 */
public final class FileconvMain {
    private FileconvMain() {
    }

    public static void main(String[] args) throws Exception {
        String cmd = args.length == 0 ? "up" : args[0];
        Path data = Path.of(env("FILECONV_DATA_DIR", ".fileconv/data")).toAbsolutePath();
        switch (cmd) {
            case "up" -> up(data);
            case "retry" -> System.exit(RetryCommand.run(Endpoints.readEnv(data)));
            case "migrate" -> {
                if (args.length != 4) {
                    System.err.println("usage: fileconv migrate <user id> <from region> <to region>");
                    System.exit(2);
                }
                System.exit(LocalMigration.run(Endpoints.readEnv(data), args[1], Region.fromCode(args[2]),
                        Region.fromCode(args[3])));
            }
            case "erase" -> System.exit(EraseCommand.run(Endpoints.readEnv(data), Arrays.copyOfRange(args, 1,
                    args.length)));
            case "infra" -> runUntilStopped(EmbeddedInfra.start(data), "infrastructure ready: " + Endpoints.file(data));
            case "worker" -> runUntilStopped(WorkerNode.start(Endpoints.readEnv(data), data.resolve(
                    env("FILECONV_WORKER_DIR", "worker")), Integer.parseInt(env("FILECONV_OFFICE_PROCESSES", "2")),
                    Duration.ofSeconds(Long.parseLong(env("FILECONV_TIMEOUT_SECONDS", "120")))), "worker ready");
            case "api" -> {
                ApiNode api = ApiNode.start(Endpoints.readEnv(data), data, Integer.parseInt(env("FILECONV_PORT", "8080")),
                        Long.parseLong(env("FILECONV_MAX_UPLOAD_BYTES", String.valueOf(100L << 20))), () -> true);
                runUntilStopped(api, "api ready on port " + api.port());
            }
            default -> {
                System.err.println("usage: fileconv up | retry | migrate | erase | infra | worker | api");
                System.exit(2);
            }
        }
    }

    private static void up(Path data) throws Exception {
        int port = Integer.parseInt(env("FILECONV_PORT", "8080"));
        int office = Integer.parseInt(env("FILECONV_OFFICE_PROCESSES", "2"));
        StackOptions d = StackOptions.defaults(data);
        EmbeddedStack stack = EmbeddedStack.start(new StackOptions(data, port, office, d.taskTimeout(),
                d.maxUploadBytes()));
        runUntilStopped(stack, "\nfileconv is ready: " + stack.baseUrl() + "/   (data in " + data
                + ", Ctrl-C to stop)");
    }

    private static void runUntilStopped(AutoCloseable running, String readyMessage) throws InterruptedException {
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("fileconv: stopping...");
            try {
                running.close();
            } catch (Exception e) {
                System.err.println("fileconv: stop failed: " + e);
            }
            stopped.countDown();
        }, "shutdown"));
        System.out.println(readyMessage);
        System.out.flush();
        stopped.await();
    }

    private static String env(String name, String def) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? def : v;
    }
}
