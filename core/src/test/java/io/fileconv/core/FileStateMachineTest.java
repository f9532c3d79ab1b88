package io.fileconv.core;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static io.fileconv.core.FileStatus.CANCELLED;
import static io.fileconv.core.FileStatus.CONVERTED;
import static io.fileconv.core.FileStatus.CONVERTING;
import static io.fileconv.core.FileStatus.FAILED;
import static io.fileconv.core.FileStatus.QUEUED;
import static io.fileconv.core.FileStatus.UPLOADED;
import static org.assertj.core.api.Assertions.assertThat;

/** Every pair of states, checked against the diagram in DESIGN.md (plus the crash re-claim CONVERTING -> CONVERTING). */
class FileStateMachineTest {

    private static final Set<List<FileStatus>> ALLOWED = Set.of(
            List.of(UPLOADED, QUEUED),
            List.of(QUEUED, CONVERTING),
            List.of(CONVERTING, CONVERTING),
            List.of(CONVERTING, CONVERTED),
            List.of(QUEUED, FAILED),
            List.of(CONVERTING, FAILED),
            List.of(FAILED, UPLOADED),
            List.of(UPLOADED, CANCELLED),
            List.of(QUEUED, CANCELLED),
            List.of(CONVERTING, CANCELLED));

    static List<Arguments> allPairs() {
        List<Arguments> out = new ArrayList<>();
        for (FileStatus from : FileStatus.values()) {
            for (FileStatus to : FileStatus.values()) {
                out.add(Arguments.of(from, to));
            }
        }
        return out;
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("allPairs")
    void transitionIsAllowedExactlyWhenTheDiagramSaysSo(FileStatus from, FileStatus to) {
        assertThat(FileStateMachine.allows(from, to)).isEqualTo(ALLOWED.contains(List.of(from, to)));
    }

    @ParameterizedTest(name = "{0} is final")
    @MethodSource("terminalStates")
    void terminalStatesOnlyLeaveThroughTheRetryJob(FileStatus terminal) {
        for (FileStatus to : FileStatus.values()) {
            boolean retry = terminal == FAILED && to == UPLOADED;
            assertThat(FileStateMachine.allows(terminal, to)).as("%s -> %s", terminal, to).isEqualTo(retry);
        }
    }

    static List<FileStatus> terminalStates() {
        return List.of(FileStatus.values()).stream().filter(FileStatus::isTerminal).toList();
    }
}
