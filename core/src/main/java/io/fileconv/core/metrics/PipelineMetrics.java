package io.fileconv.core.metrics;

import io.fileconv.core.FileRecord;
import io.fileconv.core.Region;
import io.fileconv.core.SupportedTypes;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * The pipeline's business meters, recorded where the transitions happen: uploads by the API, conversion start
 * and outcome by whoever claims and finishes an attempt (the operator's status sink, in a cluster and in the
 * embedded stack). Latencies are measured from the row's created_at, so they include CDC, Kafka,
 * dispatch and queueing, whichever process records them.
 */
public final class PipelineMetrics {
    private final MeterRegistry registry;
    private final Clock clock;

    public PipelineMetrics(MeterRegistry registry) {
        this(registry, Clock.systemUTC());
    }

    PipelineMetrics(MeterRegistry registry, Clock clock) {
        this.registry = registry;
        this.clock = clock;
    }

    /** An upload was accepted (its row is written). */
    public void uploaded(Region region) {
        counter(MetricNames.UPLOADS, "region", region.code()).increment();
    }

    /** The dispatcher read a change event whose source (binlog) time is {@code sourceTime}. */
    public void changeEventRead(Region region, Instant sourceTime) {
        Duration d = Duration.between(sourceTime, Instant.now(clock));
        timer(MetricNames.CDC_DELAY, "region", region.code()).record(d.isNegative() ? Duration.ZERO : d);
    }

    /** An attempt was claimed for conversion (QUEUED -> CONVERTING applied). */
    public void conversionStarted(FileRecord file) {
        timer(MetricNames.PIPELINE_START_LATENCY, "region", file.region().code()).record(sinceCreated(file));
    }

    /**
     * An attempt ran to an outcome: conversion time and count. Recorded once per attempt that really ran, even
     * when the terminal transition no longer applies (a cancelled file): the converter did the work.
     *
     * @param outcome {@link MetricNames#CONVERTED} or {@link MetricNames#outcome} of the failure class
     */
    public void conversionFinished(String detectedType, String outcome, Duration took) {
        timer(MetricNames.CONVERSION, "type", typeLabel(detectedType), "outcome", outcome).record(took);
        counter(MetricNames.CONVERSIONS, "outcome", outcome).increment();
    }

    /** The row reached a terminal state through this process (the conditional transition applied). */
    public void terminal(FileRecord file, String outcome) {
        timer(MetricNames.PIPELINE_LATENCY, "region", file.region().code(), "outcome", outcome)
                .record(sinceCreated(file));
    }

    /** Bounded type label: the canonical extension of a supported media type, else "other". */
    static String typeLabel(String mediaType) {
        return mediaType == null ? "other"
                : SupportedTypes.byMediaType(mediaType).map(SupportedTypes.Type::canonicalExtension).orElse("other");
    }

    private Duration sinceCreated(FileRecord file) {
        Duration d = Duration.between(file.createdAt(), Instant.now(clock));
        return d.isNegative() ? Duration.ZERO : d; // clock skew between MySQL and this host
    }

    private Timer timer(MetricNames.Meter m, String... tags) {
        return timer(registry, m, tags);
    }

    private Counter counter(MetricNames.Meter m, String... tags) {
        return Counter.builder(m.name()).description(m.description()).tags(tags).register(registry);
    }

    /** Timer with the meter's explicit buckets, for the other recorders of this package. */
    static Timer timer(MeterRegistry registry, MetricNames.Meter m, String... tags) {
        return Timer.builder(m.name()).description(m.description()).tags(tags)
                .serviceLevelObjectives(m.bucketArray()).register(registry);
    }
}
