package io.fileconv.core;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The allow-list of convertible types: detected media type -> file extensions that may carry it. The first
 * extension is the one the converter gives LibreOffice (which chooses its import filter from it). The API, the
 * browser and the converter all read this one table.
 */
public final class SupportedTypes {

    public record Type(String mediaType, String label, List<String> extensions, boolean archive) {
        public String canonicalExtension() {
            return extensions.get(0);
        }
    }

    private static final Map<String, Type> BY_MEDIA_TYPE = new LinkedHashMap<>();

    /** Media types Tika reports for a newer or older edition of a listed type (iWork's 2013 and 2018 packages). */
    private static final Map<String, String> ALIASES = new LinkedHashMap<>();

    static {
        add("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "Word", true, "docx");
        add("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "Excel", true, "xlsx");
        add("application/vnd.openxmlformats-officedocument.presentationml.presentation", "PowerPoint", true, "pptx");
        // OOXML variants are separate types, each converted under its own extension: LibreOffice chooses the matching
        // import filter from it (slideshow, template, macro-enabled). Macros are never run (DocumentConverter).
        add("application/vnd.openxmlformats-officedocument.wordprocessingml.template", "Word template", true, "dotx");
        add("application/vnd.ms-word.document.macroenabled.12", "Word macro-enabled", true, "docm");
        add("application/vnd.ms-word.template.macroenabled.12", "Word macro-enabled template", true, "dotm");
        add("application/vnd.openxmlformats-officedocument.spreadsheetml.template", "Excel template", true, "xltx");
        add("application/vnd.ms-excel.sheet.macroenabled.12", "Excel macro-enabled", true, "xlsm");
        add("application/vnd.ms-excel.template.macroenabled.12", "Excel macro-enabled template", true, "xltm");
        add("application/vnd.openxmlformats-officedocument.presentationml.slideshow", "PowerPoint slideshow", true, "ppsx");
        add("application/vnd.openxmlformats-officedocument.presentationml.template", "PowerPoint template", true, "potx");
        add("application/vnd.ms-powerpoint.presentation.macroenabled.12", "PowerPoint macro-enabled", true, "pptm");
        add("application/vnd.ms-powerpoint.slideshow.macroenabled.12", "PowerPoint macro-enabled slideshow", true,
                "ppsm");
        add("application/vnd.ms-powerpoint.template.macroenabled.12", "PowerPoint macro-enabled template", true, "potm");
        // The 97-2003 binary formats do not tell a template or slideshow from a document in a way Tika reports, and
        // LibreOffice renders the same content under the document extension: .dot/.xlt/.pps/.pot are extensions of it.
        add("application/msword", "Word 97-2003", false, "doc", "dot");
        add("application/vnd.ms-excel", "Excel 97-2003", false, "xls", "xlt");
        add("application/vnd.ms-powerpoint", "PowerPoint 97-2003", false, "ppt", "pps", "pot");
        add("application/vnd.oasis.opendocument.text", "ODF text", true, "odt");
        add("application/vnd.oasis.opendocument.spreadsheet", "ODF spreadsheet", true, "ods");
        add("application/vnd.oasis.opendocument.presentation", "ODF presentation", true, "odp");
        add("application/vnd.oasis.opendocument.graphics", "ODF drawing", true, "odg");
        add("application/vnd.oasis.opendocument.text-template", "ODF text template", true, "ott");
        add("application/vnd.oasis.opendocument.spreadsheet-template", "ODF spreadsheet template", true, "ots");
        add("application/vnd.oasis.opendocument.presentation-template", "ODF presentation template", true, "otp");
        add("application/vnd.oasis.opendocument.graphics-template", "ODF drawing template", true, "otg");
        add("application/vnd.oasis.opendocument.flat.text", "Flat ODF text", false, "fodt");
        add("application/vnd.oasis.opendocument.flat.spreadsheet", "Flat ODF spreadsheet", false, "fods");
        add("application/vnd.oasis.opendocument.flat.presentation", "Flat ODF presentation", false, "fodp");
        add("application/vnd.oasis.opendocument.flat.graphics", "Flat ODF drawing", false, "fodg");
        add("application/vnd.sun.xml.writer", "StarOffice text", true, "sxw");
        add("application/vnd.sun.xml.calc", "StarOffice spreadsheet", true, "sxc");
        add("application/vnd.sun.xml.impress", "StarOffice presentation", true, "sxi");
        // Imported by LibreOffice Draw through libvisio (Debian's libreoffice-draw links it).
        add("application/vnd.visio", "Visio 2003-2010", false, "vsd");
        add("application/vnd.ms-visio.drawing", "Visio", true, "vsdx");
        // Imported through libetonyek: iWork '09 XML packages and the 2013+ IWA packages.
        add("application/vnd.apple.pages", "Apple Pages", true, "pages");
        add("application/vnd.apple.numbers", "Apple Numbers", true, "numbers");
        add("application/vnd.apple.keynote", "Apple Keynote", true, "key");
        ALIASES.put("application/vnd.apple.pages.13", "application/vnd.apple.pages");
        ALIASES.put("application/vnd.apple.pages.18", "application/vnd.apple.pages");
        ALIASES.put("application/vnd.apple.numbers.13", "application/vnd.apple.numbers");
        ALIASES.put("application/vnd.apple.numbers.18", "application/vnd.apple.numbers");
        ALIASES.put("application/vnd.apple.keynote.13", "application/vnd.apple.keynote");
        ALIASES.put("application/vnd.apple.keynote.18", "application/vnd.apple.keynote");
        add("application/rtf", "RTF", false, "rtf");
        add("text/plain", "Text", false, "txt", "text", "log", "md");
        add("text/csv", "CSV", false, "csv");
        add("text/html", "HTML", false, "html", "htm");
        add("image/jpeg", "JPEG image", false, "jpg", "jpeg");
        add("image/png", "PNG image", false, "png");
        add("image/gif", "GIF image", false, "gif");
        add("image/bmp", "BMP image", false, "bmp");
        add("image/tiff", "TIFF image", false, "tif", "tiff");
        add("image/webp", "WebP image", false, "webp");
        add("image/svg+xml", "SVG image", false, "svg");
    }

    private SupportedTypes() {
    }

    private static void add(String mediaType, String label, boolean archive, String... extensions) {
        BY_MEDIA_TYPE.put(mediaType, new Type(mediaType, label, List.of(extensions), archive));
    }

    public static Optional<Type> byMediaType(String mediaType) {
        if (mediaType == null) {
            return Optional.empty();
        }
        String base = mediaType.toLowerCase(Locale.ROOT).split(";", 2)[0].trim();
        return Optional.ofNullable(BY_MEDIA_TYPE.get(ALIASES.getOrDefault(base, base)));
    }

    public static Iterable<Type> all() {
        return BY_MEDIA_TYPE.values();
    }

    public static Set<String> mediaTypes() {
        return BY_MEDIA_TYPE.keySet();
    }

    /** Extension of a file name, lower case, or "" when it has none. */
    public static String extensionOf(String fileName) {
        if (fileName == null) {
            return "";
        }
        int dot = fileName.lastIndexOf('.');
        return dot < 0 || dot == fileName.length() - 1 ? "" : fileName.substring(dot + 1).toLowerCase(Locale.ROOT);
    }
}
