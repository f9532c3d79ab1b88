package io.fileconv.converter;

import io.fileconv.embedded.FreePorts;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

import java.nio.file.Path;
import java.time.Duration;

/**
 * One warm office process for every converter test class of the run (each used to start and stop its own), handed
 * to a test as a {@link DocumentConverter} parameter, e.g. of its {@code @BeforeAll}; JUnit closes it when the run
 * ends. Tests that need an office of their own (a short time limit, a restart) still start one.
 */
public final class SharedOffice implements ParameterResolver {
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(SharedOffice.class);

    /** The pool and its converter, closed together with the root store. */
    private record Office(OfficePool pool, DocumentConverter converter) implements AutoCloseable {
        @Override
        public void close() {
            pool.close();
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext p, ExtensionContext e) {
        return p.getParameter().getType() == DocumentConverter.class;
    }

    @Override
    public Object resolveParameter(ParameterContext p, ExtensionContext e) {
        return e.getRoot().getStore(NS).getOrComputeIfAbsent("office", k -> {
            try {
                // 90 s: the slowest variant documents (large spreadsheets) on a loaded 2-core machine.
                OfficePool pool = OfficePool.start(new OfficePoolConfig(FreePorts.take(1), 50, Duration.ofSeconds(90),
                        Path.of("target", "shared-office").toAbsolutePath()));
                return new Office(pool, new DocumentConverter(pool));
            } catch (Exception ex) {
                throw new IllegalStateException("the shared office process did not start", ex);
            }
        }, Office.class).converter();
    }
}
