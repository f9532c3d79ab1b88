package io.fileconv.pipeline.dispatch;

import io.fileconv.core.FileRecord;
import io.fileconv.core.FileStatus;
import io.fileconv.core.Region;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class FileChangeTest {

    @Test
    void readsOnlyIdStatusAndAttempts() throws Exception {
        FileChange c = FileChange.parse("{\"op\":\"u\",\"before\":{\"id\":\"f1\",\"status\":\"FAILED\",\"attempts\":1},"
                + "\"after\":{\"id\":\"f1\",\"status\":\"UPLOADED\",\"attempts\":2},\"source\":{\"ts_ms\":1700000000000}}")
                .orElseThrow();
        assertThat(c).isEqualTo(new FileChange("f1", FileStatus.UPLOADED, FileStatus.FAILED, 2, 1700000000000L));
        assertThat(c.isNewAttempt()).isTrue();
    }

    @Test
    void keysInAForgedEventAreIgnored() throws Exception {
        FileChange forged = FileChange.parse("{\"op\":\"c\",\"after\":{\"id\":\"f1\",\"user_id\":\"mallory\","
                + "\"status\":\"UPLOADED\",\"attempts\":1,\"input_key\":\"alice/f9/input\","
                + "\"output_key\":\"alice/f9/output.pdf\"}}").orElseThrow();
        FileRecord row = new FileRecord("f1", "mallory", Region.IN, "a.docx", "application/msword", 1, "00",
                "whatever-the-row-says", "whatever", FileStatus.UPLOADED, null, null, 1, "req-1", Instant.EPOCH,
                Instant.EPOCH, null, null, null);
        var request = Dispatcher.request(new RegionContext(Region.IN, null, null, "fileconv-in"), forged, row);
        assertThat(request.inputKey()).isEqualTo("mallory/f1/input");
        assertThat(request.outputKey()).isEqualTo("mallory/f1/output.pdf");
        assertThat(request.userId()).isEqualTo("mallory");
        assertThat(request.requestId()).isEqualTo("req-1");
    }

    @Test
    void deletesTombstonesAndRowsWithoutIdAreNotChanges() throws Exception {
        assertThat(FileChange.parse(null)).isEmpty();
        assertThat(FileChange.parse("{\"op\":\"d\",\"before\":{\"id\":\"f1\",\"status\":\"CONVERTED\"},\"after\":null}"))
                .isEmpty();
    }

    @Test
    void poisonEventsAreRejectedWithABoundedReason() {
        assertThat(reason("not json at all")).isEqualTo(FileChange.UnusableEvent.UNPARSABLE);
        assertThat(reason("[1,2]")).isEqualTo(FileChange.UnusableEvent.UNPARSABLE);
        assertThat(reason("{\"after\":{\"status\":\"UPLOADED\"}}")).isEqualTo(FileChange.UnusableEvent.MISSING_FIELD);
        assertThat(reason("{\"after\":{\"id\":\"f1\"}}")).isEqualTo(FileChange.UnusableEvent.MISSING_FIELD);
        assertThat(reason("{\"after\":{\"id\":\"f1\",\"status\":\"EXPLODED\"}}"))
                .isEqualTo(FileChange.UnusableEvent.UNKNOWN_STATUS);
        assertThat(reason("{\"before\":{\"id\":\"f1\",\"status\":\"??\"},\"after\":{\"id\":\"f1\",\"status\":\"QUEUED\"}}"))
                .isEqualTo(FileChange.UnusableEvent.UNKNOWN_STATUS);
    }

    private static String reason(String value) {
        try {
            FileChange.parse(value);
        } catch (FileChange.UnusableEvent e) {
            assertThat(e.getMessage()).doesNotContain("EXPLODED", "??", "not json at all");
            return e.reason();
        }
        throw new AssertionError("accepted: " + value);
    }
}
