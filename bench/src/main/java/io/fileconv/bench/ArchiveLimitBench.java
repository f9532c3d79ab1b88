package io.fileconv.bench;

import io.fileconv.api.ArchiveInspector;
import io.fileconv.api.Problem;
import io.fileconv.converter.Cancellation;
import io.fileconv.converter.DocumentConverter;
import io.fileconv.converter.OfficePool;
import io.fileconv.converter.OfficePoolConfig;
import io.fileconv.core.ConversionFailure;
import io.fileconv.embedded.FreePorts;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * Issue 16: the upload's ZIP limits ({@link ArchiveInspector.Limits#defaults()}: total uncompressed size, expansion
 * ratio, parts) measured against the converter pod's memory limit. For each size, a spreadsheet (many cells) and a
 * text document (many paragraphs) that the API accepts are converted through the converter's own path (OfficePool,
 * DocumentConverter, the converter's time limit), while the office processes' resident memory is sampled; the table
 * says what ends each one first: the time limit, the memory limit, or nothing.
 *
 * <p>Arguments: workDir resultsFile sizesMiB(comma-separated) timeLimitSeconds memoryLimitMiB [maxUploadBytes
 * [imageSides(comma-separated pixels)]]
 */
public final class ArchiveLimitBench {
    /** The machine is not a pod: an office process past this is stopped before it takes the machine down. */
    private static final long SAFETY_CAP_MIB = 6144;

    private ArchiveLimitBench() {
    }

    record Row(String kind, long uncompressed, long compressed, String admission, String outcome, double seconds,
               long peakMiB) {
    }

    public static void main(String[] args) throws Exception {
        Path work = Path.of(args[0]).toAbsolutePath();
        Path results = Path.of(args[1]).toAbsolutePath();
        List<Integer> sizes = new ArrayList<>();
        for (String s : args[2].split(",")) {
            sizes.add(Integer.parseInt(s.trim()));
        }
        Duration limit = Duration.ofSeconds(Long.parseLong(args[3]));
        long memoryLimitMiB = Long.parseLong(args[4]);
        // The API refuses a body over FILECONV_MAX_UPLOAD_BYTES (413) before it looks inside.
        long maxUploadBytes = args.length > 5 ? Long.parseLong(args[5]) : 104_857_600L;
        List<Integer> imageSides = new ArrayList<>();
        for (String s : (args.length > 6 ? args[6] : "10000,20000,30000").split(",")) {
            imageSides.add(Integer.parseInt(s.trim()));
        }
        Bench.deleteTree(work);
        Files.createDirectories(work);
        ArchiveInspector.Limits limits = ArchiveInspector.Limits.defaults();
        ArchiveInspector inspector = new ArchiveInspector(limits);
        List<Row> rows = new ArrayList<>();
        String loadBefore = Bench.load();
        try (OfficePool pool = OfficePool.start(new OfficePoolConfig(FreePorts.take(1), 200, limit,
                work.resolve("office")))) {
            DocumentConverter converter = new DocumentConverter(pool);
            for (int mib : sizes) {
                for (String kind : List.of("xlsx", "docx")) {
                    Path doc = work.resolve(mib + "mib." + kind);
                    if (kind.equals("xlsx")) {
                        spreadsheet(doc, (long) mib << 20);
                    } else {
                        textDocument(doc, (long) mib << 20);
                    }
                    rows.add(admitAndConvert(converter, inspector, kind, doc, maxUploadBytes, limit));
                }
            }
            // Pixels are not bytes: a solid picture inflates to a few MB of PNG, which the archive limits see, and
            // decodes to side x side x 3 bytes, which only the office process meets.
            for (int side : imageSides) {
                Path doc = work.resolve(side + "px.docx");
                pictureDocument(doc, side);
                rows.add(admitAndConvert(converter, inspector, "docx, one " + side + "x" + side + " PNG", doc,
                        maxUploadBytes, limit));
            }
        }
        write(results, rows, limits, limit, memoryLimitMiB, loadBefore);
    }

    /** The API's checks in its order (size, then the archive), then the conversion if they let the document in. */
    private static Row admitAndConvert(DocumentConverter converter, ArchiveInspector inspector, String kind, Path doc,
                                       long maxUploadBytes, Duration limit) throws Exception {
        long compressed = Files.size(doc);
        long uncompressed = inflatedSize(doc);
        try {
            if (compressed > maxUploadBytes) {
                return new Row(kind, uncompressed, compressed, "refused: larger than the upload limit of "
                        + (maxUploadBytes >> 20) + " MiB (413)", "-", 0, 0);
            }
            try {
                inspector.inspect(doc, compressed);
            } catch (Problem p) {
                return new Row(kind, uncompressed, compressed, "refused: " + p.getMessage(), "-", 0, 0);
            }
            Bench.log(doc.getFileName() + ": " + uncompressed + " bytes inflated, " + compressed
                    + " compressed; converting");
            Row row = convert(converter, kind, doc, uncompressed, compressed, "accepted", limit);
            Bench.log(row.toString());
            return row;
        } finally {
            Files.deleteIfExists(doc);
        }
    }

    private static Row convert(DocumentConverter converter, String kind, Path doc, long uncompressed, long compressed,
                               String admission, Duration limit) throws Exception {
        AtomicLong peak = new AtomicLong();
        Cancellation cancellation = new Cancellation();
        Thread sampler = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                long rss = officeRssKib();
                peak.accumulateAndGet(rss, Math::max);
                if (rss > SAFETY_CAP_MIB << 10) {
                    cancellation.cancel();
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "rss-sampler");
        sampler.setDaemon(true);
        sampler.start();
        Path pdf = doc.resolveSibling(doc.getFileName() + ".pdf");
        long t0 = System.nanoTime();
        String outcome;
        try {
            converter.convert(doc, pdf, cancellation, limit);
            outcome = "converted (" + Files.size(pdf) / 1024 + " KiB PDF)";
        } catch (ConversionFailure f) {
            outcome = (cancellation.isCancelled() ? "stopped above " + SAFETY_CAP_MIB + " MiB: " : "")
                    + f.failureClass();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        sampler.interrupt();
        sampler.join();
        Files.deleteIfExists(pdf);
        return new Row(kind, uncompressed, compressed, admission, outcome, seconds, peak.get() >> 10);
    }

    /** Resident memory of this JVM's office processes (soffice.bin and its helpers), in KiB. */
    private static long officeRssKib() {
        return ProcessHandle.current().descendants()
                .filter(p -> p.info().command().map(c -> c.contains("soffice")).orElse(false))
                .mapToLong(p -> statusKib(p.pid(), "VmRSS:")).sum();
    }

    private static long statusKib(long pid, String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith(field)) {
                    return Long.parseLong(line.substring(field.length()).trim().split("\\s+")[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            // the process ended between listing and reading
        }
        return 0;
    }

    /**
     * An .xlsx whose one sheet inflates to about {@code target} bytes: rows of 16 numeric cells with random values,
     * so it compresses far less than the 200x ratio limit (a document, not a bomb, in the inspector's eyes).
     */
    static void spreadsheet(Path file, long target) throws IOException {
        Random random = new Random(16);
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(file))) {
            contentTypes(zip,
                    "<Override PartName=\"/xl/workbook.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/>",
                    "<Override PartName=\"/xl/worksheets/sheet1.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>");
            packageRels(zip, "xl/workbook.xml");
            entry(zip, "xl/workbook.xml", """
                    <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
                    <workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
                    <sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>""");
            entry(zip, "xl/_rels/workbook.xml.rels", """
                    <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
                    <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
                    <Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>
                    </Relationships>""");
            streamedEntry(zip, "xl/worksheets/sheet1.xml", """
                    <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
                    <worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>""",
                    "</sheetData></worksheet>", target, r -> {
                        StringBuilder row = new StringBuilder(512).append("<row r=\"").append(r).append("\">");
                        for (int c = 0; c < 16; c++) {
                            row.append("<c r=\"").append((char) ('A' + c)).append(r).append("\"><v>")
                                    .append(random.nextInt(1_000_000)).append("</v></c>");
                        }
                        return row.append("</row>");
                    });
        }
    }

    /** A .docx whose body inflates to about {@code target} bytes of paragraphs of words drawn at random. */
    static void textDocument(Path file, long target) throws IOException {
        Random random = new Random(17);
        String[] words = ("lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut "
                + "labore et dolore magna aliqua enim ad minim veniam quis nostrud exercitation ullamco laboris nisi "
                + "aliquip ex ea commodo consequat duis aute irure in reprehenderit voluptate velit esse cillum eu "
                + "fugiat nulla pariatur excepteur sint occaecat cupidatat non proident sunt culpa qui officia").split(" ");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(file))) {
            contentTypes(zip,
                    "<Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/>");
            packageRels(zip, "word/document.xml");
            streamedEntry(zip, "word/document.xml", """
                    <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
                    <w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>""",
                    "</w:body></w:document>", target, i -> {
                        StringBuilder p = new StringBuilder(1024).append("<w:p><w:r><w:t>");
                        for (int w = 0; w < 80; w++) {
                            p.append(words[random.nextInt(words.length)]).append(' ');
                        }
                        return p.append("</w:t></w:r></w:p>");
                    });
        }
    }

    /** A .docx holding one solid {@code side} x {@code side} RGB PNG, shown 15 cm wide. */
    static void pictureDocument(Path file, int side) throws IOException {
        byte[] png = solidPng(side);
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(file))) {
            contentTypes(zip,
                    "<Default Extension=\"png\" ContentType=\"image/png\"/>",
                    "<Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/>");
            packageRels(zip, "word/document.xml");
            entry(zip, "word/_rels/document.xml.rels", """
                    <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
                    <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
                    <Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" Target="media/image1.png"/>
                    </Relationships>""");
            entry(zip, "word/document.xml", """
                    <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
                    <w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" \
                    xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" \
                    xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" \
                    xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" \
                    xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture"><w:body><w:p><w:r><w:drawing>\
                    <wp:inline><wp:extent cx="5400000" cy="5400000"/><wp:docPr id="1" name="Picture 1"/><a:graphic>\
                    <a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:pic><pic:nvPicPr>\
                    <pic:cNvPr id="1" name="image1.png"/><pic:cNvPicPr/></pic:nvPicPr><pic:blipFill>\
                    <a:blip r:embed="rId1"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill><pic:spPr><a:xfrm>\
                    <a:off x="0" y="0"/><a:ext cx="5400000" cy="5400000"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/>\
                    </a:prstGeom></pic:spPr></pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r></w:p>\
                    </w:body></w:document>""");
            zip.putNextEntry(new ZipEntry("word/media/image1.png"));
            zip.write(png);
            zip.closeEntry();
        }
    }

    /** A PNG of one colour: every row is filter 0 and the same bytes, so it deflates about a thousandfold. */
    static byte[] solidPng(int side) throws IOException {
        ByteArrayOutputStream idat = new ByteArrayOutputStream();
        byte[] row = new byte[1 + side * 3];
        for (int i = 1; i < row.length; i++) {
            row[i] = (byte) (i % 3 == 0 ? 0x40 : 0xC0);
        }
        try (DeflaterOutputStream z = new DeflaterOutputStream(idat, new Deflater(9))) {
            for (int y = 0; y < side; y++) {
                z.write(row);
            }
        }
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        png.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
        ByteBuffer header = ByteBuffer.allocate(13).putInt(side).putInt(side).put((byte) 8).put((byte) 2)
                .put((byte) 0).put((byte) 0).put((byte) 0);
        chunk(png, "IHDR", header.array());
        chunk(png, "IDAT", idat.toByteArray());
        chunk(png, "IEND", new byte[0]);
        return png.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream png, String type, byte[] data) throws IOException {
        byte[] name = type.getBytes(StandardCharsets.US_ASCII);
        png.write(ByteBuffer.allocate(4).putInt(data.length).array());
        png.write(name);
        png.write(data);
        CRC32 crc = new CRC32();
        crc.update(name);
        crc.update(data);
        png.write(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    /** [Content_Types].xml: relationships and plain XML by default, plus {@code more} (Default/Override lines). */
    private static void contentTypes(ZipOutputStream zip, String... more) throws IOException {
        entry(zip, "[Content_Types].xml", """
                <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
                <Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
                <Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
                <Default Extension="xml" ContentType="application/xml"/>
                """ + String.join("\n", more) + "\n</Types>");
    }

    /** The package's relationships part, naming its main part. */
    private static void packageRels(ZipOutputStream zip, String mainPart) throws IOException {
        entry(zip, "_rels/.rels", """
                <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
                <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
                <Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" \
                Target="%s"/>
                </Relationships>""".formatted(mainPart));
    }

    /**
     * Entry {@code name}: {@code head}, then {@code chunk(1)}, {@code chunk(2)}, ... while the entry is short of
     * {@code target} bytes, then {@code tail}.
     */
    private static void streamedEntry(ZipOutputStream zip, String name, String head, String tail, long target,
                                      IntFunction<CharSequence> chunk) throws IOException {
        zip.putNextEntry(new ZipEntry(name));
        long written = write(zip, head);
        for (int i = 1; written < target - tail.length() - 1024; i++) {
            written += write(zip, chunk.apply(i));
        }
        write(zip, tail);
        zip.closeEntry();
    }

    /** What the archive inflates to, as its central directory records each entry. */
    private static long inflatedSize(Path file) throws IOException {
        try (ZipFile zip = new ZipFile(file.toFile())) {
            return zip.stream().mapToLong(ZipEntry::getSize).sum();
        }
    }

    private static void entry(ZipOutputStream zip, String name, String text) throws IOException {
        zip.putNextEntry(new ZipEntry(name));
        write(zip, text);
        zip.closeEntry();
    }

    private static long write(OutputStream out, CharSequence text) throws IOException {
        byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
        out.write(bytes);
        return bytes.length;
    }

    private static void write(Path results, List<Row> rows, ArchiveInspector.Limits limits, Duration limit,
                              long memoryLimitMiB, String loadBefore) throws IOException {
        StringBuilder md = new StringBuilder();
        md.append("# ZIP limits against the converter's memory limit (").append(Instant.now()).append(")\n\n");
        md.append("The API's archive limits: ").append(limits.maxTotalUncompressed() >> 20)
                .append(" MiB inflated, ").append(limits.maxMarkup() >> 20).append(" MiB of XML parts, ratio ")
                .append(limits.maxRatio()).append(", ").append(limits.maxEntries())
                .append(" parts. Converted through OfficePool + DocumentConverter (one office process) with the ")
                .append("converter's time limit of ").append(limit.toSeconds()).append(" s; the office processes' ")
                .append("resident memory sampled every 100 ms. The converter pod's memory limit (chart default): ")
                .append(memoryLimitMiB).append(" MiB, shared by the pod's JVM and its office process.\n\n");
        md.append("Load average before: ").append(loadBefore).append("; after: ").append(Bench.load()).append(".\n\n");
        md.append("| document | inflated MiB | compressed MiB | ratio | API | outcome | seconds | office peak RSS MiB |"
                + " over the pod limit? |\n|---|---|---|---|---|---|---|---|---|\n");
        for (Row r : rows) {
            md.append("| ").append(r.kind()).append(" | ").append(r.uncompressed() >> 20).append(" | ")
                    .append(Bench.f1(r.compressed() / 1048576.0)).append(" | ")
                    .append(Bench.f0((double) r.uncompressed() / r.compressed())).append(" | ").append(r.admission())
                    .append(" | ").append(r.outcome()).append(" | ").append(Bench.f1(r.seconds())).append(" | ")
                    .append(r.peakMiB()).append(" | ")
                    .append(r.peakMiB() == 0 ? "-" : r.peakMiB() > memoryLimitMiB ? "**yes**" : "no").append(" |\n");
        }
        Files.writeString(results, md.toString());
        System.out.print(md);
    }
}
