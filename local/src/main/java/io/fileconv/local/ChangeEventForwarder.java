package io.fileconv.local;

import io.debezium.engine.ChangeEvent;
import io.debezium.engine.DebeziumEngine;
import io.fileconv.core.Region;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * The embedded engine's handler: sends each change event to the region's topic without waiting for Kafka (the
 * idempotent producer keeps their order) and has {@link InFlightEvents} mark it processed once it and every event
 * before it are acknowledged, so a crash re-sends and never skips. A tombstone (no value) is not sent, only marked
 * in its turn.
 */
final class ChangeEventForwarder implements DebeziumEngine.ChangeConsumer<ChangeEvent<String, String>> {
    private static final Logger LOG = LoggerFactory.getLogger(ChangeEventForwarder.class);

    private final Region region;
    private final String topic;
    private final Producer<String, String> producer;
    private final InFlightEvents inFlight;

    ChangeEventForwarder(Region region, Producer<String, String> producer, InFlightEvents inFlight) {
        this.region = region;
        this.topic = region.filesTopic();
        this.producer = producer;
        this.inFlight = inFlight;
    }

    @Override
    public void handleBatch(List<ChangeEvent<String, String>> records,
                            DebeziumEngine.RecordCommitter<ChangeEvent<String, String>> committer)
            throws InterruptedException {
        for (ChangeEvent<String, String> r : records) {
            InFlightEvents.Acknowledgement ack = inFlight.add(() -> committer.markProcessed(r));
            if (r.value() == null) {
                ack.completed(null);
                continue;
            }
            try {
                producer.send(new ProducerRecord<>(topic, r.key(), r.value()), (metadata, error) -> {
                    if (error != null) {
                        LOG.error("Kafka refused a change event of region {}; the CDC engine stops at its next event;"
                                + " the next start re-reads from the last stored position", region.code(), error);
                    }
                    ack.completed(error);
                });
            } catch (RuntimeException e) {
                ack.completed(e);
                throw e;
            }
        }
        committer.markBatchFinished();
    }
}
