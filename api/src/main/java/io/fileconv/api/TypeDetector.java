package io.fileconv.api;

import io.fileconv.core.SupportedTypes;
import org.apache.tika.config.TikaConfig;
import org.apache.tika.detect.Detector;
import org.apache.tika.io.TikaInputStream;
import org.apache.tika.metadata.Metadata;
import org.apache.tika.mime.MediaType;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.Set;

/**
 * Detects a file's type from its bytes with Apache Tika (container-aware: OOXML, OLE2, ODF), never from the
 * name or the Content-Type header, then checks it against the allow-list and the name's extension.
 */
public final class TypeDetector {
    static final String OOXML_PROTECTED = "application/x-tika-ooxml-protected";
    static final String FLAT_ODF = "application/vnd.oasis.opendocument.tika.flat.document";
    private static final Map<String, String> FLAT_ODF_BY_EXTENSION = Map.of(
            "fodt", "application/vnd.oasis.opendocument.flat.text",
            "fods", "application/vnd.oasis.opendocument.flat.spreadsheet",
            "fodp", "application/vnd.oasis.opendocument.flat.presentation",
            "fodg", "application/vnd.oasis.opendocument.flat.graphics");
    /** iWork packages whose kind Tika could not tell (IWA without a telling part name, or an '09 package). */
    private static final Set<String> IWORK_UNKNOWN = Set.of("application/vnd.apple.unknown.13",
            "application/vnd.apple.iwork");
    private static final Map<String, String> IWORK_BY_EXTENSION = Map.of(
            "pages", "application/vnd.apple.pages",
            "numbers", "application/vnd.apple.numbers",
            "key", "application/vnd.apple.keynote");
    private static final Set<String> TEXT_EXTENSIONS = Set.of("txt", "text", "log", "md", "csv");

    private final Detector detector = TikaConfig.getDefaultConfig().getDetector();

    public String detect(InputStream in) throws IOException {
        try (TikaInputStream tis = TikaInputStream.get(in)) {
            return detect(tis);
        }
    }

    /** Detects from a Tika stream the caller keeps (its spooled file can then be inspected further). */
    public String detect(TikaInputStream tis) throws IOException {
        MediaType type = detector.detect(tis, new Metadata());
        return type.getBaseType().toString();
    }

    /** Whether Tika saw an encrypted Office container (OOXML or legacy), whose inner type the bytes do not tell. */
    static boolean encrypted(String detected) {
        return OOXML_PROTECTED.equals(detected) || "application/x-tika-msoffice-protected".equals(detected);
    }

    /**
     * An encrypted Office document that comes with its password: the container hides the type, so the file name's
     * extension picks it among the Office types of that container (OOXML: docx, xlsx, pptx, ...; legacy: doc, xls,
     * ppt); the converter checks the real content once it has decrypted it.
     */
    SupportedTypes.Type acceptEncrypted(String detected, String fileName) {
        String ext = SupportedTypes.extensionOf(fileName);
        boolean ooxml = OOXML_PROTECTED.equals(detected);
        for (SupportedTypes.Type t : SupportedTypes.all()) {
            boolean family = ooxml ? t.mediaType().startsWith("application/vnd.openxmlformats")
                    || t.mediaType().contains("macroenabled")
                    : t.mediaType().equals("application/msword") || t.mediaType().equals("application/vnd.ms-excel")
                    || t.mediaType().equals("application/vnd.ms-powerpoint");
            if (family && t.extensions().contains(ext)) {
                return t;
            }
        }
        throw new Problem(415, "unsupported-type", "Unsupported file type", "an encrypted Office document must be"
                + " named with its Office extension (for example .docx, .xlsx, .pptx) so its type is known")
                .with("detectedType", detected);
    }

    /**
     * @return the accepted media type (refined by the extension only where bytes cannot tell, i.e. CSV vs text)
     * @throws Problem when the type is refused
     */
    public SupportedTypes.Type accept(String detected, String fileName) {
        String ext = SupportedTypes.extensionOf(fileName);
        if (OOXML_PROTECTED.equals(detected) || "application/x-tika-msoffice-protected".equals(detected)) {
            throw new Problem(422, "password-protected", "Password-protected document",
                    "the document is password protected; send its password in the 'password' field, or remove the"
                            + " password and upload it again");
        }
        if ("text/plain".equals(detected) && "csv".equals(ext)) {
            detected = "text/csv";
        }
        // Tika names all four flat (single XML file) ODF kinds alike; the extension tells which one it is.
        if (FLAT_ODF.equals(detected) && FLAT_ODF_BY_EXTENSION.containsKey(ext)) {
            detected = FLAT_ODF_BY_EXTENSION.get(ext);
        }
        // An iWork package of undetermined kind: the bytes say iWork, the extension says which application made it.
        if (IWORK_UNKNOWN.contains(detected) && IWORK_BY_EXTENSION.containsKey(ext)) {
            detected = IWORK_BY_EXTENSION.get(ext);
        }
        String d = detected;
        SupportedTypes.Type type = SupportedTypes.byMediaType(detected).orElseThrow(() ->
                new Problem(415, "unsupported-type", "Unsupported file type",
                        "the content is " + d + ", which cannot be converted; accepted: Office (with templates,"
                                + " slideshows and macro-enabled files), ODF, Visio, iWork, RTF, text, CSV, HTML and images")
                        .with("detectedType", d));
        boolean agrees = type.extensions().contains(ext)
                || (type.mediaType().equals("text/plain") && TEXT_EXTENSIONS.contains(ext));
        if (!agrees) {
            throw new Problem(415, "type-mismatch", "Content does not match the file name",
                    "the name says ." + (ext.isEmpty() ? "(none)" : ext) + " but the content is " + type.label()
                            + " (" + type.mediaType() + "); expected ." + type.canonicalExtension())
                    .with("detectedType", type.mediaType());
        }
        return type;
    }
}
