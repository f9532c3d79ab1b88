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

    static {
        add("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "Word", true, "docx");
        add("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "Excel", true, "xlsx");
        add("application/vnd.openxmlformats-officedocument.presentationml.presentation", "PowerPoint", true, "pptx");
        add("application/msword", "Word 97-2003", false, "doc");
        add("application/vnd.ms-excel", "Excel 97-2003", false, "xls");
        add("application/vnd.ms-powerpoint", "PowerPoint 97-2003", false, "ppt");
        add("application/vnd.oasis.opendocument.text", "ODF text", true, "odt");
        add("application/vnd.oasis.opendocument.spreadsheet", "ODF spreadsheet", true, "ods");
        add("application/vnd.oasis.opendocument.presentation", "ODF presentation", true, "odp");
        add("application/vnd.oasis.opendocument.graphics", "ODF drawing", true, "odg");
        add("application/vnd.oasis.opendocument.flat.text", "Flat ODF text", false, "fodt");
        add("application/vnd.oasis.opendocument.flat.spreadsheet", "Flat ODF spreadsheet", false, "fods");
        add("application/vnd.oasis.opendocument.flat.presentation", "Flat ODF presentation", false, "fodp");
        add("application/vnd.oasis.opendocument.flat.graphics", "Flat ODF drawing", false, "fodg");
        add("application/vnd.sun.xml.writer", "StarOffice text", true, "sxw");
        add("application/vnd.sun.xml.calc", "StarOffice spreadsheet", true, "sxc");
        add("application/vnd.sun.xml.impress", "StarOffice presentation", true, "sxi");
        add("application/rtf", "RTF", false, "rtf");
        add("text/plain", "Text", false, "txt", "text", "log", "md");
        add("text/csv", "CSV", false, "csv");
        add("text/html", "HTML", false, "html", "htm");
        add("image/jpeg", "JPEG image", false, "jpg", "jpeg");
        add("image/png", "PNG image", false, "png");
        add("image/gif", "GIF image", false, "gif");
        add("image/bmp", "BMP image", false, "bmp");
        add("image/tiff", "TIFF image", false, "tif", "tiff");
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
        return Optional.ofNullable(BY_MEDIA_TYPE.get(base));
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
