package io.fileconv.api;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

/**
 * Secrets on disk (the development issuer's private key): created with owner-only rights in the same system call
 * that creates them, never chmod-ed afterwards (a reader could open the file in between), and refused when found
 * readable or writable by others (someone could have planted or copied the key).
 */
final class OwnerOnlyFiles {
    private static final Set<PosixFilePermission> OTHERS = EnumSet.of(
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    private OwnerOnlyFiles() {
    }

    static boolean posix() {
        return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    }

    /**
     * Writes {@code content} to {@code file} unless it exists: written to an owner-only temporary file beside it,
     * then hard-linked into place (link fails if the name exists, so two processes never overwrite each other).
     *
     * @return false when another process created the file first
     */
    static boolean createOnce(Path file, String content) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        if (!posix()) {
            Files.createDirectories(dir);
            try {
                Files.writeString(Files.createFile(file), content);
                return true;
            } catch (FileAlreadyExistsException e) {
                return false;
            }
        }
        Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        requireNotWritableByOthers(dir);
        FileAttribute<Set<PosixFilePermission>> ownerOnly =
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));
        Path tmp = Files.createTempFile(dir, ".key-", ".tmp", ownerOnly);
        try {
            Files.write(tmp, content.getBytes(StandardCharsets.UTF_8));
            Files.createLink(file, tmp);
            return true;
        } catch (FileAlreadyExistsException e) {
            return false;
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Refuses a secret file that others may read or write, or that lies in a directory others may write to. */
    static void requirePrivate(Path file) throws IOException {
        if (!posix()) {
            return;
        }
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
        if (perms.stream().anyMatch(OTHERS::contains)) {
            throw new IOException(file + " is accessible to other users (" + PosixFilePermissions.toString(perms)
                    + "); delete it (a new key is made at start) or chmod 600 it if it is yours");
        }
        requireNotWritableByOthers(file.toAbsolutePath().getParent());
    }

    private static void requireNotWritableByOthers(Path dir) throws IOException {
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(dir);
        if (perms.contains(PosixFilePermission.GROUP_WRITE) || perms.contains(PosixFilePermission.OTHERS_WRITE)) {
            throw new IOException(dir + " is writable by other users (" + PosixFilePermissions.toString(perms)
                    + "), who could replace the key in it; use a private directory");
        }
    }
}
