package io.fileconv.converter;

import io.fileconv.core.ConversionFailure;
import io.fileconv.core.FailureClass;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * Refuses a ZIP-based document (OOXML, ODF, iWork) whose package directory cannot be read, before LibreOffice sees
 * it: LibreOffice "repairs" such a package from whatever local headers survive, which for a truncated upload
 * sometimes yields an empty or partial PDF and sometimes a load error, depending on where the file was cut.
 */
final class PackageCheck {
    private PackageCheck() {
    }

    static void requireReadableDirectory(Path file) throws ConversionFailure {
        try {
            byte[] head = new byte[4];
            try (InputStream in = Files.newInputStream(file)) {
                if (in.readNBytes(head, 0, 4) < 4 || head[0] != 'P' || head[1] != 'K' || head[2] != 3 || head[3] != 4) {
                    return;
                }
            }
            try (ZipFile zip = new ZipFile(file.toFile())) {
                zip.size();
            }
        } catch (ZipException e) {
            throw new ConversionFailure(FailureClass.BAD_INPUT,
                    "the document is damaged: its package cannot be read (truncated or corrupt)", e);
        } catch (IOException e) {
            throw QuietFailures.of(FailureClass.INTERNAL, "could not read the input", e);
        }
    }
}
