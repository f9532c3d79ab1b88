package io.fileconv.converter;

import io.fileconv.core.ConversionFailure;
import io.fileconv.core.ConversionRequest;
import io.fileconv.core.FailureClass;
import io.fileconv.core.ObjectStore;
import io.fileconv.core.SupportedTypes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * One attempt, storage to storage: download the input, convert it, upload the PDF to the key built from ids.
 * Runs in a per-file Kubernetes Job ({@link ConverterMain}); pooled converters use {@link ConversionWorker}.
 * The output key is deterministic, so a re-run after a crash overwrites the same object.
 */
public final class ConversionTask {
    private static final Logger LOG = LoggerFactory.getLogger(ConversionTask.class);

    private final ObjectStore store;
    private final DocumentConverter converter;
    private final Path scratch;

    public ConversionTask(ObjectStore store, DocumentConverter converter, Path scratch) {
        this.store = store;
        this.converter = converter;
        this.scratch = scratch;
    }

    /** @return conversion time in milliseconds (LibreOffice only, without storage transfers) */
    public long run(ConversionRequest req) throws ConversionFailure {
        return run(req, () -> false);
    }

    /** @param cancelled true once the attempt was cancelled: no retry on a restarted office process */
    public long run(ConversionRequest req, BooleanSupplier cancelled) throws ConversionFailure {
        SupportedTypes.Type type = SupportedTypes.byMediaType(req.detectedType())
                .orElseThrow(() -> new ConversionFailure(FailureClass.UNSUPPORTED,
                        "type " + req.detectedType() + " is not convertible"));
        Path dir;
        try {
            dir = Files.createTempDirectory(Files.createDirectories(scratch), "job-");
        } catch (IOException e) {
            throw QuietFailures.of(FailureClass.INTERNAL, "no scratch space", e);
        }
        try {
            Path input = dir.resolve("document." + type.canonicalExtension());
            Path output = dir.resolve("document.pdf");
            try {
                store.download(req.bucket(), req.inputKey(), input);
            } catch (IOException | RuntimeException e) {
                throw QuietFailures.of(FailureClass.STORAGE_ERROR, "could not read the upload from storage", e);
            }
            long millis = converter.convert(input, output, new Cancellation(cancelled), null, req.options());
            try {
                store.putFile(req.bucket(), req.outputKey(), output, "application/pdf");
            } catch (RuntimeException e) {
                throw QuietFailures.of(FailureClass.STORAGE_ERROR, "could not write the PDF to storage", e);
            }
            LOG.info("converted file={} attempt={} type={} ms={}", req.fileId(), req.attempt(), type.canonicalExtension(),
                    millis);
            return millis;
        } finally {
            deleteQuietly(dir);
        }
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            LOG.warn("could not clean {}", dir, e);
        }
    }
}
