package io.fileconv.core.options;

import io.fileconv.core.SupportedTypes;

import java.util.List;
import java.util.Set;

/**
 * What the status says about options a document of the uploaded type cannot honour. LibreOffice opens
 * presentations, drawings (Visio too) and images in Impress or Draw, where content sits at fixed positions on the
 * slide: the converter changes page orientation only for text documents and spreadsheets (PageOrientationFilter).
 */
public final class OptionNotes {
    static final String LANDSCAPE_NOT_APPLIED = "landscape applies to text documents and spreadsheets only;"
            + " presentations, drawings and images keep their page size";

    /** Canonical extensions of the types LibreOffice opens in Impress or Draw (images are recognised by media type). */
    private static final Set<String> SLIDES_AND_DRAWINGS = Set.of("pptx", "ppsx", "potx", "pptm", "ppsm", "potm",
            "ppt", "odp", "otp", "fodp", "sxi", "key", "odg", "otg", "fodg", "vsd", "vsdx");

    private OptionNotes() {
    }

    /** Notes for the status of a file of {@code mediaType} converted with {@code options}; empty when all apply. */
    public static List<String> of(PdfOptions options, String mediaType) {
        if (options.landscape() != null && !orientationApplies(mediaType)) {
            return List.of(LANDSCAPE_NOT_APPLIED);
        }
        return List.of();
    }

    static boolean orientationApplies(String mediaType) {
        if (mediaType == null || mediaType.startsWith("image/")) {
            return false;
        }
        return SupportedTypes.byMediaType(mediaType)
                .map(t -> !SLIDES_AND_DRAWINGS.contains(t.canonicalExtension()))
                .orElse(false);
    }
}
