package io.fileconv.converter;

import io.fileconv.core.ConversionFailure;
import io.fileconv.core.FailureClass;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Failures whose reason reaches the user (the file's {@code failure.reason}): our own sentence only. The library's
 * message (S3 SDK, JODConverter, UNO, file system: hosts, keys, paths, internals) goes to the log line, which carries
 * the file id and request id from the MDC.
 */
final class QuietFailures {
    private static final Logger LOG = LoggerFactory.getLogger(QuietFailures.class);

    private QuietFailures() {
    }

    static ConversionFailure of(FailureClass failureClass, String reason, Throwable cause) {
        LOG.warn("{} ({}): {}", reason, failureClass, String.valueOf(cause));
        return new ConversionFailure(failureClass, reason, cause);
    }
}
