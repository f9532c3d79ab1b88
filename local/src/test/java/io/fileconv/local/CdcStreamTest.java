package io.fileconv.local;

import io.debezium.config.ConfigurationDefaults;
import io.debezium.connector.base.ChangeEventQueue;
import io.debezium.pipeline.DataChangeEvent;
import io.debezium.util.LoggingContext;
import io.fileconv.core.Region;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/** The embedded CDC engine's settings, checked against the Debezium queue that applies them. */
class CdcStreamTest {

    @Test
    void aSingleChangeLeavesDebeziumsQueueWithoutWaitingForThePollInterval() throws Exception {
        Properties p = CdcStream.connectorConfig(Region.IN, "127.0.0.1", 3306, Files.createTempDirectory("cdc-config"));
        int batch = Integer.parseInt(p.getProperty("max.batch.size"));
        // The queue Debezium 3.5 puts between the binlog reader and the engine. With a long interval, a batch larger
        // than one event holds this one until the queue returns control anyway (RETURN_CONTROL_INTERVAL, 5 s): a poll
        // that ends well before that did not wait for its timer.
        ChangeEventQueue<DataChangeEvent> queue = new ChangeEventQueue.Builder<DataChangeEvent>()
                .pollInterval(Duration.ofHours(1)).maxBatchSize(batch).maxQueueSize(8192)
                .loggingContextSupplier(() -> LoggingContext.forConnector("mariadb", "test", "streaming")).build();
        queue.enqueue(new DataChangeEvent(null));
        List<DataChangeEvent> polled = assertTimeoutPreemptively(
                ConfigurationDefaults.RETURN_CONTROL_INTERVAL.dividedBy(2), queue::poll);
        assertThat(polled).hasSize(1);
        // The interval only paces an idle engine (each idle poll ends in up to 1 ms of busy waiting).
        assertThat(Long.parseLong(p.getProperty("poll.interval.ms"))).isGreaterThanOrEqualTo(100);
    }
}
