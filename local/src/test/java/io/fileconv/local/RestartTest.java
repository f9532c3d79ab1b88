package io.fileconv.local;

import io.fileconv.core.FileRecord;
import io.fileconv.core.FileStatus;
import io.fileconv.core.Region;
import io.fileconv.testkit.ApiClient;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Stop the whole stack in the middle of a batch of 20 uploads and start it again on the same data: every upload
 * ends converted, each attempt is converted exactly once (the converter's own log), no row is lost.
 */
class RestartTest {

    @Test
    void stackRestartMidBatchLosesNothingAndConvertsEachFileOnce() throws Exception {
        Path dir = Path.of("target", "e2e-restart");
        EmbeddedStack.deleteTree(dir);
        StackOptions opts = new StackOptions(dir, 0, 2, Duration.ofSeconds(60), 20L << 20);
        List<String> ids = new ArrayList<>();
        String token;
        int convertedBeforeStop;
        try (EmbeddedStack first = EmbeddedStack.start(opts)) {
            ApiClient api = new ApiClient(first.baseUrl());
            token = api.token("restart-user", "uk");
            for (int i = 0; i < 20; i++) {
                StringBuilder text = new StringBuilder("Restart batch document number " + i + ".\n");
                for (int line = 0; line < 400; line++) {
                    text.append("Line ").append(line).append(" of document ").append(i).append('\n');
                }
                ids.add(api.uploadOk(token, "batch-" + i + ".txt", text.toString().getBytes(StandardCharsets.UTF_8)));
            }
            convertedBeforeStop = (int) ids.stream().filter(id -> status(first, id) == FileStatus.CONVERTED).count();
        } // close() now: conversions in flight finish, queued ones are left for the next start

        try (EmbeddedStack second = EmbeddedStack.start(opts)) {
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250)).untilAsserted(() ->
                    assertThat(ids).allSatisfy(id -> assertThat(status(second, id)).isEqualTo(FileStatus.CONVERTED)));
            List<FileRecord> rows = second.files(Region.UK).findInStatus(EnumSet.allOf(FileStatus.class));
            assertThat(rows).extracting(FileRecord::id).containsExactlyInAnyOrderElementsOf(ids);
            Map<String, Long> conversionsPerFile = second.conversionLog().lines().stream()
                    .map(l -> l.split(" ")).filter(p -> p[3].equals("CONVERTED"))
                    .collect(Collectors.groupingBy(p -> p[1], Collectors.counting()));
            assertThat(conversionsPerFile.keySet()).containsExactlyInAnyOrderElementsOf(ids);
            assertThat(conversionsPerFile).allSatisfy((id, n) -> assertThat(n).as("conversions of %s", id).isEqualTo(1L));
            for (String id : ids) {
                assertThat(second.objectStore().exists(Region.UK.defaultBucket(),
                        second.files(Region.UK).find(id).orElseThrow().outputKey())).isTrue();
            }
            System.out.printf("restart test: 20 uploads, %d converted before the stop, %d after%n",
                    convertedBeforeStop, 20 - convertedBeforeStop);
        }
    }

    private static FileStatus status(EmbeddedStack stack, String id) {
        try {
            return stack.files(Region.UK).find(id).map(FileRecord::status).orElse(null);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

}
