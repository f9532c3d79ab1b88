package io.fileconv.local;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class InFlightEventsTest {
    private final List<String> marked = new CopyOnWriteArrayList<>();

    private InFlightEvents.Acknowledgement send(InFlightEvents events, String name) throws InterruptedException {
        return events.add(() -> marked.add(name));
    }

    /** Three events a, b, c sent in that order; their acknowledgements, in the same order. */
    private List<InFlightEvents.Acknowledgement> sendThree(InFlightEvents events) throws InterruptedException {
        return List.of(send(events, "a"), send(events, "b"), send(events, "c"));
    }

    @Test
    void eventsAreMarkedInBinlogOrderWhateverTheOrderOfTheirAcknowledgements() throws Exception {
        InFlightEvents events = new InFlightEvents(10);
        var acks = sendThree(events);
        acks.get(2).completed(null);
        acks.get(1).completed(null);
        assertThat(marked).isEmpty();
        assertThat(events.size()).isEqualTo(3);
        acks.get(0).completed(null);
        assertThat(marked).containsExactly("a", "b", "c");
        assertThat(events.size()).isZero();
    }

    @Test
    void afterAFailedSendNothingMoreIsMarkedAndTheNextEventIsRefused() throws Exception {
        InFlightEvents events = new InFlightEvents(10);
        var acks = sendThree(events);
        acks.get(0).completed(null);
        acks.get(1).completed(new IllegalStateException("broker gone"));
        acks.get(2).completed(null);
        assertThat(marked).containsExactly("a");
        assertThatThrownBy(() -> send(events, "d")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Kafka refused").hasRootCauseMessage("broker gone");
        assertThat(events.awaitDrained(Duration.ZERO)).isFalse();
    }

    @Test
    void theSenderWaitsOnlyOnceTheBoundIsInFlight() throws Exception {
        InFlightEvents events = new InFlightEvents(2);
        var a = send(events, "a");
        send(events, "b"); // two in flight without waiting for either
        CompletableFuture<Void> third = new CompletableFuture<>();
        Thread sender = new Thread(() -> {
            try {
                send(events, "c");
                third.complete(null);
            } catch (Throwable t) {
                third.completeExceptionally(t);
            }
        });
        sender.start();
        await().until(() -> sender.getState() == Thread.State.WAITING);
        assertThat(third).isNotDone();
        a.completed(null);
        third.get();
        assertThat(marked).containsExactly("a");
        assertThat(events.size()).isEqualTo(2);
    }

    @Test
    void closingReleasesAWaitingSenderAndAcknowledgementsStillMark() throws Exception {
        InFlightEvents events = new InFlightEvents(1);
        var a = send(events, "a");
        CompletableFuture<Void> second = CompletableFuture.runAsync(() -> {
            try {
                send(events, "b");
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        events.close();
        assertThat(second).failsWithin(Duration.ofSeconds(30)).withThrowableOfType(Exception.class)
                .withMessageContaining("stopping");
        a.completed(null);
        assertThat(marked).containsExactly("a");
        assertThat(events.awaitDrained(Duration.ZERO)).isTrue();
    }
}
