package io.fileconv.api;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The development issuer's private key: owner-only from creation, and refused when others could read or plant it. */
class DevIssuerKeyFileTest {
    @TempDir
    Path dir;

    @BeforeEach
    void posixOnly() {
        Assumptions.assumeTrue(OwnerOnlyFiles.posix(), "POSIX permissions only");
    }

    @Test
    void keyFileAndItsDirectoryAreCreatedOwnerOnly() throws Exception {
        Path key = dir.resolve("data").resolve("keys").resolve("dev-issuer.jwk.json");
        new DevTokenIssuer(key, "fileconv-dev", "fileconv", Duration.ofMinutes(1));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key.getParent()))).isEqualTo("rwx------");
        try (var left = Files.list(key.getParent())) {
            assertThat(left).as("no temporary file left beside the key").containsExactly(key);
        }
    }

    @Test
    void aKeyReadableByOthersIsRefusedNotUsed() throws Exception {
        Path key = dir.resolve("keys").resolve("k.json");
        new DevTokenIssuer(key, "fileconv-dev", "fileconv", Duration.ofMinutes(1));
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));
        assertThatThrownBy(() -> new DevTokenIssuer(key, "fileconv-dev", "fileconv", Duration.ofMinutes(1)))
                .hasMessageContaining("accessible to other users");
    }

    @Test
    void aKeyInADirectoryOthersCanWriteIsRefused() throws Exception {
        Path shared = Files.createDirectories(dir.resolve("shared"));
        Path key = shared.resolve("k.json");
        new DevTokenIssuer(key, "fileconv-dev", "fileconv", Duration.ofMinutes(1));
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
        assertThatThrownBy(() -> new DevTokenIssuer(key, "fileconv-dev", "fileconv", Duration.ofMinutes(1)))
                .hasMessageContaining("writable by other users");
    }

    @Test
    void twoProcessesCreatingTheKeyAtOnceEndUpSigningWithTheSameOne() throws Exception {
        Path key = dir.resolve("k.json");
        assertThat(OwnerOnlyFiles.createOnce(key, "{\"first\":1}")).isTrue();
        assertThat(OwnerOnlyFiles.createOnce(key, "{\"second\":2}")).isFalse();
        assertThat(Files.readString(key)).isEqualTo("{\"first\":1}");
    }
}
