package io.fileconv.testkit;

import org.apache.poi.hslf.usermodel.HSLFSlideShow;
import org.apache.poi.hslf.usermodel.HSLFTextBox;

import java.awt.Rectangle;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * One document per variant that LibreOffice opens besides the base formats: slideshows, templates, macro-enabled
 * files, Visio, iWork, SVG and WebP. Each names the media type the API must accept it as and a sentence its PDF
 * must contain (null for a picture). Generated in memory where a library can write the format; the rest are real
 * files under {@code variants/} (see NOTICE.md there).
 */
public final class VariantDocuments {
    /** A variant: its upload name, its bytes, the (canonical) media type it is accepted as, a sentence of its PDF. */
    public record Variant(String name, byte[] bytes, String mediaType, String sentence) {
        public SampleDocuments.Doc doc() {
            return new SampleDocuments.Doc(name, bytes, sentence);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    private static final String WORD_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml";
    private static final String EXCEL_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml";
    private static final String POWERPOINT_MAIN =
            "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml";

    private VariantDocuments() {
    }

    public static List<Variant> all() throws IOException {
        List<Variant> all = new ArrayList<>();
        all.addAll(ooxml());
        all.addAll(odfTemplates());
        all.addAll(binaryOffice());
        all.addAll(visioAndIWork());
        all.add(svg());
        all.add(webp());
        return all;
    }

    /** OOXML templates, slideshows and macro-enabled types, made from POI's documents by changing the main part's type. */
    public static List<Variant> ooxml() throws IOException {
        SampleDocuments.Doc docx = SampleDocuments.docx();
        SampleDocuments.Doc xlsx = SampleDocuments.xlsx();
        SampleDocuments.Doc pptx = SampleDocuments.pptx();
        List<Variant> v = new ArrayList<>();
        v.add(retyped(docx, "template.dotx", WORD_MAIN,
                "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml",
                "application/vnd.openxmlformats-officedocument.wordprocessingml.template"));
        v.add(retyped(docx, "report.docm", WORD_MAIN, "application/vnd.ms-word.document.macroEnabled.main+xml",
                "application/vnd.ms-word.document.macroenabled.12"));
        v.add(retyped(docx, "template.dotm", WORD_MAIN, "application/vnd.ms-word.template.macroEnabledTemplate.main+xml",
                "application/vnd.ms-word.template.macroenabled.12"));
        v.add(retyped(xlsx, "budget.xltx", EXCEL_MAIN,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml",
                "application/vnd.openxmlformats-officedocument.spreadsheetml.template"));
        v.add(retyped(xlsx, "budget.xlsm", EXCEL_MAIN, "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
                "application/vnd.ms-excel.sheet.macroenabled.12"));
        v.add(retyped(xlsx, "budget.xltm", EXCEL_MAIN, "application/vnd.ms-excel.template.macroEnabled.main+xml",
                "application/vnd.ms-excel.template.macroenabled.12"));
        v.add(retyped(pptx, "deck.ppsx", POWERPOINT_MAIN,
                "application/vnd.openxmlformats-officedocument.presentationml.slideshow.main+xml",
                "application/vnd.openxmlformats-officedocument.presentationml.slideshow"));
        v.add(retyped(pptx, "deck.potx", POWERPOINT_MAIN,
                "application/vnd.openxmlformats-officedocument.presentationml.template.main+xml",
                "application/vnd.openxmlformats-officedocument.presentationml.template"));
        v.add(retyped(pptx, "deck.pptm", POWERPOINT_MAIN,
                "application/vnd.ms-powerpoint.presentation.macroEnabled.main+xml",
                "application/vnd.ms-powerpoint.presentation.macroenabled.12"));
        v.add(retyped(pptx, "deck.ppsm", POWERPOINT_MAIN, "application/vnd.ms-powerpoint.slideshow.macroEnabled.main+xml",
                "application/vnd.ms-powerpoint.slideshow.macroenabled.12"));
        v.add(retyped(pptx, "deck.potm", POWERPOINT_MAIN, "application/vnd.ms-powerpoint.template.macroEnabled.main+xml",
                "application/vnd.ms-powerpoint.template.macroenabled.12"));
        // Real files with a vbaProject.bin (Word, Excel and PowerPoint wrote them): the macros come along unrun.
        v.add(resource("vba-macros.docm", "application/vnd.ms-word.document.macroenabled.12", "The quick brown fox."));
        v.add(resource("vba-macros.xlsm", "application/vnd.ms-excel.sheet.macroenabled.12", "This is a blank worksheet"));
        v.add(resource("vba-macros.pptm", "application/vnd.ms-powerpoint.presentation.macroenabled.12", "The quick"));
        return v;
    }

    /** ODF templates: ordinary ODF content in a package whose mimetype names the template kind. */
    public static List<Variant> odfTemplates() throws IOException {
        String text = "Template for OpenDocument text.";
        String sheet = "Template for OpenDocument spreadsheets.";
        String slides = "Template for OpenDocument presentations.";
        String drawing = "Template for OpenDocument drawings.";
        return List.of(
                odf("letter.ott", "application/vnd.oasis.opendocument.text-template",
                        "<office:text><text:p>" + text + "</text:p></office:text>", text),
                odf("sheet.ots", "application/vnd.oasis.opendocument.spreadsheet-template",
                        "<office:spreadsheet><table:table table:name=\"Sheet1\"><table:table-row>"
                                + "<table:table-cell office:value-type=\"string\"><text:p>" + sheet
                                + "</text:p></table:table-cell></table:table-row></table:table></office:spreadsheet>", sheet),
                odf("slides.otp", "application/vnd.oasis.opendocument.presentation-template",
                        "<office:presentation>" + page(slides) + "</office:presentation>", slides),
                odf("drawing.otg", "application/vnd.oasis.opendocument.graphics-template",
                        "<office:drawing>" + page(drawing) + "</office:drawing>", drawing));
    }

    /**
     * Word/Excel 97 templates and PowerPoint 97 slideshows/templates: the same binary formats as .doc/.xls/.ppt (a
     * PowerPoint .pps or .pot written by POI is a .ppt under another name, which is what PowerPoint 97 wrote too).
     */
    public static List<Variant> binaryOffice() throws IOException {
        String s = "PowerPoint 97 slideshow sentence.";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (HSLFSlideShow ppt = new HSLFSlideShow()) {
            HSLFTextBox box = ppt.createSlide().createTextBox();
            box.setAnchor(new Rectangle(50, 50, 500, 100));
            box.setText(s);
            ppt.write(out);
        }
        byte[] ppt = out.toByteArray();
        return List.of(
                new Variant("show.pps", ppt, "application/vnd.ms-powerpoint", s),
                new Variant("design.pot", ppt, "application/vnd.ms-powerpoint", s),
                resource("template.dot", "application/msword", "Test document"),
                resource("template.xlt", "application/vnd.ms-excel", "this is a template"));
    }

    public static List<Variant> visioAndIWork() {
        return List.of(
                resource("visio-2003.vsd", "application/vnd.visio", "I am a test view"),
                resource("visio.vsdx", "application/vnd.ms-visio.drawing", "Text here"),
                resource("keynote-2013.key", "application/vnd.apple.keynote", "A sample presentation"),
                resource("keynote-2018.key", "application/vnd.apple.keynote", "LIBREOFFICE 6.2"),
                resource("pages-2013.pages", "application/vnd.apple.pages", "Sample pages document"),
                resource("numbers-2013.numbers", "application/vnd.apple.numbers", "Transactions"));
    }

    public static Variant svg() {
        String s = "Scalable vector sentence.";
        String svg = """
                <?xml version="1.0" encoding="UTF-8"?>
                <svg xmlns="http://www.w3.org/2000/svg" width="400" height="120" viewBox="0 0 400 120">
                 <rect x="5" y="5" width="390" height="110" fill="#e8f0fe" stroke="#1a73e8"/>
                 <text x="20" y="65" font-family="DejaVu Sans" font-size="20">%s</text>
                </svg>
                """.formatted(s);
        return new Variant("diagram.svg", svg.getBytes(StandardCharsets.UTF_8), "image/svg+xml", s);
    }

    public static Variant webp() {
        return resource("photo.webp", "image/webp", null);
    }

    /** The package with the main part's content type in [Content_Types].xml replaced: the only thing that differs. */
    static Variant retyped(SampleDocuments.Doc source, String name, String fromType, String toType, String mediaType)
            throws IOException {
        Map<String, byte[]> parts = new LinkedHashMap<>();
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(source.bytes()))) {
            for (ZipEntry e; (e = zip.getNextEntry()) != null; ) {
                parts.put(e.getName(), zip.readAllBytes());
            }
        }
        String types = new String(parts.get("[Content_Types].xml"), StandardCharsets.UTF_8);
        if (!types.contains(fromType)) {
            throw new IllegalStateException(source.name() + " has no part of type " + fromType);
        }
        parts.put("[Content_Types].xml", types.replace(fromType, toType).getBytes(StandardCharsets.UTF_8));
        return new Variant(name, SampleDocuments.zip(null, parts), mediaType, source.sentence());
    }

    private static Variant odf(String name, String mimetype, String body, String sentence) throws IOException {
        String content = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><office:document-content"
                + " xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\""
                + " xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\""
                + " xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\""
                + " xmlns:draw=\"urn:oasis:names:tc:opendocument:xmlns:drawing:1.0\""
                + " xmlns:svg=\"urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0\" office:version=\"1.2\">"
                + "<office:body>" + body + "</office:body></office:document-content>";
        String manifest = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><manifest:manifest"
                + " xmlns:manifest=\"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0\" manifest:version=\"1.2\">"
                + "<manifest:file-entry manifest:full-path=\"/\" manifest:media-type=\"" + mimetype + "\"/>"
                + "<manifest:file-entry manifest:full-path=\"content.xml\" manifest:media-type=\"text/xml\"/>"
                + "</manifest:manifest>";
        byte[] bytes = SampleDocuments.odfPackage(mimetype, Map.of(
                "content.xml", content.getBytes(StandardCharsets.UTF_8),
                "META-INF/manifest.xml", manifest.getBytes(StandardCharsets.UTF_8)));
        return new Variant(name, bytes, mimetype, sentence);
    }

    private static String page(String sentence) {
        return "<draw:page draw:name=\"page1\"><draw:frame svg:x=\"2cm\" svg:y=\"2cm\" svg:width=\"20cm\""
                + " svg:height=\"3cm\"><draw:text-box><text:p>" + sentence + "</text:p></draw:text-box></draw:frame>"
                + "</draw:page>";
    }

    private static Variant resource(String file, String mediaType, String sentence) {
        try (InputStream in = VariantDocuments.class.getResourceAsStream("variants/" + file)) {
            if (in == null) {
                throw new IllegalStateException("missing test document variants/" + file);
            }
            return new Variant(file, in.readAllBytes(), mediaType, sentence);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
