package io.fileconv.core.testing;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

import java.nio.file.Path;

/**
 * Starts one {@link TestInfra} (MariaDB with the migrated schemas, S3 with the regions' buckets) per test run and
 * shares it between test classes, as local's SharedStack does with the whole stack; JUnit closes it when the run
 * ends. Test classes get it as a parameter.
 *
 * <p>It lives in core's tests because it migrates with core's schema code, and core's own tests use it; the operator's
 * tests use it through core's test-jar. testkit could not hold it: testkit would then depend on core, and core's tests
 * on testkit, a cycle. The embedded module could not either: it depends on no fileconv module.
 */
public final class TestInfraExtension implements BeforeAllCallback, ParameterResolver {
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(TestInfraExtension.class);

    @Override
    public void beforeAll(ExtensionContext context) {
        infra(context);
    }

    /** The run's infrastructure, for other modules' fixtures built on it (the API's ApiUnderTest). */
    public static TestInfra infra(ExtensionContext context) {
        return context.getRoot().getStore(NS).getOrComputeIfAbsent("infra", k -> {
            try {
                return TestInfra.start(Path.of("target", "test-infra"));
            } catch (Exception e) {
                throw new IllegalStateException("test infrastructure did not start", e);
            }
        }, TestInfra.class);
    }

    @Override
    public boolean supportsParameter(ParameterContext p, ExtensionContext e) {
        return p.getParameter().getType() == TestInfra.class;
    }

    @Override
    public Object resolveParameter(ParameterContext p, ExtensionContext e) {
        return infra(e);
    }
}
