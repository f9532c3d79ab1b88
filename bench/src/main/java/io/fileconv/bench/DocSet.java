package io.fileconv.bench;

import io.fileconv.core.SupportedTypes;
import org.apache.poi.xslf.usermodel.XMLSlideShow;
import org.apache.poi.xslf.usermodel.XSLFTextBox;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;
import org.apache.poi.xwpf.usermodel.XWPFDocument;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * The benchmark's document set: the project's own fixtures (same generators as local's test Fixtures) plus every
 * convertible file of ../shared/corpus when it exists, except the password-protected one (it fails by design).
 */
final class DocSet {
    /** Not documents, or fail by design. */
    private static final Set<String> SKIP = Set.of("README.md", "LICENSE-jodconverter.txt", "test_password.odt");

    private DocSet() {
    }

    /** Writes the set into dir (fixtures generated, corpus copied) and returns the files, sorted by name. */
    static List<Path> materialise(Path dir, Path corpus) throws IOException {
        Files.createDirectories(dir);
        List<Path> out = new ArrayList<>();
        for (var e : fixtures().entrySet()) {
            Path p = dir.resolve("fixture-" + e.getKey());
            Files.write(p, e.getValue());
            out.add(p);
        }
        if (corpus != null && Files.isDirectory(corpus)) {
            try (Stream<Path> s = Files.list(corpus)) {
                for (Path p : s.sorted().toList()) {
                    String name = p.getFileName().toString();
                    if (SKIP.contains(name) || SupportedTypes.extensionOf(name).isEmpty()) {
                        continue;
                    }
                    Path copy = dir.resolve("corpus-" + name);
                    Files.copy(p, copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                    out.add(copy);
                }
            }
        } else {
            Bench.log("corpus " + corpus + " absent: fixtures only");
        }
        out.sort(null);
        return out;
    }

    static java.util.LinkedHashMap<String, byte[]> fixtures() throws IOException {
        var m = new java.util.LinkedHashMap<String, byte[]>();
        m.put("report.docx", docx());
        m.put("budget.xlsx", xlsx());
        m.put("deck.pptx", pptx());
        m.put("notes.odt", odt());
        m.put("letter.rtf", ("{\\rtf1\\ansi\\deff0{\\fonttbl{\\f0 Times New Roman;}}\\f0\\fs24 Rich text format sentence."
                + "\\par Another line.\\par}").getBytes(StandardCharsets.US_ASCII));
        m.put("readme.txt", "Plain text travels the whole pipeline.\nLine two.\n".getBytes(StandardCharsets.UTF_8));
        m.put("table.csv", "name,amount\nalpha widget,10\nbeta gadget,20\n".getBytes(StandardCharsets.UTF_8));
        m.put("page.html", ("<!DOCTYPE html><html><head><title>t</title></head><body><h1>Title</h1><p>Hypertext "
                + "paragraph for conversion.</p></body></html>").getBytes(StandardCharsets.UTF_8));
        m.put("photo.jpg", jpg());
        return m;
    }

    private static byte[] docx() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (XWPFDocument d = new XWPFDocument()) {
            d.createParagraph().createRun().setText("Quarterly report written in Word format.");
            d.createParagraph().createRun().setText("Second paragraph.");
            d.write(out);
        }
        return out.toByteArray();
    }

    private static byte[] xlsx() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (XSSFWorkbook wb = new XSSFWorkbook()) {
            var sheet = wb.createSheet("Sheet1");
            sheet.createRow(0).createCell(0).setCellValue("Budget");
            sheet.getRow(0).createCell(1).setCellValue(1234.5);
            sheet.createRow(1).createCell(0).setCellValue("Spreadsheet cell text");
            wb.write(out);
        }
        return out.toByteArray();
    }

    private static byte[] pptx() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (XMLSlideShow ppt = new XMLSlideShow()) {
            XSLFTextBox box = ppt.createSlide().createTextBox();
            box.setAnchor(new java.awt.Rectangle(50, 50, 500, 100));
            box.setText("Slide deck about conversion");
            ppt.write(out);
        }
        return out.toByteArray();
    }

    private static byte[] odt() throws IOException {
        String content = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><office:document-content"
                + " xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\""
                + " xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\" office:version=\"1.2\">"
                + "<office:body><office:text><text:p>OpenDocument text paragraph.</text:p></office:text></office:body>"
                + "</office:document-content>";
        String manifest = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><manifest:manifest"
                + " xmlns:manifest=\"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0\" manifest:version=\"1.2\">"
                + "<manifest:file-entry manifest:full-path=\"/\" manifest:media-type=\"application/vnd.oasis.opendocument.text\"/>"
                + "<manifest:file-entry manifest:full-path=\"content.xml\" manifest:media-type=\"text/xml\"/>"
                + "</manifest:manifest>";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            byte[] mt = "application/vnd.oasis.opendocument.text".getBytes(StandardCharsets.US_ASCII);
            ZipEntry e = new ZipEntry("mimetype");
            e.setMethod(ZipEntry.STORED);
            e.setSize(mt.length);
            CRC32 crc = new CRC32();
            crc.update(mt);
            e.setCrc(crc.getValue());
            zip.putNextEntry(e);
            zip.write(mt);
            zip.putNextEntry(new ZipEntry("content.xml"));
            zip.write(content.getBytes(StandardCharsets.UTF_8));
            zip.putNextEntry(new ZipEntry("META-INF/manifest.xml"));
            zip.write(manifest.getBytes(StandardCharsets.UTF_8));
        }
        return out.toByteArray();
    }

    private static byte[] jpg() throws IOException {
        BufferedImage img = new BufferedImage(320, 200, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, 320, 200);
        g.setColor(new Color(20, 90, 160));
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 28));
        g.drawString("fileconv", 90, 110);
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        javax.imageio.ImageIO.write(img, "jpg", out);
        return out.toByteArray();
    }
}
