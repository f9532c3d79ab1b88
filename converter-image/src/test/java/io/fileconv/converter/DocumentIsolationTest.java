package io.fileconv.converter;

import com.sun.net.httpserver.HttpServer;
import com.sun.star.document.MacroExecMode;
import com.sun.star.script.provider.XScriptProviderSupplier;
import com.sun.star.uno.UnoRuntime;
import io.fileconv.core.ConversionFailure;
import io.fileconv.embedded.FreePorts;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.graphics.image.PDImageXObject;
import org.apache.pdfbox.text.PDFTextStripper;
import org.jodconverter.local.LocalConverter;
import org.jodconverter.local.office.LocalOfficeManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Documents must not reach the network or files outside themselves while converting. A canary HTTP server on
 * loopback records every request; a red PNG outside the document is the local canary. Stock LibreOffice 7.4
 * fetched all of these (shared/STACK-NOTES.md), so these tests fail without the hardened profile.
 */
@ExtendWith(SharedOffice.class)
class DocumentIsolationTest {
    @TempDir
    static Path work;
    static DocumentConverter converter;
    static HttpServer canary;
    static final List<String> hits = new CopyOnWriteArrayList<>();
    static byte[] png;

    @BeforeAll
    static void start(DocumentConverter shared) throws Exception {
        png = TestDocuments.png();
        canary = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        canary.createContext("/", ex -> {
            hits.add(ex.getRequestMethod() + " " + ex.getRequestURI());
            boolean image = ex.getRequestURI().getPath().endsWith(".png");
            byte[] body = image ? png : "p{color:red}".getBytes();
            ex.getResponseHeaders().add("Content-Type", image ? "image/png" : "text/css");
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        canary.start();
        converter = shared;
    }

    @AfterAll
    static void stop() {
        if (canary != null) {
            canary.stop(0);
        }
    }

    @BeforeEach
    void clear() {
        hits.clear();
    }

    private static String canaryUrl(String path) {
        return "http://127.0.0.1:" + canary.getAddress().getPort() + path;
    }

    @Test
    void htmlDoesNotFetchRemoteImagesStylesOrFrames() throws Exception {
        Path in = work.resolve("remote.html");
        TestDocuments.html(in, canaryUrl("/img.png"), canaryUrl("/style.css"));
        Path out = convert(in);
        assertThat(hits).as("requests that reached the canary server").isEmpty();
        assertThat(text(out)).contains("Isolation canary paragraph.");
        assertThat(imageCount(out)).isZero();
    }

    @Test
    void odtDoesNotLoadLinkedImagesFromTheNetwork() throws Exception {
        Path in = work.resolve("remote.odt");
        TestDocuments.odtWithLinkedImage(in, canaryUrl("/linked.png"));
        Path out = convert(in);
        assertThat(hits).isEmpty();
        assertThat(text(out)).contains("Linked image canary.");
    }

    @Test
    void odtDoesNotEmbedLocalFilesFromOutsideTheDocument() throws Exception {
        Path secret = work.resolve("outside-secret.png");
        Files.write(secret, png);
        Path in = work.resolve("local-link.odt");
        TestDocuments.odtWithLinkedImage(in, secret.toUri().toString());
        Path out = convert(in);
        assertThat(text(out)).contains("Linked image canary.");
        assertThat(imageCount(out)).as("images in the PDF (the outside file must not be embedded)").isZero();
    }

    @Test
    void docxDoesNotFollowExternalImageRelationships() throws Exception {
        Path in = work.resolve("external.docx");
        TestDocuments.docxWithExternalImage(in, canaryUrl("/external.png"));
        Path out = convert(in);
        assertThat(hits).isEmpty();
        assertThat(text(out)).contains("External image canary.");
        assertThat(imageCount(out)).isZero();
    }

    @Test
    void htmlDoesNotEmbedLocalFilesEither() throws Exception {
        Path secret = work.resolve("outside-secret2.png");
        Files.write(secret, png);
        Path in = work.resolve("local.html");
        TestDocuments.html(in, secret.toUri().toString(), secret.toUri().toString());
        Path out = convert(in);
        assertThat(imageCount(out)).isZero();
    }

    @Test
    void aDocumentsAutoOpenMacroNeverRuns() throws Exception {
        Path ran = work.resolve("macro-ran-converted.txt");
        Path in = work.resolve("macro.odt");
        TestDocuments.odtWithAutoOpenMacro(in, ran, canaryUrl("/macro"));
        Path out = convert(in);
        assertThat(text(out)).contains("Macro canary paragraph.");
        assertThat(ran).as("file the macro writes when it runs").doesNotExist();
        assertThat(hits).isEmpty();
    }

    /**
     * The control for the test above, as far as it goes: the document's macro is live on this LibreOffice (Basic
     * runtime present, module compiles, it writes its file) when a stock office is asked to run it through the
     * document's script provider. Such a call comes from the controlling process, which LibreOffice trusts (it runs
     * even in the converter's office); the converter never makes it. What this control does not show is the event
     * firing: no stock-office conversion made OnLoad/OnLoadFinished run the macro (see docs/ARCHITECTURE.md).
     */
    @Test
    void theMacroDocumentIsLiveWhenItsMacroIsCalled() throws Exception {
        Path ran = work.resolve("macro-ran-stock.txt");
        Path in = work.resolve("macro-control.odt");
        TestDocuments.odtWithAutoOpenMacro(in, ran, canaryUrl("/macro"));
        LocalOfficeManager stock = LocalOfficeManager.builder().portNumbers(FreePorts.take(1).get(0))
                .workingDir(Files.createDirectories(work.resolve("stock-office")).toFile()).build();
        stock.start();
        List<String> outcome = new CopyOnWriteArrayList<>();
        try {
            LocalConverter.builder().officeManager(stock)
                    .loadProperties(Map.of("Hidden", true, "MacroExecutionMode", MacroExecMode.ALWAYS_EXECUTE_NO_WARN))
                    .filterChain((ctx, doc, chain) -> {
                        try {
                            UnoRuntime.queryInterface(
                                            XScriptProviderSupplier.class, doc)
                                    .getScriptProvider()
                                    .getScript("vnd.sun.star.script:Standard.Module1.AutoOpen?language=Basic&location=document")
                                    .invoke(new Object[0], new short[1][], new Object[1][]);
                            outcome.add("called");
                        } catch (Exception e) {
                            outcome.add("call failed: " + e);
                        }
                        chain.doFilter(ctx, doc);
                    })
                    .build().convert(in.toFile()).to(work.resolve("macro-control.pdf").toFile()).execute();
        } finally {
            stock.stop();
        }
        assertThat(ran).as("file the macro writes when it runs " + outcome).exists();
    }

    @Test
    void svgDoesNotFetchLinkedImages() throws Exception {
        Path in = work.resolve("remote.svg");
        TestDocuments.svgWithLinkedImage(in, canaryUrl("/svg.png"));
        Path out = convert(in);
        assertThat(hits).as("requests that reached the canary server").isEmpty();
        assertThat(imageCount(out)).isZero();
    }

    @Test
    void svgDoesNotEmbedLocalFilesFromOutsideIt() throws Exception {
        Path secret = work.resolve("outside-secret3.png");
        Files.write(secret, png);
        Path in = work.resolve("local.svg");
        TestDocuments.svgWithLinkedImage(in, secret.toUri().toString());
        Path out = convert(in);
        assertThat(imageCount(out)).as("images in the PDF (the outside file must not be embedded)").isZero();
    }

    private static Path convert(Path in) throws ConversionFailure {
        Path out = in.resolveSibling(in.getFileName() + ".pdf");
        converter.convert(in, out);
        return out;
    }

    static String text(Path pdf) throws Exception {
        try (PDDocument doc = Loader.loadPDF(pdf.toFile())) {
            return new PDFTextStripper().getText(doc);
        }
    }

    /**
     * Images in the PDF that carry the canary's pixels (solid red). LibreOffice draws its own placeholder for an
     * image it refused to load, so counting all images would not tell a blocked link from a followed one.
     */
    static int imageCount(Path pdf) throws Exception {
        int n = 0;
        try (PDDocument doc = Loader.loadPDF(pdf.toFile())) {
            for (PDPage page : doc.getPages()) {
                for (var name : page.getResources().getXObjectNames()) {
                    if (page.getResources().getXObject(name) instanceof PDImageXObject img && isCanary(img)) {
                        n++;
                    }
                }
            }
        }
        return n;
    }

    private static boolean isCanary(PDImageXObject img) throws IOException {
        BufferedImage b = img.getImage();
        int w = b.getWidth();
        int h = b.getHeight();
        int[][] points = {{w / 2, h / 2}, {0, 0}, {w - 1, h - 1}, {w - 1, 0}, {0, h - 1}};
        for (int[] p : points) {
            int rgb = b.getRGB(p[0], p[1]) & 0xffffff;
            if (((rgb >> 16) & 0xff) < 200 || ((rgb >> 8) & 0xff) > 60 || (rgb & 0xff) > 60) {
                return false;
            }
        }
        return true;
    }
}
