package io.fileconv.manifests;

import java.util.Optional;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/** Surefire's console shows only a count of skipped tests; this prints which one and why. */
public class ReportSkips implements TestWatcher {
    @Override
    public void testAborted(ExtensionContext context, Throwable cause) {
        System.out.println("[SKIPPED] " + context.getRequiredTestClass().getSimpleName() + "." + context.getDisplayName()
                + " because " + cause.getMessage());
    }

    @Override
    public void testDisabled(ExtensionContext context, Optional<String> reason) {
        System.out.println("[SKIPPED] " + context.getDisplayName() + " because " + reason.orElse("disabled"));
    }
}
