package io.fileconv.local;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class InFlightEventsTest {
    private final List<String> marked = new CopyOnWriteArrayList<>();
    /** Marks run when the test says so, as a single marker thread would run them: in order. */
    private final List<Runnable> markerQueue = new ArrayList<>();

    private InFlightEvents direct(int bound) {
        return new InFlightEvents(bound, Runnable::run);
    }

    private InFlightEvents.Acknowledgement send(InFlightEvents events, String name) throws InterruptedException {
        return events.add(() -> marked.add(name));
    }

    /** Three events a, b, c sent in that order; their acknowledgements, in the same order. */
    private List<InFlightEvents.Acknowledgement> sendThree(InFlightEvents events) throws InterruptedException {
        return List.of(send(events, "a"), send(events, "b"), send(events, "c"));
    }

    /** A sender on its own thread, once it waits inside {@link InFlightEvents#add}. */
    private CompletableFuture<Void> waitingSender(InFlightEvents events, String name) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        Thread sender = new Thread(() -> {
            try {
                send(events, name);
                done.complete(null);
            } catch (Throwable t) {
                done.completeExceptionally(t);
            }
        });
        sender.start();
        await().until(() -> sender.getState() == Thread.State.WAITING);
        assertThat(done).isNotDone();
        return done;
    }

    @Test
    void eventsAreMarkedInBinlogOrderWhateverTheOrderOfTheirAcknowledgements() throws Exception {
        InFlightEvents events = direct(10);
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
        InFlightEvents events = direct(10);
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
    void marksRunOnTheMarkerNotOnTheAcknowledgingThreadAndDrainedWaitsForThem() throws Exception {
        InFlightEvents events = new InFlightEvents(10, markerQueue::add);
        var acks = sendThree(events);
        acks.get(1).completed(null);
        acks.get(0).completed(null);
        assertThat(marked).isEmpty(); // handed to the marker, not run by the acknowledging thread
        assertThat(markerQueue).hasSize(2);
        assertThat(events.awaitDrained(Duration.ZERO)).isFalse();
        acks.get(2).completed(null);
        markerQueue.forEach(Runnable::run);
        assertThat(marked).containsExactly("a", "b", "c");
        assertThat(events.awaitDrained(Duration.ZERO)).isTrue();
    }

    @Test
    void theSenderWaitsOnlyOnceTheBoundIsInFlight() throws Exception {
        InFlightEvents events = direct(2);
        var a = send(events, "a");
        send(events, "b"); // two in flight without waiting for either
        CompletableFuture<Void> third = waitingSender(events, "c");
        a.completed(null);
        third.get(30, TimeUnit.SECONDS);
        assertThat(marked).containsExactly("a");
        assertThat(events.size()).isEqualTo(2);
    }

    @Test
    void whilePausedASenderWaitsAndTheEventsInFlightStillDrain() throws Exception {
        InFlightEvents events = direct(10);
        var a = send(events, "a");
        events.pause();
        CompletableFuture<Void> next = waitingSender(events, "b");
        a.completed(null);
        assertThat(events.awaitDrained(Duration.ZERO)).isTrue();
        assertThat(marked).containsExactly("a");
        assertThat(next).isNotDone(); // until the engine's stop interrupts it, or close() refuses it
        events.close();
        assertThat(next).failsWithin(Duration.ofSeconds(30)).withThrowableOfType(Exception.class)
                .withMessageContaining("stopping");
    }

    @Test
    void closingReleasesAWaitingSenderAndAcknowledgementsStillMark() throws Exception {
        InFlightEvents events = direct(1);
        var a = send(events, "a");
        CompletableFuture<Void> second = waitingSender(events, "b");
        events.close();
        assertThat(second).failsWithin(Duration.ofSeconds(30)).withThrowableOfType(Exception.class)
                .withMessageContaining("stopping");
        a.completed(null);
        assertThat(marked).containsExactly("a");
        assertThat(events.awaitDrained(Duration.ZERO)).isTrue();
    }
}
