package io.fileconv.converter;

import io.fileconv.core.ConversionFailure;
import io.fileconv.core.ConversionRequest;
import io.fileconv.core.Env;
import io.fileconv.core.FailureClass;
import io.fileconv.core.LogContext;
import io.fileconv.core.ObjectStore;
import io.fileconv.core.Region;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Entry point of the converter Job: converts one attempt and reports the outcome through its exit code
 * (0 or a {@link FailureClass#exitCode()}), which the operator's reconciler maps back to a status. It never
 * touches MySQL: the Job needs S3 credentials only.
 */
public final class ConverterMain {
    private static final Logger LOG = LoggerFactory.getLogger(ConverterMain.class);

    private ConverterMain() {
    }

    public static void main(String[] args) {
        System.exit(run(Env.system()));
    }

    static int run(Env env) {
        ConversionRequest req;
        try {
            Region region = Region.fromCode(env.require("FILECONV_REGION"));
            req = new ConversionRequest(env.require("FILECONV_FILE_ID"), env.require("FILECONV_USER_ID"), region,
                    env.get("FILECONV_S3_BUCKET", env.bucket(region)), env.require("FILECONV_INPUT_KEY"),
                    env.require("FILECONV_OUTPUT_KEY"), env.getInt("FILECONV_ATTEMPT", 1),
                    env.require("FILECONV_DETECTED_TYPE"), env.get("FILECONV_REQUEST_ID", null));
        } catch (RuntimeException e) {
            LOG.error("bad converter configuration: {}", e.getMessage());
            return FailureClass.INTERNAL.exitCode();
        }
        Path work = Path.of(env.get("FILECONV_WORK_DIR", System.getProperty("java.io.tmpdir"))).resolve("fileconv");
        Duration timeout = Duration.ofSeconds(env.getLong("FILECONV_TIMEOUT_SECONDS", 120));
        // Every line of the Job carries fileId, userHash, region, attempt and requestId (JSON logs, logback.xml).
        try (LogContext ignored = LogContext.forRequest(req);
             ObjectStore store = new ObjectStore(env.objectStore());
             OfficePool pool = OfficePool.start(new OfficePoolConfig(java.util.List.of(env.getInt("FILECONV_OFFICE_PORT", 2002)), 1,
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
