package io.fileconv.core;

import java.util.Arrays;
import java.util.Locale;

/**
 * Why a conversion failed. The converter process exits with {@link #exitCode()}, so a Kubernetes Job's exit
 * code maps back to the same class; only transient classes are retried by the retry job. A TIMEOUT is not
 * transient: the same document hits the same time limit again, so retrying it only spends converter time twice more.
 */
public enum FailureClass {
    BAD_INPUT(10, false),
    PASSWORD_PROTECTED(11, false),
    UNSUPPORTED(12, false),
    TIMEOUT(20, false),
    OFFICE_CRASHED(21, true),
    /**
     * The document took its converter down more than once (its pod lost again and again, or the container killed at
     * its memory limit): a decompression bomb or a pathological file, not bad luck, so the retry job leaves it.
     * The operator assigns it; no converter exits with its code.
     */
    RESOURCES_EXHAUSTED(24, false),
    STORAGE_ERROR(22, true),
    INTERNAL(23, true);

    private final int exitCode;
    private final boolean retryable;

    FailureClass(int exitCode, boolean retryable) {
        this.exitCode = exitCode;
        this.retryable = retryable;
    }

    public int exitCode() {
        return exitCode;
    }

    public boolean retryable() {
        return retryable;
    }

    /** Short stable lower-case name for API clients: {@code password} for PASSWORD_PROTECTED, else the name. */
    public String code() {
        return this == PASSWORD_PROTECTED ? "password" : name().toLowerCase(Locale.ROOT);
    }

    /** Exit codes the converter does not produce itself (OOM kill, signal) are treated as an office crash. */
    public static FailureClass fromExitCode(int code) {
        return Arrays.stream(values()).filter(f -> f.exitCode == code).findFirst().orElse(OFFICE_CRASHED);
    }
}
