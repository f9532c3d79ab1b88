package io.fileconv.converter;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * Recognises password-protected documents before LibreOffice sees them, so they fail permanently with a clear
 * reason instead of as a load error: ODF packages declare encryption in META-INF/manifest.xml, and encrypted
 * OOXML is an OLE2 compound file holding an "EncryptedPackage" stream.
 */
final class EncryptionSniffer {
    private static final byte[] OLE_MAGIC = {(byte) 0xD0, (byte) 0xCF, 0x11, (byte) 0xE0};
    private static final byte[] ENCRYPTED_PACKAGE = "EncryptedPackage".getBytes(StandardCharsets.UTF_16LE);
    private static final long MAX_SCAN = 64L * 1024 * 1024;

    private EncryptionSniffer() {
    }

    static boolean isPasswordProtected(Path file) throws IOException {
        byte[] head = new byte[4];
        try (InputStream in = Files.newInputStream(file)) {
            if (in.readNBytes(head, 0, 4) < 4) {
                return false;
            }
        }
        if (head[0] == 'P' && head[1] == 'K') {
            return odfManifestDeclaresEncryption(file);
        }
        if (Arrays.equals(head, OLE_MAGIC) && Files.size(file) <= MAX_SCAN) {
            return contains(Files.readAllBytes(file), ENCRYPTED_PACKAGE);
        }
        return false;
    }

    private static boolean odfManifestDeclaresEncryption(Path file) throws IOException {
        try (ZipFile zip = new ZipFile(file.toFile())) {
            ZipEntry manifest = zip.getEntry("META-INF/manifest.xml");
            if (manifest == null || manifest.getSize() > 4 * 1024 * 1024) {
                return false;
            }
            try (InputStream in = zip.getInputStream(manifest)) {
                String xml = new String(in.readNBytes(4 * 1024 * 1024), StandardCharsets.UTF_8);
                return xml.contains("encryption-data");
            }
        } catch (ZipException e) {
            return false;
        }
    }

    private static boolean contains(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i <= hay.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
