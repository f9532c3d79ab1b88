package io.fileconv.core.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;

import java.util.List;
import java.util.Map;

/**
 * fileconv_kafka_consumer_lag{topic,partition}: one series per partition this consumer owns. The whole row set is
 * replaced on every update, so partitions moved to another replica by a rebalance disappear instead of freezing
 * at their last value.
 */
public final class ConsumerLag {
    /** Partition of a topic, without depending on Kafka's classes. */
    public record Partition(String topic, int partition) {
    }

    private final MultiGauge gauge;

    public ConsumerLag(MeterRegistry registry) {
        MetricNames.Meter m = MetricNames.KAFKA_CONSUMER_LAG;
        this.gauge = MultiGauge.builder(m.name()).description(m.description()).register(registry);
    }

    /** @param lag messages behind the log end, per owned partition */
    public void update(Map<Partition, Long> lag) {
        List<MultiGauge.Row<?>> rows = lag.entrySet().stream()
                .<MultiGauge.Row<?>>map(e -> MultiGauge.Row.of(Tags.of("topic", e.getKey().topic(),
                        "partition", Integer.toString(e.getKey().partition())), Math.max(0, e.getValue())))
                .toList();
        gauge.register(rows, true);
    }
}
