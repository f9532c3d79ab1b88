package io.fileconv.api;

import io.fileconv.core.DownloadLinks;
import io.fileconv.core.FileRecord;
import io.fileconv.core.FileStatus;
import io.fileconv.core.Ids;
import io.fileconv.core.LogContext;
import io.fileconv.core.ObjectStore;
import io.fileconv.core.S3Keys;
import io.fileconv.core.SupportedTypes;
import io.fileconv.core.deletion.DeletionReason;
import io.fileconv.core.deletion.FileEraser;
import io.fileconv.core.metrics.DeletionMetrics;
import io.fileconv.core.metrics.FileconvMetrics;
import io.fileconv.core.metrics.PipelineMetrics;
import io.fileconv.core.options.PdfOptions;
import io.fileconv.core.webhook.WebhookAddressPolicy;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.javalin.http.UploadedFile;
import org.apache.tika.io.TikaInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/** The files endpoints: upload, status, list, cancel, download, delete. */
public final class FilesController {
    private static final Logger LOG = LoggerFactory.getLogger(FilesController.class);
    private static final int MAX_PAGE = 100;
    private static final Pattern IDEMPOTENCY_KEY = Pattern.compile("^[\\x21-\\x7e]{1,128}$");

    private final CallerResolver callers;
    private final ObjectStore store;
    private final TypeDetector detector;
    private final ArchiveInspector archives;
    private final long maxUploadBytes;
    private final PipelineMetrics metrics;
    private final DownloadLinks links;
    private final UserUploadLimiter limiter;
    private final ImagePixels pixels;
    private FileEraser eraser;
    private StatusReadCache statusCache;
    private ListReadCache listCache;
    private Path spoolDir = Path.of(System.getProperty("java.io.tmpdir"));

    private WebhookAddressPolicy webhooks = WebhookAddressPolicy.publicOnly();

    public FilesController(CallerResolver callers, ObjectStore store, TypeDetector detector, ArchiveInspector archives,
                           long maxUploadBytes) {
        this(callers, store, detector, archives, maxUploadBytes, new PipelineMetrics(FileconvMetrics.none()));
    }

    /** @param metrics counts accepted uploads (fileconv_uploads_total) */
    public FilesController(CallerResolver callers, ObjectStore store, TypeDetector detector, ArchiveInspector archives,
                           long maxUploadBytes, PipelineMetrics metrics) {
        this(callers, store, detector, archives, maxUploadBytes, metrics, null);
    }

    /** @param links presigned links for GET /pdf (302), or null to stream the PDF through the API */
    public FilesController(CallerResolver callers, ObjectStore store, TypeDetector detector, ArchiveInspector archives,
                           long maxUploadBytes, PipelineMetrics metrics, DownloadLinks links) {
        this(callers, store, detector, archives, maxUploadBytes, metrics, links, null,
                new ImagePixels(UploadLimits.DEFAULT_MAX_IMAGE_PIXELS));
    }

    /**
     * @param limiter per-user upload limits (429), or null for none
     * @param pixels  the decompression-bomb check of raster images
     */
    public FilesController(CallerResolver callers, ObjectStore store, TypeDetector detector, ArchiveInspector archives,
                           long maxUploadBytes, PipelineMetrics metrics, DownloadLinks links, UserUploadLimiter limiter,
                           ImagePixels pixels) {
        this.limiter = limiter;
        this.pixels = pixels;
        this.links = links;
        this.metrics = metrics;
        this.callers = callers;
        this.store = store;
        this.detector = detector;
        this.archives = archives;
        this.maxUploadBytes = maxUploadBytes;
        this.eraser = new FileEraser(store, new DeletionMetrics(FileconvMetrics.none()));
    }

    /**
     * Status and list reads through caches the status feed keeps current (StatusReadCache, ListReadCache); without
     * them each read is a query.
     */
    void readThrough(StatusReadCache statusCache, ListReadCache listCache) {
        this.statusCache = statusCache;
        this.listCache = listCache;
    }

    /** Where uploads are kept while they are checked and stored: Jetty's multipart directory, so a spooled part moves. */
    void spoolUploadsIn(Path dir) {
        this.spoolDir = dir;
    }

    /** Who is calling, and which regions this instance serves: shared with the live status stream. */
    CallerResolver callers() {
        return callers;
    }

    /** Which webhook URLs uploads may give (FILECONV_WEBHOOK_ALLOWED_HOSTS); https to public hosts only by default. */
    public FilesController withWebhooks(WebhookAddressPolicy policy) {
        this.webhooks = policy;
        return this;
    }

    /** The webhook settings endpoints, with the same callers and URL policy as uploads. */
    public WebhookController webhookSettings() {
        return new WebhookController(callers, webhooks);
    }

    /** The deletion DELETE uses (the one the retention job and the erasure command use too), with its metrics. */
    public FilesController withEraser(FileEraser eraser) {
        this.eraser = eraser;
        return this;
    }

    public void upload(Context ctx) throws Exception {
        Caller caller = callers.resolve(ctx, true);
        String idempotencyKey = ctx.header("Idempotency-Key");
        if (idempotencyKey != null) {
            if (!IDEMPOTENCY_KEY.matcher(idempotencyKey).matches()) {
                throw Problem.badRequest("bad-idempotency-key", "Idempotency-Key must be 1-128 visible ASCII characters");
            }
            // A replay answers with the first result without reading the body again.
            var first = caller.home().files().fileOfKey(caller.userId(), idempotencyKey);
            if (first.isPresent()) {
                replay(ctx, caller, first.get());
                return;
            }
        }
        if (limiter != null) {
            limiter.admit(caller); // before the body is read: a refused upload costs no disk or S3 traffic
        }
        UploadedFile file = MultipartUpload.singleFile(ctx, maxUploadBytes);
        PdfOptions options = MultipartUpload.pdfOptions(ctx);
        String webhookUrl = ctx.formParam("webhookUrl");
        if (webhookUrl != null) {
            webhookUrl = WebhookController.checked(webhooks, webhookUrl);
        }
        String password = MultipartUpload.password(ctx);
        if (file.size() == 0) {
            throw Problem.badRequest("empty-file", "the file is empty; there is nothing to convert");
        }
        if (file.size() > maxUploadBytes) {
            throw tooLarge();
        }
        String name = FileNames.sanitize(file.filename());
        SupportedTypes.Type type;
        String id;
        String key;
        String bucket = caller.home().bucket();
        long size;
        String sha256;
        try (SpooledUpload upload = SpooledUpload.take(ctx, spoolDir)) {
            // From a stream, not the path: given a file, Tika's container detector opens the whole package with
            // POI, which takes a ZIP bomb for an unknown OOXML before ArchiveInspector can name it a bomb.
            boolean encrypted;
            try (TikaInputStream tis = TikaInputStream.get(Files.newInputStream(upload.path()))) {
                String detected = detector.detect(tis);
                encrypted = password != null && TypeDetector.encrypted(detected);
                type = encrypted ? detector.acceptEncrypted(detected, name) : detector.accept(detected, name);
            }
            // An encrypted document is an OLE container, not the zip its type names: nothing to inspect before
            // the converter decrypts it (it is converted under the same time and memory limits as any other).
            if (type.archive() && !encrypted) {
                archives.inspect(upload.path(), upload.size());
            }
            pixels.check(upload.path(), type.mediaType());
            id = Ids.newId();
            // Stays in the MDC until the request logger clears it: every later line of this request carries the file.
            LogContext.forFile(id, caller.userId(), caller.home().region(), 1, ctx.attribute("requestId"));
            key = S3Keys.input(caller.userId(), id);
            size = upload.size();
            sha256 = upload.sha256();
            store.putFile(bucket, key, upload.path(), type.mediaType());
        }
        String requestId = ctx.attribute("requestId");
        Optional<String> earlier;
        try {
            callers.confirmStillHome(caller);
            earlier = caller.home().files().insertUploaded(id, caller.userId(), name, type.mediaType(), size, sha256,
                    requestId, idempotencyKey, options, webhookUrl, password);
        } catch (Exception e) {
            store.delete(bucket, key); // no row, no object: the client may simply retry
            throw e;
        }
        if (earlier.isPresent()) {
            // Lost a race with a concurrent request carrying the same key: keep only the first file.
            store.delete(bucket, key);
            replay(ctx, caller, earlier.get());
            return;
        }
        changedHere(caller, id);
        metrics.uploaded(caller.home().region());
        LOG.info("uploaded file={} region={} type={} bytes={} request={}", id, caller.home().region().code(),
                type.canonicalExtension(), size, requestId);
        FileRecord rec = caller.home().files().find(id).orElseThrow();
        ctx.status(201).header("Location", "/api/v1/files/" + id).json(FileView.of(rec));
    }

    private static void replay(Context ctx, Caller caller, String fileId) throws Exception {
        FileRecord first = caller.home().files().find(fileId).orElseThrow(Problem::notFound);
        ctx.status(201).header("Location", "/api/v1/files/" + fileId).header("Idempotent-Replayed", "true")
                .json(FileView.of(first));
    }

    public void get(Context ctx) throws Exception {
        Caller caller = callers.resolve(ctx, false);
        String id = ctx.pathParam("id");
        if (statusCache == null || !Ids.isWellFormed(id)) {
            ctx.json(FileView.of(owned(caller, id)));
            return;
        }
        FileRecord f = statusCache.find(caller.home().region(), id, () -> caller.home().files().find(id))
                .filter(r -> r.userId().equals(caller.userId())).orElseThrow(Problem::notFound);
        ctx.json(FileView.of(f));
    }

    /** This API changed one of the caller's files: its own next reads must not come from a cache. */
    private void changedHere(Caller caller, String id) {
        if (statusCache != null) {
            statusCache.invalidate(caller.home().region(), id);
        }
        if (listCache != null) {
            listCache.userChanged(caller.home().region(), caller.userId());
        }
    }

    public void list(Context ctx) throws Exception {
        Caller caller = callers.resolve(ctx, false);
        int limit = Math.min(MAX_PAGE, Math.max(1, parseInt(ctx.queryParam("limit"), 20)));
        String cursor = ctx.queryParam("cursor");
        if (cursor != null && !Ids.isWellFormed(cursor)) {
            throw Problem.badRequest("bad-cursor", "cursor must be a file id from a previous page");
        }
        FileStatus status = null;
        String s = ctx.queryParam("status");
        if (s != null && !s.isBlank()) {
            try {
                status = FileStatus.valueOf(s.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw Problem.badRequest("bad-status", "status must be one of uploaded, queued, converting, converted,"
                        + " failed, cancelled");
            }
        }
        FileStatus filter = status;
        ListReadCache.Loader query = () -> caller.home().files().listOwned(caller.userId(), filter, cursor, limit + 1);
        List<FileRecord> page = listCache == null ? query.load()
                : listCache.page(caller.home().region(), caller.userId(), status, cursor, limit, query);
        boolean more = page.size() > limit;
        List<FileRecord> items = more ? page.subList(0, limit) : page;
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("items", items.stream().map(FileView::of).toList());
        body.put("nextCursor", more ? items.get(items.size() - 1).id() : null);
        ctx.json(body);
    }

    public void cancel(Context ctx) throws Exception {
        Caller caller = callers.resolve(ctx, true);
        String id = ctx.pathParam("id");
        FileRecord before = owned(caller, id);
        LogContext.forFile(id, caller.userId(), caller.home().region(), before.attempts(), ctx.attribute("requestId"));
        boolean applied = caller.home().files().cancel(caller.userId(), id);
        changedHere(caller, id);
        FileRecord after = caller.home().files().find(id).orElseThrow();
        if (!applied && after.status() != FileStatus.CANCELLED) {
            throw new Problem(409, "not-cancellable", "Already finished",
                    "the file is already " + after.status().apiWord() + " and can no longer be cancelled")
                    .with("fileStatus", after.status().apiWord());
        }
        LOG.info("cancel file={} from={} applied={}", id, before.status(), applied);
        ctx.status(202).json(FileView.of(after));
    }

    /**
     * DELETE: cancels the file if it is still in the pipeline, then removes its objects and its row. A repeat, or
     * another user's id, answers 404: the file is not (or no longer) there for this caller, and the effect of a
     * retried DELETE is the same as of the first.
     */
    public void delete(Context ctx) throws Exception {
        Caller caller = callers.resolve(ctx, true);
        String id = ctx.pathParam("id");
        FileRecord f = owned(caller, id);
        LogContext.forFile(id, caller.userId(), caller.home().region(), f.attempts(), ctx.attribute("requestId"));
        boolean erased = eraser.erase(caller.home().files(), caller.home().bucket(), caller.userId(), id,
                DeletionReason.API);
        changedHere(caller, id);
        if (!erased) {
            throw Problem.notFound(); // a concurrent DELETE of the same file got there first
        }
        ctx.status(204);
    }

    public void pdf(Context ctx) throws Exception {
        Caller caller = callers.resolve(ctx, false);
        FileRecord f = owned(caller, ctx.pathParam("id"));
        if (f.status() != FileStatus.CONVERTED) {
            throw new Problem(409, "not-converted", "No PDF (yet)",
                    "the file is " + f.status().apiWord() + "; a PDF is available once it is converted")
                    .with("fileStatus", f.status().apiWord());
        }
        String disposition = FileNames.contentDisposition(FileNames.pdfName(f.originalName()));
        if ("true".equals(ctx.queryParam("inline"))) {
            // ?inline=true: the browser's PDF viewer shows it instead of saving it (the web page's "view").
            disposition = "inline" + disposition.substring("attachment".length());
        }
        if (links != null) {
            // The link is a bearer credential for this one object until it expires: never cache the redirect.
            ctx.header("Cache-Control", "no-store");
            ctx.redirect(links.link(caller.home().bucket(), f.outputKey(), "application/pdf", disposition).toString(),
                    HttpStatus.FOUND);
            return;
        }
        ctx.contentType("application/pdf");
        ctx.header("Content-Disposition", disposition);
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.result(store.open(caller.home().bucket(), f.outputKey()));
    }

    /**
     * The PNG of the PDF's first page, owner only (404 otherwise, as for the PDF). 404 {@code no-thumbnail} when the
     * file is not converted or its converter could not render one (a thumbnail failure does not fail a conversion).
     */
    public void thumbnail(Context ctx) throws Exception {
        Caller caller = callers.resolve(ctx, false);
        FileRecord f = owned(caller, ctx.pathParam("id"));
        String key = S3Keys.thumbnail(f.userId(), f.id());
        if (f.status() != FileStatus.CONVERTED || !store.exists(caller.home().bucket(), key)) {
            throw new Problem(404, "no-thumbnail", "No thumbnail", "this file has no thumbnail"
                    + (f.status() == FileStatus.CONVERTED ? "" : " until it is converted"));
        }
        ctx.contentType("image/png");
        // A converted file's thumbnail never changes (a re-run writes the same page), but it is the user's data.
        ctx.header("Cache-Control", "private, max-age=86400");
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.result(store.open(caller.home().bucket(), key));
    }

    private static FileRecord owned(Caller caller, String id) throws Exception {
        if (!Ids.isWellFormed(id)) {
            throw Problem.notFound();
        }
        return caller.home().files().findOwned(caller.userId(), id).orElseThrow(Problem::notFound);
    }

    private Problem tooLarge() {
        return new Problem(413, "too-large", "File too large",
                "the file is larger than the limit of " + maxUploadBytes + " bytes").with("limitBytes", maxUploadBytes);
    }

    private static int parseInt(String s, int def) {
        try {
            return s == null ? def : Integer.parseInt(s);
        } catch (NumberFormatException e) {
            throw Problem.badRequest("bad-limit", "limit must be a number between 1 and " + MAX_PAGE);
        }
    }
}
