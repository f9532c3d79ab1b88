package io.fileconv.local;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Starts one embedded stack per test run (it takes ~30 s on 2 cores) and shares it between test classes; JUnit
 * closes it when the run ends. Test classes get it as a parameter.
 */
public final class SharedStack implements BeforeAllCallback, ParameterResolver {
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(SharedStack.class);

    @Override
    public void beforeAll(ExtensionContext context) {
        stack(context);
    }

    static EmbeddedStack stack(ExtensionContext context) {
        return context.getRoot().getStore(NS).getOrComputeIfAbsent("stack", k -> {
            try {
                Path dir = Path.of("target", "e2e-shared");
                EmbeddedStack.deleteTree(dir);
                return EmbeddedStack.start(new StackOptions(dir, 0, 2, Duration.ofSeconds(60), 20L << 20));
            } catch (Exception e) {
                throw new IllegalStateException("embedded stack did not start", e);
            }
        }, EmbeddedStack.class);
    }

    @Override
    public boolean supportsParameter(ParameterContext p, ExtensionContext e) {
        return p.getParameter().getType() == EmbeddedStack.class;
    }

    @Override
    public Object resolveParameter(ParameterContext p, ExtensionContext e) {
        return stack(e);
    }
}
