package io.fileconv.local;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/** `fileconv up`: starts the embedded stack and keeps it running until Ctrl-C. */
public final class FileconvMain {
    private FileconvMain() {
    }

    public static void main(String[] args) throws Exception {
        String cmd = args.length == 0 ? "up" : args[0];
        if (!cmd.equals("up")) {
            System.err.println("usage: fileconv up");
            System.exit(2);
        }
        Path data = Path.of(env("FILECONV_DATA_DIR", ".fileconv/data"));
        int port = Integer.parseInt(env("FILECONV_PORT", "8080"));
        int office = Integer.parseInt(env("FILECONV_OFFICE_PROCESSES", "2"));
        StackOptions opts = StackOptions.defaults(data).withApiPort(port);
        opts = new StackOptions(opts.dataDir(), opts.apiPort(), office, opts.taskTimeout(), opts.maxUploadBytes());
        EmbeddedStack stack = EmbeddedStack.start(opts);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("fileconv: stopping...");
            stack.close();
            stopped.countDown();
        }, "shutdown"));
        System.out.println();
        System.out.println("fileconv is ready: " + stack.baseUrl() + "/   (data in " + data.toAbsolutePath()
                + ", Ctrl-C to stop)");
        stopped.await();
    }

    private static String env(String name, String def) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? def : v;
    }
}
