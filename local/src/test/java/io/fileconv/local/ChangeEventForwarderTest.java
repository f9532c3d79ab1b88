package io.fileconv.local;

import io.debezium.engine.ChangeEvent;
import io.debezium.engine.DebeziumEngine;
import io.fileconv.core.Region;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The engine's handler against Kafka's own MockProducer, acknowledging (or failing) sends when the test says. */
class ChangeEventForwarderTest {
    private final MockProducer<String, String> producer =
            new MockProducer<>(false, null, new StringSerializer(), new StringSerializer());
    private final InFlightEvents inFlight = new InFlightEvents(10, Runnable::run);
    private final ChangeEventForwarder forwarder = new ChangeEventForwarder(Region.US, producer, inFlight);
    private final Committer committer = new Committer();

    private record Event(String key, String value) implements ChangeEvent<String, String> {
        @Override
        public String destination() {
            return "fileconv-us-x.fileconv_us.files";
        }

        @Override
        public Integer partition() {
            return null;
        }
    }

    /** Records what the engine is told, as Debezium's committer would store offsets. */
    private static final class Committer implements DebeziumEngine.RecordCommitter<ChangeEvent<String, String>> {
        final List<String> processed = new CopyOnWriteArrayList<>();
        int batchesFinished;

        @Override
        public void markProcessed(ChangeEvent<String, String> record) {
            processed.add(record.key());
        }

        @Override
        public void markBatchFinished() {
            batchesFinished++;
        }

        @Override
        public void markProcessed(ChangeEvent<String, String> record, DebeziumEngine.Offsets offsets) {
            throw new UnsupportedOperationException();
        }

        @Override
        public DebeziumEngine.Offsets buildOffsets() {
            throw new UnsupportedOperationException();
        }
    }

    @Test
    void eventsGoToTheRegionsTopicWithoutWaitingAndAreMarkedOnceAcknowledged() throws Exception {
        forwarder.handleBatch(List.of(new Event("1", "{\"a\":1}")), committer);
        forwarder.handleBatch(List.of(new Event("2", "{\"a\":2}")), committer); // the first is not acknowledged yet
        assertThat(producer.history()).extracting(r -> r.topic() + " " + r.key() + " " + r.value())
                .containsExactly(Region.US.filesTopic() + " 1 {\"a\":1}", Region.US.filesTopic() + " 2 {\"a\":2}");
        assertThat(committer.processed).isEmpty();
        assertThat(committer.batchesFinished).isEqualTo(2);
        producer.completeNext();
        producer.completeNext();
        assertThat(committer.processed).containsExactly("1", "2");
    }

    @Test
    void aTombstoneIsNotSentButMarkedInItsTurn() throws Exception {
        forwarder.handleBatch(List.of(new Event("1", "{}"), new Event("1", null), new Event("2", "{}")), committer);
        assertThat(producer.history()).hasSize(2);
        assertThat(committer.processed).isEmpty(); // the tombstone waits for the event before it
        producer.completeNext();
        assertThat(committer.processed).containsExactly("1", "1");
        producer.completeNext();
        assertThat(committer.processed).containsExactly("1", "1", "2");
    }

    @Test
    void aRefusedSendStopsTheMarksAndTheNextBatch() throws Exception {
        forwarder.handleBatch(List.of(new Event("1", "{}"), new Event("2", "{}")), committer);
        producer.errorNext(new IllegalStateException("not enough replicas"));
        producer.completeNext();
        assertThat(committer.processed).isEmpty();
        assertThatThrownBy(() -> forwarder.handleBatch(List.of(new Event("3", "{}")), committer))
                .hasMessageContaining("Kafka refused").hasRootCauseMessage("not enough replicas");
        assertThat(producer.history()).hasSize(2);
    }

    @Test
    void aSendThatThrowsAtOnceFailsTheBatchAndNothingAfterItIsMarked() throws Exception {
        producer.sendException = new IllegalStateException("producer closed");
        assertThatThrownBy(() -> forwarder.handleBatch(List.of(new Event("1", "{}")), committer))
                .hasMessage("producer closed");
        producer.sendException = null;
        assertThatThrownBy(() -> forwarder.handleBatch(List.of(new Event("2", "{}")), committer))
                .hasMessageContaining("Kafka refused");
        assertThat(committer.processed).isEmpty();
    }
}
