package io.fileconv.core;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SmallTypesTest {

    @Test
    void idsAreUuidV7AndSortByCreationTime() throws InterruptedException {
        String a = Ids.newId();
        Thread.sleep(2);
        String b = Ids.newId();
        assertThat(Ids.isWellFormed(a)).isTrue();
        assertThat(a.charAt(14)).isEqualTo('7');
        assertThat(a).isLessThan(b);
        Set<String> many = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            many.add(Ids.newId());
        }
        assertThat(many).hasSize(10_000);
        assertThat(Ids.isWellFormed("../../etc/passwd")).isFalse();
        assertThat(Ids.isWellFormed(a.toUpperCase())).isFalse();
    }

    @Test
    void s3KeysAreBuiltFromIdsOnly() {
        assertThat(S3Keys.input("alice", "f1")).isEqualTo("alice/f1/input");
        assertThat(S3Keys.output("alice", "f1")).isEqualTo("alice/f1/output.pdf");
        assertThatThrownBy(() -> S3Keys.input("../bob", "f1")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> S3Keys.input("a/b", "f1")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void userIdsRejectPathAndControlCharacters() {
        assertThat(UserIds.isValid("alice@example.com")).isTrue();
        assertThat(UserIds.isValid("auth0|5f7c8ec7c33c6c004bbafe82")).as("an Auth0 subject").isTrue();
        assertThat(UserIds.isValid("a/b")).isFalse();
        assertThat(UserIds.isValid("a..b")).isFalse();
        assertThat(UserIds.isValid("a\nb")).isFalse();
        assertThat(UserIds.isValid("")).isFalse();
        assertThat(UserIds.isValid("x".repeat(129))).isFalse();
    }

    @Test
    void failureClassesRoundTripThroughExitCodesAndOnlyTransientOnesRetry() {
        for (FailureClass f : FailureClass.values()) {
            assertThat(FailureClass.fromExitCode(f.exitCode())).isEqualTo(f);
        }
        assertThat(FailureClass.fromExitCode(137)).isEqualTo(FailureClass.OFFICE_CRASHED);
        assertThat(FailureClass.BAD_INPUT.retryable()).isFalse();
        assertThat(FailureClass.PASSWORD_PROTECTED.retryable()).isFalse();
        assertThat(FailureClass.TIMEOUT.retryable()).as("a document over the time limit fails the same way again").isFalse();
        assertThat(FailureClass.STORAGE_ERROR.retryable()).isTrue();
    }

    @Test
    void regionsNameTheirResourcesConsistently() {
        assertThat(Region.fromCode("IN")).isEqualTo(Region.IN);
        assertThat(Region.UK.filesTopic()).isEqualTo("fileconv.uk.files");
        assertThat(Region.fromTopic("fileconv.us.files")).isEqualTo(Region.US);
        assertThat(Region.US.database()).isEqualTo("fileconv_us");
        assertThatThrownBy(() -> Region.fromCode("eu")).hasMessageContaining("unknown region");
    }

    @Test
    void supportedTypesKnowTheirExtensions() {
        assertThat(SupportedTypes.byMediaType("text/csv; charset=UTF-8").orElseThrow().canonicalExtension())
                .isEqualTo("csv");
        assertThat(SupportedTypes.byMediaType("application/zip")).isEmpty();
        assertThat(SupportedTypes.extensionOf("Report.Final.DOCX")).isEqualTo("docx");
        assertThat(SupportedTypes.extensionOf("noext")).isEmpty();
        assertThat(SupportedTypes.extensionOf("trailing.")).isEmpty();
    }

    @Test
    void variantsAreConvertedUnderTheirOwnExtensionAndNoExtensionBelongsToTwoTypes() {
        // LibreOffice picks its import filter from the extension the converter gives the file: a slideshow must
        // arrive as .ppsx, a macro-enabled workbook as .xlsm, a template as .ott.
        assertThat(SupportedTypes.byMediaType("application/vnd.openxmlformats-officedocument.presentationml.slideshow")
                .orElseThrow().canonicalExtension()).isEqualTo("ppsx");
        assertThat(SupportedTypes.byMediaType("application/vnd.ms-excel.sheet.macroEnabled.12").orElseThrow()
                .canonicalExtension()).isEqualTo("xlsm");
        assertThat(SupportedTypes.byMediaType("application/vnd.oasis.opendocument.text-template").orElseThrow()
                .canonicalExtension()).isEqualTo("ott");
        assertThat(SupportedTypes.byMediaType("application/vnd.ms-powerpoint").orElseThrow().extensions())
                .containsExactly("ppt", "pps", "pot");
        // Newer iWork editions are the same type to the user and to LibreOffice.
        assertThat(SupportedTypes.byMediaType("application/vnd.apple.keynote.13").orElseThrow().mediaType())
                .isEqualTo("application/vnd.apple.keynote");
        Map<String, String> owner = new HashMap<>();
        for (SupportedTypes.Type t : SupportedTypes.all()) {
            for (String ext : t.extensions()) {
                assertThat(owner.put(ext, t.mediaType())).as("types claiming ." + ext).isNull();
            }
        }
        assertThat(owner).containsKeys("ppsx", "pps", "potx", "pot", "dotx", "dot", "xltx", "xlt", "ott", "ots", "otp",
                "otg", "docm", "xlsm", "pptm", "ppsm", "vsd", "vsdx", "pages", "numbers", "key", "svg", "webp");
    }
}
