package io.fileconv.core.options;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class OptionNotesTest {
    private static final PdfOptions LANDSCAPE = new PdfOptions(null, true, null, null, null, null, null, null, null,
            null);

    @Test
    void landscapeIsNotedForSlidesDrawingsAndImagesOnly() {
        assertThat(OptionNotes.of(LANDSCAPE, "application/vnd.openxmlformats-officedocument.presentationml.presentation"))
                .containsExactly(OptionNotes.LANDSCAPE_NOT_APPLIED);
        assertThat(OptionNotes.of(LANDSCAPE, "application/vnd.ms-visio.drawing")).hasSize(1);
        assertThat(OptionNotes.of(LANDSCAPE, "image/png")).hasSize(1);
        assertThat(OptionNotes.of(LANDSCAPE, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"))
                .isEmpty();
        assertThat(OptionNotes.of(LANDSCAPE, "text/csv")).isEmpty();
        assertThat(OptionNotes.of(PdfOptions.NONE, "image/png")).isEmpty();
    }
}
