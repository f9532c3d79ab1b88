package io.fileconv.core.work;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class FairQueueTest {
    private static final Duration NOW = Duration.ZERO;

    private static String take(FairQueue<String> q) throws InterruptedException {
        return q.take(NOW).map(FairQueue.Entry::key).orElse(null);
    }

    @Test
    void aBurstOfOneUserDoesNotDelayAnotherUsersSingleFileByMoreThanOneTurn() throws Exception {
        FairQueue<String> q = new FairQueue<>(1_000_000, 1);
        for (int i = 0; i < 1000; i++) {
            assertThat(q.add("a" + i, "alice", 10, null)).isTrue();
        }
        q.add("b0", "bob", 10, null);
        assertThat(take(q)).isEqualTo("a0");
        assertThat(take(q)).as("bob's turn comes right after alice's first file").isEqualTo("b0");
        assertThat(take(q)).isEqualTo("a1");
        assertThat(q.waiting()).isEqualTo(998);
        assertThat(q.inFlight()).isEqualTo(3);
    }

    @Test
    void usersTakeTurnsAndEachUsersFilesKeepTheirOrder() throws Exception {
        FairQueue<String> q = new FairQueue<>(1_000_000, 1);
        for (String k : List.of("a1", "a2", "a3")) {
            q.add(k, "alice", 1, null);
        }
        for (String k : List.of("b1", "b2")) {
            q.add(k, "bob", 1, null);
        }
        q.add("c1", "carol", 1, null);
        List<String> order = new ArrayList<>();
        for (String k = take(q); k != null; k = take(q)) {
            order.add(k);
        }
        assertThat(order).containsExactly("a1", "b1", "c1", "a2", "b2", "a3");
    }

    @Test
    void largeDocumentsNeverTakeMoreThanTheirShareOfWorkers() throws Exception {
        FairQueue<String> q = new FairQueue<>(100, 1);
        q.add("big1", "alice", 500, null);
        q.add("big2", "bob", 500, null);
        assertThat(take(q)).isEqualTo("big1");
        assertThat(take(q)).as("a second large one would leave no worker for small documents").isNull();
        q.add("small", "carol", 5, null);
        assertThat(take(q)).isEqualTo("small");
        q.done("big1");
        assertThat(take(q)).isEqualTo("big2");
    }

    @Test
    void whileBothLanesWaitTheyAlternateSoLargeOnesAreNotStarved() throws Exception {
        FairQueue<String> q = new FairQueue<>(100, 1);
        q.add("big", "alice", 500, null);
        for (int i = 0; i < 5; i++) {
            q.add("s" + i, "bob", 1, null);
        }
        List<String> firstThree = List.of(take(q), take(q), take(q));
        assertThat(firstThree).contains("big");
    }

    @Test
    void aKeyIsQueuedOnceAndCanBeWithdrawnWhileWaiting() throws Exception {
        FairQueue<String> q = new FairQueue<>(100, 1);
        assertThat(q.add("f", "alice", 1, null)).isTrue();
        assertThat(q.add("f", "alice", 1, null)).as("replayed launch").isFalse();
        assertThat(q.remove("f")).isTrue();
        assertThat(take(q)).isNull();
        q.add("g", "alice", 1, null);
        assertThat(take(q)).isEqualTo("g");
        assertThat(q.add("g", "alice", 1, null)).as("handed out: not queued again").isFalse();
        assertThat(q.remove("g")).as("handed out items are not withdrawn here").isFalse();
        q.done("g");
        assertThat(q.add("g", "alice", 1, null)).as("given back after its lease expired").isTrue();
    }

    @Test
    void aWaitingTakeWakesUpWhenWorkArrives() throws Exception {
        FairQueue<String> q = new FairQueue<>(100, 1);
        CompletableFuture<String> taken = CompletableFuture.supplyAsync(() -> {
            try {
                return q.take(Duration.ofMinutes(1)).map(FairQueue.Entry::key).orElse(null);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        q.add("late", "alice", 1, null);
        assertThat(taken.get(1, TimeUnit.MINUTES)).isEqualTo("late");
    }
}
