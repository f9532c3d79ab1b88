package io.fileconv.operator;

import io.fileconv.core.ConversionLauncher;
import io.fileconv.core.FileRepository;
import io.fileconv.core.Region;

import java.util.Map;

/**
 * Something that runs in the operator process beside the reconciler, on every replica (leader election applies
 * to the reconciler only): the Kafka dispatcher, which turns change events into
 * {@link ConversionLauncher#launch}/{@link ConversionLauncher#cancel} calls, plugs in here.
 */
@FunctionalInterface
public interface Companion {

    /** Starts the component; closing the result stops it. */
    AutoCloseable start(ConversionLauncher launcher, Map<Region, FileRepository> repositories) throws Exception;

    /** Why the component cannot work (the operator's /readyz answers 503 with it), or null. */
    default String notReadyReason() {
        return null;
    }
}
