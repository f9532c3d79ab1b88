package io.fileconv.api;

import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The web page's vendored libraries are the exact files public/vendor/README.md records (version and SHA-256). */
class VendoredFilesTest {
    @Test
    void oidcClientIsTheRecordedRelease() throws Exception {
        String readme = read("/public/vendor/README.md");
        Matcher row = Pattern.compile("\\| `oidc-client-ts\\.min\\.js` \\|.*\\| ([0-9.]+) \\|.*\\| `([0-9a-f]{64})` \\|")
                .matcher(readme);
        assertThat(row.find()).as("vendor/README.md lists oidc-client-ts.min.js with version and sha256").isTrue();
        byte[] file;
        try (InputStream in = VendoredFilesTest.class.getResourceAsStream("/public/vendor/oidc-client-ts.min.js")) {
            file = in.readAllBytes();
        }
        assertThat(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(file))).isEqualTo(row.group(2));
        assertThat(read("/public/vendor/oidc-client-ts.LICENSE")).contains("Apache License");
        // index.html loads it before the module that uses its global.
        assertThat(read("/public/index.html")).contains("<script src=\"vendor/oidc-client-ts.min.js\"></script>");
    }

    private static String read(String resource) throws Exception {
        try (InputStream in = VendoredFilesTest.class.getResourceAsStream(resource)) {
            assertThat(in).as(resource).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
