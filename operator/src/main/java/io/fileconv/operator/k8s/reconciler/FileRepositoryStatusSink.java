package io.fileconv.operator.k8s.reconciler;

import io.fileconv.core.FailureClass;
import io.fileconv.core.FileRepository;
import io.fileconv.core.Region;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

/** The production sink: the regional MySQL databases through {@link FileRepository}'s conditional transitions. */
public class FileRepositoryStatusSink implements ConversionStatusSink {
    private final Map<Region, FileRepository> repositories;

    public FileRepositoryStatusSink(Map<Region, FileRepository> repositories) {
        this.repositories = new EnumMap<>(repositories);
    }

    @Override
    public boolean converting(ConversionAttempt a) throws Exception {
        return repository(a).claimForConversion(a.fileId(), a.attempt());
    }

    @Override
    public boolean converted(ConversionAttempt a, Duration conversionTime) throws Exception {
        return repository(a).markConverted(a.fileId(), a.attempt(), conversionTime.toMillis());
    }

    @Override
    public boolean failed(ConversionAttempt a, FailureClass failureClass, String reason) throws Exception {
        return repository(a).markFailed(a.fileId(), a.attempt(), failureClass, reason);
    }

    private FileRepository repository(ConversionAttempt a) {
        FileRepository repository = repositories.get(a.region());
        if (repository == null) {
            // A FileConversion of a region this operator has no database for is a deployment error: keep
            // retrying (and logging) rather than dropping the outcome.
            throw new IllegalStateException("no database configured for region " + a.region().code());
        }
        return repository;
    }
}
