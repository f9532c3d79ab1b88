package io.fileconv.converter;

import com.sun.star.document.MacroExecMode;
import com.sun.star.document.UpdateDocMode;
import io.fileconv.core.ConversionFailure;
import io.fileconv.core.FailureClass;
import io.fileconv.core.options.PdfOptions;
import org.jodconverter.core.office.OfficeException;
import org.jodconverter.local.LocalConverter;
import org.jodconverter.local.filter.FilterChain;
import org.jodconverter.local.filter.NoopFilter;
import org.jodconverter.local.filter.UnmodifiableFilterChain;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/**
 * Converts one local file to PDF on the warm pool, mapping every way it can fail to a {@link FailureClass}. A
 * document's time limit counts only the time its office process works on it ({@link TimedRun}), never a wait for
 * a free or (re)starting process.
 */
public final class DocumentConverter {
    private static final int OFFICE_RESTART_RETRIES = 3;
    /** Fires the time limits of all conversions; the work it does (killing a process) is short. */
    private static final ScheduledExecutorService CLOCK = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "office-time-limit");
        t.setDaemon(true);
        return t;
    });

    private final OfficePool pool;
    private final Map<String, Object> load;

    public DocumentConverter(OfficePool pool) {
        this.pool = pool;
        this.load = loadProperties();
    }

    /** How every document is loaded (package-private for the isolation tests, which load documents the same way). */
    static Map<String, Object> loadProperties() {
        Map<String, Object> load = new HashMap<>();
        load.put("Hidden", true);
        load.put("ReadOnly", true);
        // Never refresh links (OLE, DDE, linked images and sections) and never run a macro of the document.
        load.put("UpdateDocMode", UpdateDocMode.NO_UPDATE);
        load.put("MacroExecutionMode", MacroExecMode.NEVER_EXECUTE);
        // An empty password makes protected documents fail at once instead of waiting for an interaction.
        load.put("Password", "");
        return Map.copyOf(load);
    }

    /** The load properties of one conversion: the document's password, when given, for this conversion only. */
    private Map<String, Object> loadFor(String password) {
        if (password == null) {
            return load;
        }
        Map<String, Object> withPassword = new HashMap<>(load);
        withPassword.put("Password", password);
        return withPassword;
    }

    private LocalConverter converterFor(TimedRun run, PdfOptions options, Map<String, Object> loadProperties) {
        return LocalConverter.builder()
                .officeManager(run)
                .applyDefaultLoadProperties(false)
                .loadProperties(loadProperties)
                // JODConverter's default chain refreshes the document (fields, indexes, links) before export; that
                // would update links we promised never to update, and it crashes LibreOffice 7.4 headless on some
                // documents (HTML with images, ODT with a table of contents). Export what the document contains.
                .filterChain(filters(options))
                .build();
    }

    /**
     * Only the page orientation changes the loaded document, and only when asked. An unmodifiable chain, because
     * {@code filterChain(Filter...)} builds a DefaultFilterChain that appends JODConverter's RefreshFilter.
     */
    private static FilterChain filters(PdfOptions options) {
        return options.landscape() == null ? NoopFilter.CHAIN
                : new UnmodifiableFilterChain(new PageOrientationFilter(options.landscape()));
    }

    /**
     * @param input file whose extension selects LibreOffice's import filter
     * @return conversion time in milliseconds
     */
    public long convert(Path input, Path output) throws ConversionFailure {
        return convert(input, output, new Cancellation());
    }

    /**
     * @param cancelled checked before each retry: a conversion whose office process was killed because the user
     *                  cancelled it must not be started again on the fresh process
     */
    public long convert(Path input, Path output, BooleanSupplier cancelled) throws ConversionFailure {
        return convert(input, output, new Cancellation(cancelled));
    }

    /** @param cancellation stops this conversion (its office process is killed) when cancelled from another thread */
    public long convert(Path input, Path output, Cancellation cancellation) throws ConversionFailure {
        return convert(input, output, cancellation, null);
    }

    /**
     * @param limit this document's time limit, or null for the pool's; JODConverter's backstop (the pool's limit
     *              plus a whole office start) still applies above it
     */
    public long convert(Path input, Path output, Cancellation cancellation, Duration limit) throws ConversionFailure {
        return convert(input, output, cancellation, limit, PdfOptions.NONE);
    }

    /** @param options the upload's PDF options (export filter data, page orientation) */
    public long convert(Path input, Path output, Cancellation cancellation, Duration limit, PdfOptions options)
            throws ConversionFailure {
        return convert(input, output, cancellation, limit, options, null);
    }

    /** @param password opens an encrypted document (null: none given); used for this conversion only */
    public long convert(Path input, Path output, Cancellation cancellation, Duration limit, PdfOptions options,
                        String password) throws ConversionFailure {
        Duration timeLimit = limit == null ? pool.config().taskTimeout() : limit;
        boolean encrypted;
        try {
            if (Files.size(input) == 0) {
                throw new ConversionFailure(FailureClass.BAD_INPUT, "the file is empty");
            }
            PackageCheck.requireReadableDirectory(input);
            encrypted = EncryptionSniffer.isPasswordProtected(input);
            if (encrypted && password == null) {
                throw new ConversionFailure(FailureClass.PASSWORD_PROTECTED, PasswordReasons.MISSING);
            }
            if (input.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".svg")) {
                SvgGuard.neutralise(input);
            }
        } catch (IOException e) {
            throw QuietFailures.of(FailureClass.INTERNAL, "could not read the input", e);
        }
        OfficeProcess office;
        try {
            office = pool.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConversionFailure(FailureClass.INTERNAL, "interrupted while waiting for an office process", e);
        }
        try {
            long ms = convertOn(office, input, output, cancellation, timeLimit, options, loadFor(password));
            verifyPdf(output);
            return ms;
        } catch (ConversionFailure f) {
            // LibreOffice reports a wrong password as a document it could not load.
            throw encrypted && f.failureClass() == FailureClass.BAD_INPUT
                    ? new ConversionFailure(FailureClass.PASSWORD_PROTECTED, PasswordReasons.WRONG) : f;
        } finally {
            cancellation.whileRunning(null);
            pool.release(office);
        }
    }

    private long convertOn(OfficeProcess office, Path input, Path output, Cancellation cancellation, Duration limit,
                           PdfOptions options, Map<String, Object> loadProperties) throws ConversionFailure {
        for (int attempt = 1; ; attempt++) {
            if (cancellation.isCancelled()) {
                throw new ConversionFailure(FailureClass.OFFICE_CRASHED, "the conversion was cancelled");
            }
            TimedRun run = new TimedRun(office, limit, CLOCK);
            cancellation.whileRunning(run::cancel);
            long t0 = System.nanoTime();
            try {
                converterFor(run, options, loadProperties).convert(input.toFile()).to(output.toFile())
                        .as(PdfExportSettings.pdfFormat(options)).execute();
                return (System.nanoTime() - t0) / 1_000_000;
            } catch (OfficeException | CancellationException e) {
                if (run.timedOut()) {
                    throw new ConversionFailure(FailureClass.TIMEOUT, "conversion took longer than the time limit ("
                            + limit.toSeconds() + " s)", e);
                }
                ConversionFailure f = e instanceof OfficeException oe ? classify(oe, run.started())
                        : new ConversionFailure(FailureClass.OFFICE_CRASHED, "the office process was restarted", e);
                // A crash (or a restart racing with this task) is the pool's state, not this document's: JODConverter
                // restarts the process, so try again on the fresh one.
                if (f.failureClass() != FailureClass.OFFICE_CRASHED || attempt >= OFFICE_RESTART_RETRIES
                        || Thread.currentThread().isInterrupted() || cancellation.isCancelled()) {
                    throw f;
                }
            }
        }
    }

    /** @param started whether the office process began working on the document (else its time never ran) */
    private static ConversionFailure classify(OfficeException e, boolean started) {
        StringBuilder chain = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof TimeoutException || String.valueOf(t.getMessage()).contains("did not complete within timeout")) {
                // JODConverter's backstop (limit + a whole office start) passed: only the document's fault if it ran.
                return started ? new ConversionFailure(FailureClass.TIMEOUT, "conversion took longer than the time limit", e)
                        : new ConversionFailure(FailureClass.OFFICE_CRASHED, "no office process became available", e);
            }
            if (t instanceof CancellationException || String.valueOf(t.getMessage()).contains("Task was cancelled")) {
                return new ConversionFailure(FailureClass.OFFICE_CRASHED, "the office process was restarted", e);
            }
            chain.append(' ').append(t.getMessage());
        }
        String msg = chain.toString();
        if (msg.contains("Could not open document") || msg.contains("Could not load document")
                || msg.contains("Unsupported URL") || msg.contains("loadComponentFromURL")) {
            return new ConversionFailure(FailureClass.BAD_INPUT,
                    "LibreOffice could not open the document: it is damaged or not what its type says", e);
        }
        if (msg.contains("disposed") || msg.contains("onnection") || msg.contains("terminated")) {
            return new ConversionFailure(FailureClass.OFFICE_CRASHED, "the office process stopped during conversion", e);
        }
        return QuietFailures.of(FailureClass.INTERNAL, "LibreOffice could not convert the document", e);
    }

    /** soffice can report success without writing a usable PDF; check what is on disk. */
    private static void verifyPdf(Path output) throws ConversionFailure {
        try {
            if (!Files.exists(output) || Files.size(output) < 5) {
                throw new ConversionFailure(FailureClass.BAD_INPUT, "LibreOffice produced no PDF for this document");
            }
            byte[] head = new byte[5];
            try (InputStream in = Files.newInputStream(output)) {
                in.readNBytes(head, 0, 5);
            }
            if (!new String(head, StandardCharsets.US_ASCII).equals("%PDF-")) {
                throw new ConversionFailure(FailureClass.INTERNAL, "the output is not a PDF");
            }
        } catch (IOException e) {
            throw QuietFailures.of(FailureClass.INTERNAL, "could not read the output", e);
        }
    }
}
