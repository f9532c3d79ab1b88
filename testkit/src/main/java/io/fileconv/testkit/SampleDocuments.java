package io.fileconv.testkit;

import org.apache.poi.xslf.usermodel.XMLSlideShow;
import org.apache.poi.xslf.usermodel.XSLFTextBox;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;
import org.apache.poi.xwpf.usermodel.XWPFDocument;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import javax.imageio.ImageIO;

/**
 * The project's own sample documents, one per supported family, each carrying a sentence to find in the PDF (null
 * for the image). Generated in memory, so tests and benchmarks need no binary files in the repository.
 */
public final class SampleDocuments {
    /** A document to upload or convert: its file name, its bytes and a sentence its PDF must contain. */
    public record Doc(String name, byte[] bytes, String sentence) {
        @Override
        public String toString() {
            return name;
        }
    }

    private SampleDocuments() {
    }

    public static List<Doc> all() throws IOException {
        return List.of(docx(), xlsx(), pptx(), odt(), rtf(), txt(), csv(), html(), jpg());
    }

    public static Doc docx() throws IOException {
        String s = "Quarterly report written in Word format.";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (XWPFDocument d = new XWPFDocument()) {
            d.createParagraph().createRun().setText(s);
            d.createParagraph().createRun().setText("Second paragraph.");
            d.write(out);
        }
        return new Doc("report.docx", out.toByteArray(), s);
    }

    /** A Word document of {@code pages} portrait pages, page n saying "Page n of the paged report." (page breaks). */
    public static Doc pagedDocx(int pages) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (XWPFDocument d = new XWPFDocument()) {
            for (int n = 1; n <= pages; n++) {
                var paragraph = d.createParagraph();
                paragraph.setPageBreak(n > 1);
                paragraph.createRun().setText("Page " + n + " of the paged report.");
            }
            d.write(out);
        }
        return new Doc("paged.docx", out.toByteArray(), "Page 1 of the paged report.");
    }

    public static Doc xlsx() throws IOException {
        String s = "Budget";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (XSSFWorkbook wb = new XSSFWorkbook()) {
            var sheet = wb.createSheet("Sheet1");
            sheet.createRow(0).createCell(0).setCellValue(s);
            sheet.getRow(0).createCell(1).setCellValue(1234.5);
            sheet.createRow(1).createCell(0).setCellValue("Spreadsheet cell text");
            wb.write(out);
        }
        return new Doc("budget.xlsx", out.toByteArray(), "Spreadsheet cell text");
    }

    public static Doc pptx() throws IOException {
        String s = "Slide deck about conversion";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (XMLSlideShow ppt = new XMLSlideShow()) {
            XSLFTextBox box = ppt.createSlide().createTextBox();
            box.setAnchor(new Rectangle(50, 50, 500, 100));
            box.setText(s);
            ppt.write(out);
        }
        return new Doc("deck.pptx", out.toByteArray(), s);
    }

    public static Doc odt() throws IOException {
        String s = "OpenDocument text paragraph.";
        String content = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><office:document-content"
                + " xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\""
                + " xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\" office:version=\"1.2\">"
                + "<office:body><office:text><text:p>" + s + "</text:p></office:text></office:body>"
                + "</office:document-content>";
        String manifest = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><manifest:manifest"
                + " xmlns:manifest=\"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0\" manifest:version=\"1.2\">"
                + "<manifest:file-entry manifest:full-path=\"/\" manifest:media-type=\"application/vnd.oasis.opendocument.text\"/>"
                + "<manifest:file-entry manifest:full-path=\"content.xml\" manifest:media-type=\"text/xml\"/>"
                + "</manifest:manifest>";
        byte[] odt = odfPackage("application/vnd.oasis.opendocument.text", Map.of(
                "content.xml", content.getBytes(StandardCharsets.UTF_8),
                "META-INF/manifest.xml", manifest.getBytes(StandardCharsets.UTF_8)));
        return new Doc("notes.odt", odt, s);
    }

    /** An ODF package: the uncompressed "mimetype" entry first, as the format requires, then the given parts. */
    public static byte[] odfPackage(String mimetype, Map<String, byte[]> parts) throws IOException {
        return zip(mimetype, new TreeMap<>(parts));
    }

    /**
     * A zip container (OOXML, ODF) with the parts in the map's iteration order; when {@code odfMimetype} is not null
     * it is written first, uncompressed, as the "mimetype" entry ODF requires.
     */
    public static byte[] zip(String odfMimetype, Map<String, byte[]> parts) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            if (odfMimetype != null) {
                byte[] mt = odfMimetype.getBytes(StandardCharsets.US_ASCII);
                ZipEntry e = new ZipEntry("mimetype");
                e.setMethod(ZipEntry.STORED);
                e.setSize(mt.length);
                CRC32 crc = new CRC32();
                crc.update(mt);
                e.setCrc(crc.getValue());
                zip.putNextEntry(e);
                zip.write(mt);
            }
            for (var part : parts.entrySet()) {
                zip.putNextEntry(new ZipEntry(part.getKey()));
                zip.write(part.getValue());
            }
        }
        return out.toByteArray();
    }

    public static Doc rtf() {
        String s = "Rich text format sentence.";
        return new Doc("letter.rtf", ("{\\rtf1\\ansi\\deff0{\\fonttbl{\\f0 Times New Roman;}}\\f0\\fs24 " + s
                + "\\par Another line.\\par}").getBytes(StandardCharsets.US_ASCII), s);
    }

    public static Doc txt() {
        String s = "Plain text travels the whole pipeline.";
        return new Doc("readme.txt", (s + "\nLine two.\n").getBytes(StandardCharsets.UTF_8), s);
    }

    public static Doc csv() {
        return new Doc("table.csv", "name,amount\nalpha widget,10\nbeta gadget,20\n".getBytes(StandardCharsets.UTF_8),
                "alpha widget");
    }

    public static Doc html() {
        String s = "Hypertext paragraph for conversion.";
        return new Doc("page.html", ("<!DOCTYPE html><html><head><title>t</title></head><body><h1>Title</h1><p>" + s
                + "</p></body></html>").getBytes(StandardCharsets.UTF_8), s);
    }

    public static Doc jpg() throws IOException {
        BufferedImage img = new BufferedImage(320, 200, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, 320, 200);
        g.setColor(new Color(20, 90, 160));
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 28));
        g.drawString("fileconv", 90, 110);
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "jpg", out);
        return new Doc("photo.jpg", out.toByteArray(), null);
    }
}
