package io.fileconv.converter;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(SharedOffice.class)
class OfficeWarmUpTest {

    @Test
    void warmsTheOfficeWithATextASpreadsheetAndAWebPageAndLeavesNothingBehind(DocumentConverter converter,
                                                                             @TempDir Path scratch) throws Exception {
        assertThat(OfficeWarmUp.run(converter, scratch)).containsExactly("warm-up.txt", "warm-up.csv",
                "warm-up.html");
        try (Stream<Path> left = Files.list(scratch)) {
            assertThat(left).as("scratch after the warm-up").isEmpty();
        }
    }
}
