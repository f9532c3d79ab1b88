package io.fileconv.api;

import io.fileconv.core.testing.TestInfra;
import io.fileconv.core.testing.TestInfraExtension;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

import java.nio.file.Path;
import java.util.Map;

/**
 * Starts one {@link TestApi} per test run on core's {@link TestInfra} (shared with TestInfraExtension) and shares it
 * between test classes, as local's SharedStack does with the whole stack; JUnit closes it when the run ends. Test
 * classes get it as a parameter. Size limit 20 MiB, as SharedStack's.
 */
public final class ApiUnderTest implements BeforeAllCallback, ParameterResolver {
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(ApiUnderTest.class);
    static final long MAX_UPLOAD_BYTES = 20L << 20;

    @Override
    public void beforeAll(ExtensionContext context) {
        api(context);
    }

    static TestApi api(ExtensionContext context) {
        TestInfra infra = TestInfraExtension.infra(context);
        return context.getRoot().getStore(NS).getOrComputeIfAbsent("api", k -> {
            try {
                return TestApi.start(infra, Path.of("target", "api-under-test"), MAX_UPLOAD_BYTES, Map.of());
            } catch (Exception e) {
                throw new IllegalStateException("API did not start", e);
            }
        }, TestApi.class);
    }

    @Override
    public boolean supportsParameter(ParameterContext p, ExtensionContext e) {
        return p.getParameter().getType() == TestApi.class;
    }

    @Override
    public Object resolveParameter(ParameterContext p, ExtensionContext e) {
        return api(e);
    }
}
