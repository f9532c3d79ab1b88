package io.fileconv.converter;

import io.fileconv.core.Env;
import io.fileconv.core.FailureClass;
import io.fileconv.core.options.PdfOptions;
import io.fileconv.embedded.FreePorts;
import io.fileconv.testkit.SampleDocuments;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** A per-file converter Job's entry point with the environment ConverterJobFactory gives it, PDF options included. */
class PerFileConverterMainTest {
    @TempDir
    static Path work;
    static PresigningS3 s3;

    @BeforeAll
    static void start() throws Exception {
        s3 = PresigningS3.start(work.resolve("s3"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (s3 != null) {
            s3.close();
        }
    }

    @Test
    void appliesThePdfOptionsOfItsEnvironment() throws Exception {
        String id = UUID.randomUUID().toString();
        s3.put(WorkItems.inputKey(id), SampleDocuments.pagedDocx(3).bytes());

        int exit = ConverterMain.run(new Env(jobEnvironment(id, ConversionWorkerTest.DOCX,
                "{\"pageRanges\":\"2\",\"landscape\":true}")));

        assertThat(exit).isZero();
        try (PDDocument pdf = Loader.loadPDF(s3.download(WorkItems.outputKey(id), work.resolve(id + ".pdf")).toFile())) {
            assertThat(pdf.getNumberOfPages()).isEqualTo(1);
            assertThat(new PDFTextStripper().getText(pdf)).contains("Page 2 of").doesNotContain("Page 1 of");
            assertThat(pdf.getPage(0).getMediaBox().getWidth()).isGreaterThan(pdf.getPage(0).getMediaBox().getHeight());
        }
    }

    @Test
    void aBadOptionInTheEnvironmentFailsTheAttemptBeforeConverting() throws Exception {
        String id = UUID.randomUUID().toString();
        s3.put(WorkItems.inputKey(id), SampleDocuments.txt().bytes());

        int exit = ConverterMain.run(new Env(jobEnvironment(id, ConversionWorkerTest.TXT, "{\"quality\":1000}")));

        assertThat(exit).isEqualTo(FailureClass.INTERNAL.exitCode());
        assertThat(s3.exists(WorkItems.outputKey(id))).isFalse();
    }

    private static Map<String, String> jobEnvironment(String id, String detectedType, String options) {
        Map<String, String> env = new HashMap<>();
        env.put("FILECONV_FILE_ID", id);
        env.put("FILECONV_USER_ID", "user");
        env.put("FILECONV_REGION", "in");
        env.put("FILECONV_ATTEMPT", "1");
        env.put("FILECONV_S3_BUCKET", PresigningS3.BUCKET);
        env.put("FILECONV_INPUT_KEY", WorkItems.inputKey(id));
        env.put("FILECONV_OUTPUT_KEY", WorkItems.outputKey(id));
        env.put("FILECONV_DETECTED_TYPE", detectedType);
        env.put("FILECONV_S3_ENDPOINT", s3.endpoint().toString());
        env.put("FILECONV_S3_ACCESS_KEY", PresigningS3.ACCESS_KEY);
        env.put("FILECONV_S3_SECRET_KEY", PresigningS3.SECRET_KEY);
        env.put("FILECONV_S3_PATH_STYLE", "true");
        env.put("FILECONV_OFFICE_PORT", Integer.toString(FreePorts.take()));
        env.put("FILECONV_WORK_DIR", work.resolve("job-" + id).toString());
        env.put(PdfOptions.ENVIRONMENT_VARIABLE, options);
        return env;
    }
}
