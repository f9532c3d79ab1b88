package io.fileconv.converter;

import io.fileconv.core.ConversionFailure;
import io.fileconv.core.FailureClass;
import io.fileconv.core.options.PdfOptions;
import io.fileconv.embedded.FreePorts;
import io.fileconv.testkit.EncryptedDocuments;
import io.fileconv.testkit.SampleDocuments;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** An encrypted Word document (POI's agile encryption) opened with its password on a real LibreOffice. */
@ExtendWith(SharedOffice.class)
class PasswordConversionTest {
    private static final String PASSWORD = "Tr0ub4dor&3-sekret";
    @TempDir
    static Path work;
    static DocumentConverter converter;

    @BeforeAll
    static void start(DocumentConverter shared) {
        converter = shared;
    }

    @Test
    void theRightPasswordOpensTheDocument() throws Exception {
        SampleDocuments.Doc doc = EncryptedDocuments.docx(PASSWORD);
        Path in = Files.write(work.resolve("right.docx"), doc.bytes());
        Path out = work.resolve("right.pdf");
        converter.convert(in, out, new Cancellation(), null, PdfOptions.NONE, PASSWORD);
        assertThat(DocumentIsolationTest.text(out)).contains(doc.sentence());
    }

    @Test
    void aWrongPasswordIsPasswordProtectedWithAReasonOfOurOwn() throws Exception {
        Path in = Files.write(work.resolve("wrong.docx"), EncryptedDocuments.docx(PASSWORD).bytes());
        assertThatThrownBy(() -> converter.convert(in, work.resolve("wrong.pdf"), new Cancellation(), null,
                PdfOptions.NONE, "not-" + PASSWORD))
                .isInstanceOfSatisfying(ConversionFailure.class, f -> {
                    assertThat(f.failureClass()).isEqualTo(FailureClass.PASSWORD_PROTECTED);
                    assertThat(f.getMessage()).isEqualTo(PasswordReasons.WRONG).doesNotContain(PASSWORD);
                });
    }

    @Test
    void noPasswordIsPasswordProtectedAndSaysWhichFieldToUse() throws Exception {
        Path in = Files.write(work.resolve("none.docx"), EncryptedDocuments.docx(PASSWORD).bytes());
        assertThatThrownBy(() -> converter.convert(in, work.resolve("none.pdf")))
                .isInstanceOfSatisfying(ConversionFailure.class, f -> {
                    assertThat(f.failureClass()).isEqualTo(FailureClass.PASSWORD_PROTECTED);
                    assertThat(f.getMessage()).isEqualTo(PasswordReasons.MISSING);
                });
    }

    @Test
    void aPasswordGivenForAPlainDocumentIsIgnored() throws Exception {
        SampleDocuments.Doc doc = SampleDocuments.docx();
        Path in = Files.write(work.resolve("plain.docx"), doc.bytes());
        Path out = work.resolve("plain.pdf");
        converter.convert(in, out, new Cancellation(), null, PdfOptions.NONE, PASSWORD);
        assertThat(DocumentIsolationTest.text(out)).contains(doc.sentence());
    }
}
