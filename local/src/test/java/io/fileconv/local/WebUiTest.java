package io.fileconv.local;

import com.fasterxml.jackson.databind.JsonNode;
import io.fileconv.core.ConversionRequest;
import io.fileconv.core.Ids;
import io.fileconv.core.Region;
import io.fileconv.core.S3Keys;
import io.fileconv.testkit.ApiClient;
import io.fileconv.testkit.SampleDocuments;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.Select;

import java.io.File;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The web UI in headless Chromium (Debian's chromium driven through Debian's chromedriver) against the shared
 * embedded stack: sign in, upload by file picker and by drag and drop, refusals in the browser and by the server,
 * the live list reaching converted / failed, cancel, download of a PDF, paging, and screenshots.
 *
 * <p>To cancel deterministically, the test holds the converter's two workers: it inserts two placeholder rows
 * (status QUEUED, which the dispatcher ignores) in another region, locks them with SELECT ... FOR UPDATE and
 * launches them; each worker then waits on its claim's UPDATE until the test deletes the row. Files uploaded
 * meanwhile stay queued until the test lets a worker go.
 */
@ExtendWith(SharedStack.class)
class WebUiTest {
    static final String USER = "ui-user";
    static final Path SCREENSHOTS = Path.of("target", "screenshots");
    static final Duration CONVERT_WAIT = Duration.ofSeconds(120);

    static ChromeDriver driver;
    static Path work;
    static Path downloads;
    static EmbeddedStack stack;
    static final List<WorkerHold> holds = new ArrayList<>();
    static final List<Connection> rowLocks = new ArrayList<>();

    @BeforeAll
    static void browser(EmbeddedStack s) throws Exception {
        boolean present = Files.isExecutable(Path.of(System.getProperty("fileconv.chromium", "/usr/bin/chromium")))
                && Files.isExecutable(Path.of(System.getProperty("fileconv.chromedriver", "/usr/bin/chromedriver")));
        String missing = "Debian's chromium and chromium-driver are needed (./fileconv test installs them, or"
                + " apt-get install -y chromium chromium-driver)";
        if (System.getenv("CI") != null) {
            assertThat(present).as(missing).isTrue();
        }
        Assumptions.assumeTrue(present, missing);
        stack = s;
        work = Files.createTempDirectory("fileconv-webui");
        downloads = Files.createDirectories(work.resolve("downloads"));
        Files.createDirectories(SCREENSHOTS);
        driver = startChromium(work.resolve("profile"), downloads);
    }

    @AfterAll
    static void quit() {
        releaseAll();
        if (driver != null) {
            driver.quit();
        }
    }

    static ChromeDriver startChromium(Path profile, Path downloadDir) {
        String chromium = System.getProperty("fileconv.chromium", "/usr/bin/chromium");
        String chromedriver = System.getProperty("fileconv.chromedriver", "/usr/bin/chromedriver");
        ChromeOptions o = new ChromeOptions();
        o.setBinary(chromium);
        o.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + profile.toAbsolutePath(), "--window-size=1280,1400", "--lang=en-US");
        Map<String, Object> prefs = new HashMap<>();
        prefs.put("download.default_directory", downloadDir.toAbsolutePath().toString());
        prefs.put("download.prompt_for_download", false);
        prefs.put("download.directory_upgrade", true);
        o.setExperimentalOption("prefs", prefs);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(chromedriver)).usingAnyFreePort().build();
        ChromeDriver d = new ChromeDriver(service, o);
        d.executeCdpCommand("Browser.setDownloadBehavior", Map.of("behavior", "allow",
                "downloadPath", downloadDir.toAbsolutePath().toString()));
        return d;
    }

    @Test
    void signInUploadWatchCancelDownload() throws Exception {
        ApiClient api = new ApiClient(stack.baseUrl());
        String token = api.token(USER, "in");

        // ---- sign in --------------------------------------------------------------------------------------
        driver.get(stack.baseUrl() + "/");
        waitFor(Duration.ofSeconds(20), "page ready", () -> "true".equals(js("return document.documentElement.dataset.ready")));
        assertThat(byId("signin").isDisplayed()).isTrue();
        assertThat(new Select(byId("signin-region")).getOptions()).extracting(WebElement::getText)
                .containsExactly("IN", "US", "UK");
        assertThat(labelsMissing()).as("form controls without a label").isEmpty();
        byId("signin-user").sendKeys("bad name!");
        byId("signin-submit").click();
        assertThat(byId("signin-error").getText()).contains("user name");
        byId("signin-user").clear();
        byId("signin-user").sendKeys(USER);
        new Select(byId("signin-region")).selectByValue("in");
        byId("signin-submit").click();
        waitFor(Duration.ofSeconds(30), "workspace", () -> byId("workspace").isDisplayed());
        assertThat(byId("account-user").getText()).isEqualTo(USER);
        assertThat(byId("account-region").getText()).isEqualToIgnoringCase("in");
        assertThat((String) js("return sessionStorage.getItem('fileconv.session')")).contains("\"token\"");
        assertThat(byId("dropzone-hint").getText()).contains(".docx").contains("20 MB");
        // The list is kept current by GET /api/v1/events, not by polling.
        waitFor(Duration.ofSeconds(20), "live status stream", () -> "stream".equals(
                js("return document.documentElement.dataset.live")));

        // ---- keyboard: Enter and Space on the drop zone open the file picker -------------------------------
        js("window.__picker = 0; window.__pick = e => { window.__picker++; e.preventDefault(); };"
                + " document.getElementById('file-input').addEventListener('click', window.__pick);");
        byId("dropzone").sendKeys(Keys.ENTER);
        byId("dropzone").sendKeys(Keys.SPACE);
        assertThat(((Number) js("return window.__picker")).intValue()).isEqualTo(2);
        assertThat(js("return document.activeElement.id")).isEqualTo("dropzone");
        js("document.getElementById('file-input').removeEventListener('click', window.__pick);");

        // ---- hold both converter workers so that uploads stay queued -------------------------------------
        holds.add(WorkerHold.take(stack, "hold-1"));
        holds.add(WorkerHold.take(stack, "hold-2"));
        waitFor(Duration.ofSeconds(60), "both workers waiting on the test's locks", () -> lockWaits() >= 2);

        // ---- upload with the file picker: three documents to convert, one to cancel, three refused ---------
        Path docx = write("report.docx", SampleDocuments.docx().bytes());
        Path csv = write("table.csv", SampleDocuments.csv().bytes());
        Path html = write("page.html", SampleDocuments.html().bytes());
        Path cancelMe = write("cancel-me.txt", "This file is cancelled before it converts.\n".getBytes(StandardCharsets.UTF_8));
        Path exe = write("setup.exe", new byte[]{'M', 'Z', 0, 0, 1, 2, 3});
        Path empty = write("empty.txt", new byte[0]);
        Path huge = work.resolve("huge.txt");
        try (RandomAccessFile f = new RandomAccessFile(huge.toFile(), "rw")) {
            f.setLength((20L << 20) + 1); // one byte over the stack's 20 MB limit
        }
        byId("file-input").sendKeys(String.join("\n", List.of(docx, csv, html, cancelMe, exe, empty, huge).stream()
                .map(p -> p.toAbsolutePath().toString()).toList()));

        // refused in the browser, each with its own message, before anything is sent
        assertThat(uploadMessage("setup.exe")).contains("Refused").contains("“.exe” files are not accepted");
        assertThat(uploadMessage("empty.txt")).contains("Refused").contains("empty");
        assertThat(uploadMessage("huge.txt")).contains("Refused").contains("too large").contains("20,971,521 bytes");

        // ---- drag and drop: a password-protected ODT (fails in the converter) and junk named .docx (refused
        // by the server, whose problem detail is shown) --------------------------------------------------------
        byte[] junk = new byte[40_000];
        new Random(7).nextBytes(junk);
        dropFiles(Map.of("secret.odt", encryptedOdt(), "random.docx", junk));
        waitFor(Duration.ofSeconds(20), "server refusal shown", () -> uploadMessage("random.docx").contains("Refused"));
        assertThat(uploadMessage("random.docx")).contains("cannot be converted");

        // everything accepted is listed and waits in the queue
        List<String> accepted = List.of("report.docx", "table.csv", "page.html", "cancel-me.txt", "secret.odt");
        waitFor(Duration.ofSeconds(30), "accepted files queued", () -> accepted.stream()
                .allMatch(n -> List.of("uploaded", "queued").contains(status(n))));
        waitFor(Duration.ofSeconds(30), "queued", () -> "queued".equals(status("cancel-me.txt")));
        assertThat(rowText("report.docx")).contains("Word").contains("Cancel");
        assertThat(rowText("table.csv")).contains("CSV");
        assertThat(rowText("page.html")).contains("HTML");
        screenshot("ui-queued.png");

        // ---- cancel while queued --------------------------------------------------------------------------
        row("cancel-me.txt").findElement(By.cssSelector("button[data-action=cancel]")).click();
        waitFor(Duration.ofSeconds(30), "cancelled", () -> "cancelled".equals(status("cancel-me.txt")));
        String cancelledId = row("cancel-me.txt").getAttribute("data-id");
        assertThat(api.awaitTerminal(token, cancelledId, Duration.ofSeconds(5)).get("status").asText()).isEqualTo("cancelled");
        assertThat(row("cancel-me.txt").findElements(By.cssSelector("button")))
                .extracting(b -> b.getAttribute("data-action")).containsExactly("delete");

        // ---- let one worker go: the rest converts (or fails), live, without reloading ---------------------
        // Count the page's list and status reads from here on: with the stream open there are none.
        // Status and list reads only (a file's PDF and thumbnail are content, fetched once each).
        js("window.__reads = 0; const f = window.fetch; window.fetch = (u, o) => {"
                + " if (/^\\/api\\/v1\\/files(\\?|\\/[^/?]+$)/.test(String(u))"
                + " && (!o || !o.method || o.method === 'GET')) window.__reads++; return f(u, o); };");
        holds.remove(0).release();
        waitFor(CONVERT_WAIT, "three converted and one failed", () -> List.of("report.docx", "table.csv", "page.html")
                .stream().allMatch(n -> "converted".equals(status(n))) && "failed".equals(status("secret.odt")));
        assertThat(rowText("secret.odt")).contains("password");
        assertThat(rowText("report.docx")).containsPattern("took \\d");
        assertThat(status("cancel-me.txt")).isEqualTo("cancelled");
        assertThat(stack.conversionLog().lines()).noneMatch(l -> l.contains(cancelledId));
        assertThat(byId("live").getDomProperty("textContent")).isNotBlank();
        assertThat(((Number) js("return window.__reads")).intValue()).as("status reads while the stream was open")
                .isZero();
        js("document.getElementById('status-filter').dispatchEvent(new Event('change'));"); // a reload is counted
        waitFor(Duration.ofSeconds(30), "the counter sees a list read", () -> ((Number) js("return window.__reads"))
                .intValue() > 0);
        assertThat(byId("files").getText()).doesNotContain("null").doesNotContain("undefined");

        // ---- download through the page (fetch with the bearer token, saved as a blob) ---------------------
        row("report.docx").findElement(By.cssSelector("button[data-action=download]")).click();
        Path pdf = downloads.resolve("report.pdf");
        waitFor(Duration.ofSeconds(20), "report.pdf downloaded", () -> Files.isRegularFile(pdf) && sizeOf(pdf) > 0);
        byte[] head = Files.readAllBytes(pdf);
        assertThat(new String(head, 0, 5, StandardCharsets.US_ASCII)).isEqualTo("%PDF-");

        // ---- the list shows the first page (fetched with the token into a blob URL) and can open the PDF ------
        waitFor(Duration.ofSeconds(20), "report.docx thumbnail", () -> {
            List<WebElement> img = row("report.docx").findElements(By.cssSelector("img.thumb"));
            return !img.isEmpty() && ((Number) js("return arguments[0].complete ? arguments[0].naturalWidth : 0",
                    img.get(0))).intValue() == 320;
        });
        assertThat(row("report.docx").findElement(By.cssSelector("img.thumb")).getAttribute("src")).startsWith("blob:");
        assertThat(row("secret.odt").findElements(By.cssSelector("img.thumb"))).isEmpty();
        assertThat(row("report.docx").findElements(By.cssSelector("button[data-action=view]"))).hasSize(1);

        // ---- a converting and a queued file for the picture: a slower document is held after its claim -----
        Path slow = write("ledger.csv", slowCsv());
        byId("file-input").sendKeys(slow.toAbsolutePath().toString());
        String slowId = awaitRowId("ledger.csv");
        boolean heldConverting = holdWhileConverting(slowId, Duration.ofSeconds(60));
        Path later = write("later.txt", "Waits in the queue while the workers are busy.\n".getBytes(StandardCharsets.UTF_8));
        byId("file-input").sendKeys(later.toAbsolutePath().toString());
        waitFor(Duration.ofSeconds(30), "later.txt queued", () -> "queued".equals(status("later.txt")));
        if (heldConverting) {
            waitFor(Duration.ofSeconds(30), "ledger.csv converting", () -> "converting".equals(status("ledger.csv")));
        }
        fullPageScreenshot("ui.png", 1280);
        Files.copy(SCREENSHOTS.resolve("ui.png"), SCREENSHOTS.resolve("ui-all-states.png"), StandardCopyOption.REPLACE_EXISTING);

        // ---- phone width: nothing overflows horizontally ----------------------------------------------------
        driver.manage().window().setSize(new Dimension(360, 900));
        waitFor(Duration.ofSeconds(30), "relayout", () -> ((Number) js("return window.innerWidth")).intValue() <= 360);
        long overflow = ((Number) js("return document.documentElement.scrollWidth - window.innerWidth")).longValue();
        fullPageScreenshot("ui-phone.png", 360);
        assertThat(overflow).as("horizontal overflow at 360 px").isLessThanOrEqualTo(0);
        driver.manage().window().setSize(new Dimension(1280, 1400));

        // ---- release everything: the held files finish too ------------------------------------------------
        releaseAll();
        waitFor(CONVERT_WAIT, "ledger and later converted", () -> "converted".equals(status("ledger.csv"))
                && "converted".equals(status("later.txt")));

        // ---- paging: more files than one page -----------------------------------------------------------
        for (int i = 0; i < 15; i++) {
            api.uploadOk(token, "page-" + i + ".txt", ("paging " + i).getBytes(StandardCharsets.UTF_8));
        }
        driver.navigate().refresh();
        waitFor(Duration.ofSeconds(20), "first page", () -> driver.findElements(By.cssSelector("#files li.file")).size() == 20);
        assertThat(byId("load-more").isDisplayed()).isTrue();
        byId("load-more").click();
        waitFor(Duration.ofSeconds(20), "second page", () -> driver.findElements(By.cssSelector("#files li.file")).size() == 22);
        waitFor(Duration.ofSeconds(30), "no more pages", () -> !byId("load-more").isDisplayed());
        JsonNode all = ApiClient.json(api.get(token, "/api/v1/files?limit=100").body());
        assertThat(all.get("items")).hasSize(22);

        // ---- PDF options from the upload form: applied and shown; a bad value refused by the server --------
        byId("pdf-options").findElement(By.tagName("summary")).click();
        byId("opt-pageRanges").sendKeys("2");
        new Select(byId("opt-landscape")).selectByValue("true");
        Path paged = write("paged.docx", SampleDocuments.pagedDocx(3).bytes());
        byId("file-input").sendKeys(paged.toAbsolutePath().toString());
        waitFor(CONVERT_WAIT, "paged.docx converted", () -> "converted".equals(status("paged.docx")));
        assertThat(rowText("paged.docx")).contains("pages 2, landscape");
        screenshot("ui-options.png");
        JsonNode pagedStatus = api.status(token, row("paged.docx").getAttribute("data-id"));
        assertThat(pagedStatus.get("options").toString()).isEqualTo("{\"pageRanges\":\"2\",\"landscape\":true}");
        byId("opt-quality").sendKeys("0");
        Path refused = write("refused.txt", "Refused for its options.\n".getBytes(StandardCharsets.UTF_8));
        byId("file-input").sendKeys(refused.toAbsolutePath().toString());
        waitFor(Duration.ofSeconds(20), "server refusal of the option", () -> uploadMessage("refused.txt").contains("Refused"));
        assertThat(uploadMessage("refused.txt")).contains("quality must be a whole number from 1 to 100");
        byId("options-form").findElement(By.id("opt-quality")).clear();
        // ---- delete with confirmation: dismissed keeps the file, accepted removes it (404 afterwards) ----------
        row("cancel-me.txt").findElement(By.cssSelector("button[data-action=delete]")).click();
        assertThat(driver.switchTo().alert().getText()).contains("Delete cancel-me.txt?");
        driver.switchTo().alert().dismiss();
        assertThat(api.get(token, "/api/v1/files/" + cancelledId).statusCode()).isEqualTo(200);
        row("cancel-me.txt").findElement(By.cssSelector("button[data-action=delete]")).click();
        driver.switchTo().alert().accept();
        waitFor(Duration.ofSeconds(30), "cancel-me.txt gone from the list", () -> driver.findElements(
                By.cssSelector("#files li.file[data-name=" + cssName("cancel-me.txt") + "]")).isEmpty());
        assertThat(api.get(token, "/api/v1/files/" + cancelledId).statusCode()).isEqualTo(404);

        // ---- sign out -------------------------------------------------------------------------------------
        byId("sign-out").click();
        waitFor(Duration.ofSeconds(30), "sign-in screen", () -> byId("signin").isDisplayed());
        assertThat(js("return sessionStorage.getItem('fileconv.session')")).isNull();
        assertThat(byId("workspace").isDisplayed()).isFalse();
    }

    // ---- holding converter workers (test-only) ----------------------------------------------------------

    /** A placeholder file row, locked by the test, that one converter worker is launched on and waits for. */
    record WorkerHold(Connection lock, String id) {
        static WorkerHold take(EmbeddedStack stack, String name) throws Exception {
            Region region = Region.UK;
            String id = Ids.newId();
            String user = "ui-worker-hold";
            try (Connection c = stack.files(region).dataSource().getConnection();
                 PreparedStatement ps = c.prepareStatement("INSERT INTO files (id, user_id, original_name, detected_type,"
                         + " size_bytes, sha256, input_key, output_key, status, attempts, created_at, updated_at, queued_at)"
                         + " VALUES (?,?,?,'text/plain',1,?,?,?,'QUEUED',1,UTC_TIMESTAMP(3),UTC_TIMESTAMP(3),UTC_TIMESTAMP(3))")) {
                ps.setString(1, id);
                ps.setString(2, user);
                ps.setString(3, name + ".txt");
                ps.setString(4, "0".repeat(64));
                ps.setString(5, S3Keys.input(user, id));
                ps.setString(6, S3Keys.output(user, id));
                ps.executeUpdate();
            }
            Connection lock = stack.files(region).dataSource().getConnection();
            lock.setAutoCommit(false);
            try (PreparedStatement ps = lock.prepareStatement("SELECT id FROM files WHERE id=? FOR UPDATE")) {
                ps.setString(1, id);
                ps.executeQuery().close();
            }
            stack.launcher().launch(new ConversionRequest(id, user, region, region.defaultBucket(),
                    S3Keys.input(user, id), S3Keys.output(user, id), 1, "text/plain", "ui-test-hold"));
            return new WorkerHold(lock, id);
        }

        /** Deletes the placeholder: the waiting claim then finds nothing to claim and the worker moves on. */
        void release() {
            try (lock) {
                try (PreparedStatement ps = lock.prepareStatement("DELETE FROM files WHERE id=?")) {
                    ps.setString(1, id);
                    ps.executeUpdate();
                }
                lock.commit();
            } catch (Exception e) {
                throw new IllegalStateException("could not release worker hold " + id, e);
            }
        }
    }

    static void releaseAll() {
        while (!holds.isEmpty()) {
            holds.remove(0).release();
        }
        while (!rowLocks.isEmpty()) {
            try (Connection c = rowLocks.remove(0)) {
                c.rollback();
            } catch (Exception e) {
                System.err.println("releasing a row lock failed: " + e);
            }
        }
    }

    /** Number of transactions waiting for a lock in the embedded MariaDB (our held workers). */
    static int lockWaits() {
        try (Connection c = stack.files(Region.UK).dataSource().getConnection();
             ResultSet rs = c.createStatement().executeQuery(
                     "SELECT COUNT(*) FROM information_schema.INNODB_TRX WHERE trx_state='LOCK WAIT'")) {
            rs.next();
            return rs.getInt(1);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Waits until the file is CONVERTING, then locks its row so the worker's CONVERTING -> CONVERTED waits for the
     * test: the page can be photographed with a file in "converting". False if it finished before the lock.
     */
    static boolean holdWhileConverting(String id, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            String s = stack.files(Region.IN).find(id).orElseThrow().status().name();
            if (s.equals("CONVERTING")) {
                Connection lock = stack.files(Region.IN).dataSource().getConnection();
                lock.setAutoCommit(false);
                rowLocks.add(lock);
                try (PreparedStatement ps = lock.prepareStatement("SELECT status FROM files WHERE id=? FOR UPDATE")) {
                    ps.setString(1, id);
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        return rs.getString(1).equals("CONVERTING");
                    }
                }
            }
            if (!s.equals("UPLOADED") && !s.equals("QUEUED")) {
                return false;
            }
            Thread.sleep(20);
        }
        return false;
    }

    // ---- documents ------------------------------------------------------------------------------------

    /** An ODT whose content is encrypted (manifest encryption-data): the converter fails it as password protected. */
    static byte[] encryptedOdt() throws Exception {
        // The manifest declares encrypted content: the converter recognises a password-protected document.
        return SampleDocuments.odfPackage("application/vnd.oasis.opendocument.text", Map.of(
                "META-INF/manifest.xml", ("<manifest:manifest xmlns:manifest=\"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0\">"
                        + "<manifest:file-entry manifest:full-path=\"/\" manifest:media-type=\"application/vnd.oasis.opendocument.text\"/>"
                        + "<manifest:file-entry manifest:full-path=\"content.xml\" manifest:media-type=\"text/xml\">"
                        + "<manifest:encryption-data manifest:checksum-type=\"SHA1/1K\"/></manifest:file-entry>"
                        + "</manifest:manifest>").getBytes(StandardCharsets.UTF_8),
                "content.xml", new byte[]{1, 2, 3, 4}));
    }

    /** A CSV that takes LibreOffice a few seconds, long enough to see it converting. */
    static byte[] slowCsv() {
        StringBuilder sb = new StringBuilder("id,item,amount\n");
        for (int i = 0; i < 20_000; i++) {
            sb.append(i).append(",ledger line ").append(i).append(',').append(i * 31 % 977).append('\n');
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    // ---- page helpers ---------------------------------------------------------------------------------

    static Path write(String name, byte[] bytes) throws Exception {
        return Files.write(work.resolve(name), bytes);
    }

    static long sizeOf(Path p) {
        try {
            return Files.size(p);
        } catch (Exception e) {
            return -1;
        }
    }

    static Object js(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    static WebElement byId(String id) {
        return driver.findElement(By.id(id));
    }

    static String cssName(String name) {
        return "'" + name.replace("'", "\\'") + "'";
    }

    static WebElement row(String name) {
        return driver.findElement(By.cssSelector("#files li.file[data-name=" + cssName(name) + "]"));
    }

    static String status(String name) {
        List<WebElement> r = driver.findElements(By.cssSelector("#files li.file[data-name=" + cssName(name) + "]"));
        return r.isEmpty() ? null : r.get(0).getAttribute("data-status");
    }

    static String rowText(String name) {
        return row(name).getText();
    }

    static String awaitRowId(String name) {
        waitFor(Duration.ofSeconds(30), name + " listed", () -> status(name) != null);
        return row(name).getAttribute("data-id");
    }

    static String uploadMessage(String name) {
        List<WebElement> r = driver.findElements(By.cssSelector("#uploads li.upload[data-name=" + cssName(name) + "]"));
        return r.isEmpty() ? "" : r.get(0).getText();
    }

    /** Form controls that have no accessible name from a label, aria-label or aria-labelledby. */
    @SuppressWarnings("unchecked")
    static List<String> labelsMissing() {
        return (List<String>) js("return [...document.querySelectorAll('input:not([type=hidden]), select, textarea')]"
                + ".filter(e => e.getAttribute('aria-hidden') !== 'true')"
                + ".filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label')"
                + " && !e.getAttribute('aria-labelledby')).map(e => e.id || e.name)");
    }

    /** Drops files on the drop zone as a user's drag and drop would (a DataTransfer carrying File objects). */
    static void dropFiles(Map<String, byte[]> files) {
        Map<String, String> b64 = new HashMap<>();
        files.forEach((n, b) -> b64.put(n, Base64.getEncoder().encodeToString(b)));
        js("const dt = new DataTransfer();"
                + "for (const [name, data] of Object.entries(arguments[0])) {"
                + "  const bin = atob(data); const bytes = new Uint8Array(bin.length);"
                + "  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);"
                + "  dt.items.add(new File([bytes], name));"
                + "}"
                + "const zone = document.getElementById('dropzone');"
                + "for (const type of ['dragenter', 'dragover', 'drop']) {"
                + "  zone.dispatchEvent(new DragEvent(type, {bubbles: true, cancelable: true, dataTransfer: dt}));"
                + "}", b64);
    }

    static void screenshot(String name) throws Exception {
        Files.write(SCREENSHOTS.resolve(name), driver.getScreenshotAs(OutputType.BYTES));
    }

    /** The whole page: the window is made as tall as the document for the shot. */
    static void fullPageScreenshot(String name, int width) throws Exception {
        long height = ((Number) js("return Math.max(document.documentElement.scrollHeight, document.body.scrollHeight)"))
                .longValue();
        Dimension before = driver.manage().window().getSize();
        driver.manage().window().setSize(new Dimension(width, (int) Math.min(4000, height + 140)));
        Thread.sleep(300);
        screenshot(name);
        driver.manage().window().setSize(before);
    }

    interface Check {
        boolean ok() throws Exception;
    }

    static void waitFor(Duration timeout, String what, Check check) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Exception last = null;
        while (System.nanoTime() < deadline) {
            try {
                if (check.ok()) {
                    return;
                }
                last = null;
            } catch (Exception e) {
                last = e;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        try {
            screenshot("failure-" + what.replaceAll("[^A-Za-z0-9]+", "-") + ".png");
        } catch (Exception ignored) {
            // the failure below matters more
        }
        throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for: " + what
                + (last == null ? "" : " (last error: " + last + ")") + shownAlerts());
    }

    /** The page's visible alerts (a sign-in or upload error), which usually say why a wait failed. */
    static String shownAlerts() {
        try {
            Object texts = js("return [...document.querySelectorAll('[role=alert]')].filter(e => !e.hidden"
                    + " && e.textContent.trim()).map(e => e.id + ': ' + e.textContent.trim()).join('; ')");
            return texts == null || texts.toString().isEmpty() ? "" : " (page shows: " + texts + ")";
        } catch (RuntimeException e) {
            return "";
        }
    }
}
