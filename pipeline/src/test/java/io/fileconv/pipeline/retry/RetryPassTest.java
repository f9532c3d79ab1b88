package io.fileconv.pipeline.retry;

import io.fileconv.core.Env;
import io.fileconv.core.FailureClass;
import io.fileconv.core.Region;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RetryPassTest {

    /** A files table reduced to what the pass sees: id -> attempts of FAILED retryable rows. */
    private static RetryPass.Candidates table(TreeMap<String, Integer> rows) {
        return (after, limit) -> {
            List<RetryCandidate> out = new ArrayList<>();
            (after == null ? rows : rows.tailMap(after, false)).forEach((id, attempts) -> {
                if (out.size() < limit) {
                    out.add(new RetryCandidate(id, attempts, "user-" + id));
                }
            });
            return out;
        };
    }

    @Test
    void requeuesEveryCandidateAcrossPagesWithTheAttemptItSaw() throws Exception {
        TreeMap<String, Integer> rows = new TreeMap<>();
        for (int i = 0; i < 7; i++) {
            rows.put("f" + i, i % 2 + 1);
        }
        Map<String, Integer> requeued = new TreeMap<>();
        RetryPass.Result r = new RetryPass(3).run(table(rows), (id, attempt) -> {
            requeued.put(id, attempt);
            return true;
        });
        assertThat(r).isEqualTo(new RetryPass.Result(7, 7));
        assertThat(requeued).isEqualTo(rows);
    }

    @Test
    void aRowThatChangedMeanwhileIsCountedButNotRequeuedAndThePassStillEnds() throws Exception {
        // The rows stay FAILED (requeue answers false for two of them): re-querying from the start would loop.
        TreeMap<String, Integer> rows = new TreeMap<>(Map.of("a", 1, "b", 1, "c", 2, "d", 1));
        Set<String> changedMeanwhile = Set.of("b", "d");
        RetryPass.Result r = new RetryPass(2).run(table(rows), (id, attempt) -> !changedMeanwhile.contains(id));
        assertThat(r).isEqualTo(new RetryPass.Result(4, 2));
    }

    @Test
    void filesOfUsersWhoAreMovingOrLiveElsewhereAreLeftAlone() throws Exception {
        TreeMap<String, Integer> rows = new TreeMap<>(Map.of("a", 1, "b", 1, "c", 1));
        Set<String> requeued = new TreeSet<>();
        RetryPass.Result r = new RetryPass(2).run(table(rows), c -> !c.userId().equals("user-b"), (id, attempt) -> {
            requeued.add(id);
            return true;
        });
        assertThat(r).isEqualTo(new RetryPass.Result(3, 2));
        assertThat(requeued).containsExactly("a", "c");
    }

    @Test
    void anEmptyRegionIsOneQuery() throws Exception {
        List<String> queries = new ArrayList<>();
        RetryPass.Result r = new RetryPass(500).run((after, limit) -> {
            queries.add(String.valueOf(after));
            return List.of();
        }, (id, attempt) -> {
            throw new AssertionError("nothing to requeue");
        });
        assertThat(r).isEqualTo(new RetryPass.Result(0, 0));
        assertThat(queries).containsExactly("null");
    }

    @Test
    void theQuerySelectsExactlyTheRetryableClassesBelowTheLimit() {
        for (FailureClass f : FailureClass.values()) {
            assertThat(RetryCandidates.SQL.contains("'" + f.name() + "'")).as(f.name()).isEqualTo(f.retryable());
        }
        assertThat(RetryCandidates.SQL).contains("status='FAILED'").contains("attempts < ?").contains("ORDER BY id");
    }

    @Test
    void maxAttemptsDefaultsToThreeAndRejectsNonsense() {
        assertThat(RetryCommand.maxAttempts(new Env(Map.of()))).isEqualTo(3);
        assertThat(RetryCommand.maxAttempts(new Env(Map.of("FILECONV_RETRY_MAX_ATTEMPTS", "5")))).isEqualTo(5);
        assertThatThrownBy(() -> RetryCommand.maxAttempts(new Env(Map.of("FILECONV_RETRY_MAX_ATTEMPTS", "0"))))
                .hasMessageContaining("at least 1");
        assertThat(RetryCommand.summary(Region.IN, new RetryPass.Result(4, 3))).isEqualTo("in: requeued 3 of 4");
    }
}
