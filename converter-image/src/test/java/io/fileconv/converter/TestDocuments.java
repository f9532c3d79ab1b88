package io.fileconv.converter;

import io.fileconv.testkit.SampleDocuments;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import javax.imageio.ImageIO;

/** Hand-built documents that try to reach outside themselves, for the isolation tests. */
final class TestDocuments {
    private TestDocuments() {
    }

    static byte[] png() throws IOException {
        BufferedImage img = new BufferedImage(40, 40, BufferedImage.TYPE_INT_RGB);
        for (int x = 0; x < 40; x++) {
            for (int y = 0; y < 40; y++) {
                img.setRGB(x, y, 0xff0000);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "png", out);
        return out.toByteArray();
    }

    static void html(Path target, String imageUrl, String cssUrl) throws IOException {
        Files.writeString(target, "<!DOCTYPE html><html><head><link rel=\"stylesheet\" href=\"" + cssUrl + "\"></head>"
                + "<body><p>Isolation canary paragraph.</p><img src=\"" + imageUrl + "\" width=\"40\" height=\"40\">"
                + "<iframe src=\"" + imageUrl + "\"></iframe></body></html>");
    }

    /** An ODF text document whose only image is linked (not embedded) from {@code href}. */
    static void odtWithLinkedImage(Path target, String href) throws IOException {
        String content = """
                <?xml version="1.0" encoding="UTF-8"?>
                <office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
                  xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
                  xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"
                  xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0"
                  xmlns:xlink="http://www.w3.org/1999/xlink" office:version="1.2">
                 <office:body><office:text>
                  <text:p>Linked image canary.<draw:frame draw:name="img1" svg:width="2cm" svg:height="2cm">
                   <draw:image xlink:href="%s" xlink:type="simple" xlink:show="embed" xlink:actuate="onLoad"/>
                  </draw:frame></text:p>
                 </office:text></office:body>
                </office:document-content>
                """.formatted(href);
        String manifest = """
                <?xml version="1.0" encoding="UTF-8"?>
                <manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">
                 <manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.text"/>
                 <manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>
                </manifest:manifest>
                """;
        zip(target, Map.of("content.xml", content, "META-INF/manifest.xml", manifest),
                "application/vnd.oasis.opendocument.text");
    }

    /** A DOCX whose image relationship points outside the package (TargetMode="External"). */
    static void docxWithExternalImage(Path target, String url) throws IOException {
        String types = """
                <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
                <Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
                 <Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
                 <Default Extension="xml" ContentType="application/xml"/>
                 <Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>
                </Types>
                """;
        String rels = """
                <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
                <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
                 <Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>
                </Relationships>
                """;
        String docRels = """
                <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
                <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
                 <Relationship Id="rIdImg" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" Target="%s" TargetMode="External"/>
                </Relationships>
                """.formatted(url);
        String doc = """
                <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
                <w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"
                 xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"
                 xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
                 xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"
                 xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture">
                 <w:body><w:p><w:r><w:t>External image canary.</w:t></w:r></w:p>
                  <w:p><w:r><w:drawing><wp:inline><wp:extent cx="381000" cy="381000"/><wp:docPr id="1" name="Picture 1"/>
                   <a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture">
                    <pic:pic><pic:nvPicPr><pic:cNvPr id="1" name="canary.png"/><pic:cNvPicPr/></pic:nvPicPr>
                     <pic:blipFill><a:blip r:link="rIdImg"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill>
                     <pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="381000" cy="381000"/></a:xfrm><a:prstGeom prst="rect"/></pic:spPr>
                    </pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r></w:p>
                 </w:body></w:document>
                """;
        zip(target, Map.of("[Content_Types].xml", types, "_rels/.rels", rels, "word/_rels/document.xml.rels", docRels,
                "word/document.xml", doc), null);
    }

    /**
     * Every document event a conversion could fire: loading (OnLoad is fired only for documents shown in a frame),
     * layout, export (a PDF export is a "save to"), and closing.
     */
    static final List<String> MACRO_EVENTS = List.of("dom:load", "office:load-finished", "office:view-created",
            "office:layout-finished", "office:save-to", "office:save-to-done", "office:prepare-unload", "dom:unload",
            "office:mode-changed");

    /**
     * An ODF text document with a Basic macro bound to every event of {@link #MACRO_EVENTS}: opened with macros
     * enabled it writes {@code marker} and asks {@code canaryUrl} whether a file exists there.
     */
    static void odtWithAutoOpenMacro(Path target, Path marker, String canaryUrl) throws IOException {
        String content = """
                <?xml version="1.0" encoding="UTF-8"?>
                <office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
                  xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
                  xmlns:script="urn:oasis:names:tc:opendocument:xmlns:script:1.0"
                  xmlns:xlink="http://www.w3.org/1999/xlink" office:version="1.2">
                 <office:scripts><office:event-listeners>%s</office:event-listeners></office:scripts>
                 <office:body><office:text><text:p>Macro canary paragraph.</text:p></office:text></office:body>
                </office:document-content>
                """.formatted(MACRO_EVENTS.stream().map(e -> "<script:event-listener script:language=\"ooo:script\""
                + " script:event-name=\"" + e + "\" xlink:type=\"simple\" xlink:href=\"vnd.sun.star.script:"
                + "Standard.Module1.AutoOpen?language=Basic&amp;location=document\"/>").collect(Collectors.joining()));
        String module = """
                <?xml version="1.0" encoding="UTF-8"?>
                <script:module xmlns:script="http://openoffice.org/2000/script" script:name="Module1"
                  script:language="StarBasic" script:moduleType="normal"><![CDATA[
                Sub AutoOpen
                  Dim n As Integer
                  n = FreeFile
                  Open "%s" For Output As #n
                  Print #n, "the document's macro ran"
                  Close #n
                  On Error Resume Next
                  Dim files As Object
                  files = CreateUnoService("com.sun.star.ucb.SimpleFileAccess")
                  files.exists("%s")
                End Sub
                ]]></script:module>
                """.formatted(marker.toAbsolutePath(), canaryUrl);
        String libraries = """
                <?xml version="1.0" encoding="UTF-8"?>
                <library:libraries xmlns:library="http://openoffice.org/2000/library" xmlns:xlink="http://www.w3.org/1999/xlink">
                 <library:library library:name="Standard" library:link="false" xlink:type="simple" xlink:href="Standard/script-lb.xml"/>
                </library:libraries>
                """;
        String library = """
                <?xml version="1.0" encoding="UTF-8"?>
                <library:library xmlns:library="http://openoffice.org/2000/library" library:name="Standard"
                  library:readonly="false" library:passwordprotected="false">
                 <library:element library:name="Module1"/>
                </library:library>
                """;
        String manifest = """
                <?xml version="1.0" encoding="UTF-8"?>
                <manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">
                 <manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.text"/>
                 <manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>
                 <manifest:file-entry manifest:full-path="Basic/" manifest:media-type="application/vnd.sun.star.basic-library"/>
                 <manifest:file-entry manifest:full-path="Basic/script-lc.xml" manifest:media-type="text/xml"/>
                 <manifest:file-entry manifest:full-path="Basic/Standard/" manifest:media-type="application/vnd.sun.star.basic-library"/>
                 <manifest:file-entry manifest:full-path="Basic/Standard/script-lb.xml" manifest:media-type="text/xml"/>
                 <manifest:file-entry manifest:full-path="Basic/Standard/Module1.xml" manifest:media-type="text/xml"/>
                </manifest:manifest>
                """;
        Map<String, String> parts = new LinkedHashMap<>();
        parts.put("content.xml", content);
        parts.put("Basic/script-lc.xml", libraries);
        parts.put("Basic/Standard/script-lb.xml", library);
        parts.put("Basic/Standard/Module1.xml", module);
        parts.put("META-INF/manifest.xml", manifest);
        zip(target, parts, "application/vnd.oasis.opendocument.text");
    }

    /** An SVG picture with an image linked from {@code href} (http or file) and a line of text. */
    static void svgWithLinkedImage(Path target, String href) throws IOException {
        Files.writeString(target, """
                <?xml version="1.0" encoding="UTF-8"?>
                <svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="300" height="200">
                 <text x="10" y="30" font-size="16">SVG canary text.</text>
                 <image x="10" y="50" width="120" height="120" xlink:href="%s"/>
                 <image x="150" y="50" width="120" height="120" href="%s"/>
                </svg>
                """.formatted(href, href).strip());
    }

    /** Writes a zip container of text parts (stripped of the text blocks' indentation). */
    private static void zip(Path target, Map<String, String> entries, String odfMimetype) throws IOException {
        Map<String, byte[]> parts = new LinkedHashMap<>();
        entries.forEach((name, text) -> parts.put(name, text.strip().getBytes(StandardCharsets.UTF_8)));
        Files.write(target, SampleDocuments.zip(odfMimetype, parts));
    }
}
