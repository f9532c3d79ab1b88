package io.fileconv.core.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import software.amazon.awssdk.core.exception.SdkServiceException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

import java.util.concurrent.TimeUnit;

/**
 * Latency and outcome of every S3 call, as an SDK interceptor: one timer per operation (a bounded set: PutObject,
 * GetObject, ...) and outcome. A 404 is its own outcome because {@code exists()} expects it. The time covers the
 * whole execution including SDK retries, up to the response headers (a GetObject body streams afterwards).
 */
public final class S3RequestMetrics implements ExecutionInterceptor {
    private static final ExecutionAttribute<Long> START = new ExecutionAttribute<>("fileconv.s3.start");

    private final MeterRegistry registry;

    public S3RequestMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        attributes.putAttribute(START, System.nanoTime());
    }

    @Override
    public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
        record(attributes, "success");
    }

    @Override
    public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
        boolean notFound = context.exception() instanceof SdkServiceException e && e.statusCode() == 404;
        record(attributes, notFound ? "not_found" : "error");
    }

    private void record(ExecutionAttributes attributes, String outcome) {
        Long start = attributes.getAttribute(START);
        if (start == null) {
            return;
        }
        String op = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
        PipelineMetrics.timer(registry, MetricNames.S3_REQUESTS, "operation", op == null ? "unknown" : op,
                "outcome", outcome).record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
    }
}
