package io.fileconv.core.options;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The PDF options of one upload, validated. A null component means "not asked for": LibreOffice's default applies.
 * This is the only place that parses or checks an option: the API's form fields ({@link #fromFields}), the row's
 * column and the converter Job's environment ({@link #fromJson}), the FileConversion spec and the work item
 * (Jackson, through {@link #fromMap}) all end in the canonical constructor, which refuses bad values. Options are not
 * secret (a password is never one of them).
 *
 * @param pageRanges               pages to export, e.g. {@code 1-3,5} (1-based, ascending within a range)
 * @param landscape                page orientation of text documents and spreadsheets
 * @param pdfa                     PDF/A conformance level
 * @param pdfua                    PDF/UA (universal accessibility) tagging
 * @param singlePageSheets         each spreadsheet sheet on one page
 * @param losslessImageCompression images compressed without loss instead of JPEG
 * @param quality                  JPEG quality 1-100
 * @param maxImageResolution       images downsampled to this DPI (75, 150, 300, 600 or 1200)
 * @param exportBookmarks          headings become PDF bookmarks
 * @param exportNotes              comments become PDF annotations
 */
public record PdfOptions(String pageRanges, Boolean landscape, PdfA pdfa, Boolean pdfua, Boolean singlePageSheets,
                         Boolean losslessImageCompression, Integer quality, Integer maxImageResolution,
                         Boolean exportBookmarks, Boolean exportNotes) {

    public static final String PAGE_RANGES = "pageRanges";
    public static final String LANDSCAPE = "landscape";
    public static final String PDFA = "pdfa";
    public static final String PDFUA = "pdfua";
    public static final String SINGLE_PAGE_SHEETS = "singlePageSheets";
    public static final String LOSSLESS_IMAGE_COMPRESSION = "losslessImageCompression";
    public static final String QUALITY = "quality";
    public static final String MAX_IMAGE_RESOLUTION = "maxImageResolution";
    public static final String EXPORT_BOOKMARKS = "exportBookmarks";
    public static final String EXPORT_NOTES = "exportNotes";
    /** Every option's form field / JSON property name, in the order the API documents them. */
    public static final List<String> FIELDS = List.of(PAGE_RANGES, LANDSCAPE, PDFA, PDFUA, SINGLE_PAGE_SHEETS,
            LOSSLESS_IMAGE_COMPRESSION, QUALITY, MAX_IMAGE_RESOLUTION, EXPORT_BOOKMARKS, EXPORT_NOTES);
    public static final Set<Integer> IMAGE_RESOLUTIONS = Set.of(75, 150, 300, 600, 1200);
    /** Carries {@link #toJson()} to a per-file converter Job. */
    public static final String ENVIRONMENT_VARIABLE = "FILECONV_PDF_OPTIONS";
    public static final PdfOptions NONE = new PdfOptions(null, null, null, null, null, null, null, null, null, null);

    private static final int MAX_PAGE_RANGES_LENGTH = 200;
    private static final Pattern RANGES = Pattern.compile("\\d{1,6}(-\\d{1,6})?(,\\d{1,6}(-\\d{1,6})?)*");
    private static final ObjectMapper JSON = new ObjectMapper();

    public PdfOptions {
        if (pageRanges != null) {
            pageRanges = checkRanges(pageRanges);
        }
        if (quality != null && (quality < 1 || quality > 100)) {
            throw new InvalidPdfOptionException(QUALITY, "quality must be a whole number from 1 to 100");
        }
        if (maxImageResolution != null && !IMAGE_RESOLUTIONS.contains(maxImageResolution)) {
            throw new InvalidPdfOptionException(MAX_IMAGE_RESOLUTION,
                    "maxImageResolution must be one of 75, 150, 300, 600 or 1200 (dots per inch)");
        }
    }

    /**
     * Reads the options from named text values (multipart form fields, JSON properties). A missing or blank value is
     * "not asked for", as an untouched field of an HTML form arrives.
     *
     * @throws InvalidPdfOptionException for the first value that is not accepted, naming the field
     */
    public static PdfOptions fromFields(Function<String, String> field) {
        return new PdfOptions(
                text(field, PAGE_RANGES),
                bool(field, LANDSCAPE),
                pdfa(text(field, PDFA)),
                bool(field, PDFUA),
                bool(field, SINGLE_PAGE_SHEETS),
                bool(field, LOSSLESS_IMAGE_COMPRESSION),
                integer(field, QUALITY, "quality must be a whole number from 1 to 100"),
                integer(field, MAX_IMAGE_RESOLUTION,
                        "maxImageResolution must be one of 75, 150, 300, 600 or 1200 (dots per inch)"),
                bool(field, EXPORT_BOOKMARKS),
                bool(field, EXPORT_NOTES));
    }

    /** Jackson's way in (work item, FileConversion spec): the same parser as the form fields; unknown names refused. */
    @JsonCreator
    public static PdfOptions fromMap(Map<String, Object> values) {
        if (values == null) {
            return NONE;
        }
        for (String name : values.keySet()) {
            if (!FIELDS.contains(name)) {
                throw new InvalidPdfOptionException(name, "unknown PDF option '" + name + "'");
            }
        }
        return fromFields(name -> values.get(name) == null ? null : String.valueOf(values.get(name)));
    }

    /** The options asked for, typed (booleans and numbers as JSON has them), in {@link #FIELDS} order. */
    @JsonValue
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        put(m, PAGE_RANGES, pageRanges);
        put(m, LANDSCAPE, landscape);
        put(m, PDFA, pdfa == null ? null : pdfa.label());
        put(m, PDFUA, pdfua);
        put(m, SINGLE_PAGE_SHEETS, singlePageSheets);
        put(m, LOSSLESS_IMAGE_COMPRESSION, losslessImageCompression);
        put(m, QUALITY, quality);
        put(m, MAX_IMAGE_RESOLUTION, maxImageResolution);
        put(m, EXPORT_BOOKMARKS, exportBookmarks);
        put(m, EXPORT_NOTES, exportNotes);
        return m;
    }

    public boolean isEmpty() {
        return equals(NONE);
    }

    /** The stored form (the row's {@code pdf_options} column, the per-file Job's environment): null when empty. */
    public String toJson() {
        if (isEmpty()) {
            return null;
        }
        try {
            return JSON.writeValueAsString(toMap());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Reads {@link #toJson()}'s form; null or blank is {@link #NONE}. */
    public static PdfOptions fromJson(String json) {
        if (json == null || json.isBlank()) {
            return NONE;
        }
        try {
            return fromMap(JSON.readValue(json, new TypeReference<Map<String, Object>>() { }));
        } catch (JsonProcessingException e) {
            throw new InvalidPdfOptionException("options", "the PDF options are not a JSON object");
        }
    }

    private static String checkRanges(String raw) {
        String ranges = raw.replace(" ", "");
        if (ranges.length() > MAX_PAGE_RANGES_LENGTH || !RANGES.matcher(ranges).matches()) {
            throw new InvalidPdfOptionException(PAGE_RANGES,
                    "pageRanges must be page numbers and ranges separated by commas, such as 1-3,5");
        }
        for (String range : ranges.split(",")) {
            String[] ends = range.split("-");
            int first = Integer.parseInt(ends[0]);
            int last = ends.length == 2 ? Integer.parseInt(ends[1]) : first;
            if (first < 1 || last < first) {
                throw new InvalidPdfOptionException(PAGE_RANGES, "pageRanges: '" + range
                        + "' is not a range of pages (pages count from 1, and a range goes from low to high)");
            }
        }
        return ranges;
    }

    private static String text(Function<String, String> field, String name) {
        String v = field.apply(name);
        return v == null || v.isBlank() ? null : v.strip();
    }

    private static Boolean bool(Function<String, String> field, String name) {
        String v = text(field, name);
        if (v == null) {
            return null;
        }
        return switch (v.toLowerCase(Locale.ROOT)) {
            case "true" -> Boolean.TRUE;
            case "false" -> Boolean.FALSE;
            default -> throw new InvalidPdfOptionException(name, name + " must be true or false");
        };
    }

    private static Integer integer(Function<String, String> field, String name, String message) {
        String v = text(field, name);
        if (v == null) {
            return null;
        }
        if (!v.matches("\\d{1,9}")) {
            throw new InvalidPdfOptionException(name, message);
        }
        return Integer.valueOf(v);
    }

    private static PdfA pdfa(String label) {
        return label == null ? null : PdfA.byLabel(label).orElseThrow(() -> new InvalidPdfOptionException(PDFA,
                "pdfa must be PDF/A-1b, PDF/A-2b or PDF/A-3b"));
    }

    private static void put(Map<String, Object> m, String name, Object value) {
        if (value != null) {
            m.put(name, value);
        }
    }
}
