package io.fileconv.pipeline.status;

import io.fileconv.core.FailureClass;
import io.fileconv.core.FileRecord;
import io.fileconv.core.FileRepository;
import io.fileconv.core.FileStatus;
import io.fileconv.core.Region;
import io.fileconv.core.metrics.FileconvMetrics;
import io.fileconv.core.metrics.MetricNames;
import io.fileconv.core.metrics.PipelineMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/**
 * The production sink: the regional MySQL databases through {@link FileRepository}'s conditional transitions.
 * The pipeline metrics are recorded here, only for transitions that applied, so a replayed reconcile counts
 * nothing twice.
 */
public class FileRepositoryStatusSink implements ConversionStatusSink {
    private static final Logger LOG = LoggerFactory.getLogger(FileRepositoryStatusSink.class);

    private final Map<Region, FileRepository> repositories;
    private final PipelineMetrics metrics;

    public FileRepositoryStatusSink(Map<Region, FileRepository> repositories) {
        this(repositories, new PipelineMetrics(FileconvMetrics.none()));
    }

    public FileRepositoryStatusSink(Map<Region, FileRepository> repositories, PipelineMetrics metrics) {
        this.repositories = new EnumMap<>(repositories);
        this.metrics = metrics;
    }

    @Override
    public boolean converting(ConversionAttempt a) throws Exception {
        boolean applied = repository(a).claimForConversion(a.fileId(), a.attempt());
        if (applied) {
            row(a).ifPresent(metrics::conversionStarted);
        }
        return applied;
    }

    @Override
    public boolean converted(ConversionAttempt a, Duration conversionTime) throws Exception {
        boolean applied = repository(a).markConverted(a.fileId(), a.attempt(), conversionTime.toMillis());
        if (applied) {
            row(a).ifPresent(f -> {
                metrics.conversionFinished(f.detectedType(), MetricNames.CONVERTED, conversionTime);
                metrics.terminal(f, MetricNames.CONVERTED);
            });
        }
        return applied;
    }

    @Override
    public boolean failed(ConversionAttempt a, FailureClass failureClass, String reason) throws Exception {
        boolean applied = repository(a).markFailed(a.fileId(), a.attempt(), failureClass, reason);
        if (applied) {
            String outcome = MetricNames.outcome(failureClass);
            row(a).ifPresent(f -> {
                // A Job that failed before its pod started has no started_at: it converted for no time.
                Duration took = f.startedAt() == null || f.finishedAt() == null ? Duration.ZERO
                        : Duration.between(f.startedAt(), f.finishedAt());
                metrics.conversionFinished(f.detectedType(), outcome, took);
                metrics.terminal(f, outcome);
            });
        }
        return applied;
    }

    @Override
    public boolean awaitsDispatch(ConversionAttempt a) throws Exception {
        return repository(a).find(a.fileId())
                .map(f -> f.status() == FileStatus.UPLOADED && f.attempts() == a.attempt())
                .orElse(false);
    }

    /** The row after a transition, for its timestamps and type; metrics never fail a transition that applied. */
    private Optional<FileRecord> row(ConversionAttempt a) {
        try {
            return repository(a).find(a.fileId());
        } catch (Exception e) {
            LOG.debug("no metrics for file {}: {}", a.fileId(), e.toString());
            return Optional.empty();
        }
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
