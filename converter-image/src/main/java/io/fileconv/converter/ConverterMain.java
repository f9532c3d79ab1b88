package io.fileconv.converter;

import io.fileconv.core.ConversionFailure;
import io.fileconv.core.ConversionRequest;
import io.fileconv.core.Env;
import io.fileconv.core.FailureClass;
import io.fileconv.core.LogContext;
import io.fileconv.core.ObjectStore;
import io.fileconv.core.Region;
import io.fileconv.core.options.PdfOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Entry point of the converter Job, in one of two modes.
 * <ul>
 * <li>Pool mode ({@code FILECONV_WORK_URL} set): a long-lived {@link ConversionWorker} fed by the operator's work
 * endpoint; documents come and go through presigned URLs, so the pod holds no storage, database or Kubernetes
 * credential and this mode reads no such setting. Exit 0 after the idle period, non-zero on a fatal error.</li>
 * <li>Per-file mode: converts one attempt and reports the outcome through its exit code (0 or a
 * {@link FailureClass#exitCode()}), which the operator's reconciler maps back to a status. It never touches MySQL:
 * the Job needs S3 credentials only.</li>
 * </ul>
 */
public final class ConverterMain {
    private static final Logger LOG = LoggerFactory.getLogger(ConverterMain.class);

    private ConverterMain() {
    }

    public static void main(String[] args) {
        System.exit(run(Env.system()));
    }

    static int run(Env env) {
        return env.get("FILECONV_WORK_URL", null) != null ? runPool(env) : runOneFile(env);
    }

    /** Exit code of pool mode when the settings are wrong or the office process cannot start. */
    static final int EXIT_POOL_SETUP = 2;

    /** Pool mode: reads FILECONV_WORK_*, FILECONV_IDLE_SECONDS, FILECONV_TIMEOUT_SECONDS, FILECONV_OFFICE_PORT only. */
    static int runPool(Env env) {
        HttpWorkSource source;
        ConversionWorker.Settings settings;
        Duration timeout;
        int port;
        try {
            String pod = env.get("HOSTNAME", null);
            source = new HttpWorkSource(URI.create(env.require("FILECONV_WORK_URL")), env.require("FILECONV_WORK_TOKEN"),
                    pod != null ? pod : InetAddress.getLocalHost().getHostName());
            settings = ConversionWorker.Settings.idleAfter(Duration.ofSeconds(env.getLong("FILECONV_IDLE_SECONDS", 60)));
            timeout = Duration.ofSeconds(env.getLong("FILECONV_TIMEOUT_SECONDS", 120));
            port = env.getInt("FILECONV_OFFICE_PORT", 2002);
        } catch (Exception e) {
            LOG.error("bad converter configuration: {}", e.getMessage());
            return EXIT_POOL_SETUP;
        }
        Path work = Path.of(env.get("FILECONV_WORK_DIR", System.getProperty("java.io.tmpdir"))).resolve("fileconv");
        // maxTasksPerProcess: a long-lived process grows (~1.6 MB per document); a restart every 200 keeps it bounded.
        try (OfficePool pool = OfficePool.start(new OfficePoolConfig(List.of(port), 200, timeout,
                work.resolve("office")))) {
            DocumentConverter converter = new DocumentConverter(pool);
            OfficeWarmUp.run(converter, work.resolve("scratch"));
            source.warmUp();
            int code = new ConversionWorker(source, converter, work.resolve("scratch"), settings).run();
            LOG.info("{\"event\":\"worker-exit\",\"code\":{}}", code);
            return code;
        } catch (Exception e) {
            LOG.error("the office process could not start", e);
            return EXIT_POOL_SETUP;
        }
    }

    private static int runOneFile(Env env) {
        ConversionRequest req;
        try {
            Region region = Region.fromCode(env.require("FILECONV_REGION"));
            req = new ConversionRequest(env.require("FILECONV_FILE_ID"), env.require("FILECONV_USER_ID"), region,
                    env.get("FILECONV_S3_BUCKET", env.bucket(region)), env.require("FILECONV_INPUT_KEY"),
                    env.require("FILECONV_OUTPUT_KEY"), env.getInt("FILECONV_ATTEMPT", 1),
                    env.require("FILECONV_DETECTED_TYPE"), env.get("FILECONV_REQUEST_ID", null),
                    PdfOptions.fromJson(env.get(PdfOptions.ENVIRONMENT_VARIABLE, null)));
        } catch (RuntimeException e) {
            LOG.error("bad converter configuration: {}", e.getMessage());
            return FailureClass.INTERNAL.exitCode();
        }
        Path work = Path.of(env.get("FILECONV_WORK_DIR", System.getProperty("java.io.tmpdir"))).resolve("fileconv");
        Duration timeout = Duration.ofSeconds(env.getLong("FILECONV_TIMEOUT_SECONDS", 120));
        // Every line of the Job carries fileId, userHash, region, attempt and requestId (JSON logs, logback.xml).
        try (LogContext ignored = LogContext.forRequest(req);
             ObjectStore store = new ObjectStore(env.objectStore());
             OfficePool pool = OfficePool.start(new OfficePoolConfig(List.of(env.getInt("FILECONV_OFFICE_PORT", 2002)), 1,
                     timeout, work.resolve("office")))) {
            long ms = new ConversionTask(store, new DocumentConverter(pool), work.resolve("scratch")).run(req);
            LOG.info("{\"event\":\"converted\",\"file\":\"{}\",\"attempt\":{},\"ms\":{}}", req.fileId(), req.attempt(), ms);
            return 0;
        } catch (ConversionFailure f) {
            LOG.warn("{\"event\":\"failed\",\"file\":\"{}\",\"attempt\":{},\"class\":\"{}\",\"reason\":\"{}\"}",
                    req.fileId(), req.attempt(), f.failureClass(), f.getMessage().replace('"', '\''));
            return f.failureClass().exitCode();
        } catch (Exception e) {
            LOG.error("converter could not run", e);
            return FailureClass.OFFICE_CRASHED.exitCode();
        }
    }
}
