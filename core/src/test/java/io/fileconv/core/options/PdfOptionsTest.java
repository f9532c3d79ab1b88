package io.fileconv.core.options;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PdfOptionsTest {

    @Test
    void readsEveryFieldAndWritesThemBackTyped() {
        Map<String, String> form = new HashMap<>();
        form.put("pageRanges", " 1-3, 5 ");
        form.put("landscape", "TRUE");
        form.put("pdfa", "pdf/a-2b");
        form.put("pdfua", "true");
        form.put("singlePageSheets", "false");
        form.put("losslessImageCompression", "true");
        form.put("quality", "85");
        form.put("maxImageResolution", "300");
        form.put("exportBookmarks", "false");
        form.put("exportNotes", "true");
        form.put("password", "not an option");

        PdfOptions o = PdfOptions.fromFields(form::get);

        assertThat(o).isEqualTo(new PdfOptions("1-3,5", true, PdfA.PDF_A_2B, true, false, true, 85, 300, false, true));
        assertThat(o.toMap()).containsExactly(Map.entry("pageRanges", "1-3,5"), Map.entry("landscape", true),
                Map.entry("pdfa", "PDF/A-2b"), Map.entry("pdfua", true), Map.entry("singlePageSheets", false),
                Map.entry("losslessImageCompression", true), Map.entry("quality", 85),
                Map.entry("maxImageResolution", 300), Map.entry("exportBookmarks", false),
                Map.entry("exportNotes", true));
    }

    @Test
    void blankOrMissingFieldsAreNotAskedFor() {
        PdfOptions o = PdfOptions.fromFields(Map.of("pageRanges", "", "quality", "  ")::get);
        assertThat(o.isEmpty()).isTrue();
        assertThat(o.toJson()).isNull();
        assertThat(PdfOptions.fromJson(null)).isEqualTo(PdfOptions.NONE);
    }

    @Test
    void storedJsonAndJacksonRoundTrip() throws Exception {
        PdfOptions o = new PdfOptions("2-4", null, PdfA.PDF_A_1B, null, true, null, 40, null, null, null);
        assertThat(o.pageRanges()).isEqualTo("2-4");
        assertThat(PdfOptions.fromJson(o.toJson())).isEqualTo(o);
        ObjectMapper mapper = new ObjectMapper();
        String json = mapper.writeValueAsString(o);
        assertThat(json).isEqualTo("{\"pageRanges\":\"2-4\",\"pdfa\":\"PDF/A-1b\",\"singlePageSheets\":true,\"quality\":40}");
        assertThat(mapper.readValue(json, PdfOptions.class)).isEqualTo(o);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "pageRanges|1-3;5|pageRanges must be page numbers and ranges separated by commas, such as 1-3,5",
            "pageRanges|0-2|pageRanges: '0-2' is not a range of pages",
            "pageRanges|5-3|pageRanges: '5-3' is not a range of pages",
            "pageRanges|abc|pageRanges must be page numbers",
            "landscape|yes|landscape must be true or false",
            "pdfa|PDF/A-4|pdfa must be PDF/A-1b, PDF/A-2b or PDF/A-3b",
            "quality|0|quality must be a whole number from 1 to 100",
            "quality|101|quality must be a whole number from 1 to 100",
            "quality|9.5|quality must be a whole number from 1 to 100",
            "maxImageResolution|72|maxImageResolution must be one of 75, 150, 300, 600 or 1200",
            "exportNotes|1|exportNotes must be true or false"})
    void refusesBadValuesNamingTheField(String field, String value, String message) {
        assertThatThrownBy(() -> PdfOptions.fromFields(Map.of(field, value)::get))
                .isInstanceOfSatisfying(InvalidPdfOptionException.class, e -> assertThat(e.field()).isEqualTo(field))
                .hasMessageStartingWith(message);
    }

    @Test
    void jacksonRefusesUnknownAndBadOptions() {
        ObjectMapper mapper = new ObjectMapper();
        assertThatThrownBy(() -> mapper.readValue("{\"scale\":2}", PdfOptions.class)).hasMessageContaining("scale");
        assertThatThrownBy(() -> PdfOptions.fromJson("{\"quality\":500}")).isInstanceOf(InvalidPdfOptionException.class);
    }
}
