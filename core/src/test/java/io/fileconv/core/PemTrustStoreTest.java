package io.fileconv.core;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PemTrustStoreTest {
    @TempDir
    Path dir;

    /** A CA certificate in PEM, made by the JDK's keytool as an operator would get one from a Secret. */
    private Path pemCa() throws Exception {
        Path ks = dir.resolve("ca.p12");
        Path pem = dir.resolve("ca.crt");
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        run(keytool, "-genkeypair", "-alias", "ca", "-keyalg", "EC", "-dname", "CN=test-mysql-ca", "-ext", "bc:c",
                "-keystore", ks.toString(), "-storetype", "PKCS12", "-storepass", "changeit", "-validity", "2");
        run(keytool, "-exportcert", "-rfc", "-alias", "ca", "-keystore", ks.toString(), "-storepass", "changeit",
                "-file", pem.toString());
        return pem;
    }

    private static void run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
    }

    @Test
    void aPemCaBecomesConnectorJsTrustStoreAndTurnsVerificationOn() throws Exception {
        Path pem = pemCa();
        Env env = new Env(Map.of("FILECONV_DB_URL", "jdbc:mysql://mysql.example:3306/",
                "FILECONV_DB_CA_FILE", pem.toString()));
        String url = env.regionalDatabase().url().forSchema("fileconv_in");
        assertThat(url).startsWith("jdbc:mysql://mysql.example:3306/fileconv_in?sslMode=VERIFY_IDENTITY"
                + "&trustCertificateKeyStoreUrl=file:").contains("&trustCertificateKeyStoreType=PKCS12");
        String storeUrl = url.replaceAll(".*trustCertificateKeyStoreUrl=([^&]+).*", "$1");
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(Path.of(URI.create(storeUrl)))) {
            store.load(in, PemTrustStore.PASSWORD.toCharArray());
        }
        assertThat(store.size()).isEqualTo(1);
        assertThat(store.getCertificate(store.aliases().nextElement()).toString()).contains("CN=test-mysql-ca");
        // The directory inherits the CA, and an explicit sslMode is kept.
        Env split = new Env(Map.of("FILECONV_DB_URL", "jdbc:mysql://mysql:3306/",
                "FILECONV_DIRECTORY_DB_URL", "jdbc:mysql://global:3306/?sslMode=VERIFY_CA",
                "FILECONV_DB_CA_FILE", pem.toString()));
        assertThat(split.directoryDatabase().url().forSchema("fileconv_directory"))
                .startsWith("jdbc:mysql://global:3306/fileconv_directory?sslMode=VERIFY_CA&trustCertificateKeyStoreUrl=");
    }

    @Test
    void badCaSettingsAreRefused() throws Exception {
        Path notPem = Files.writeString(dir.resolve("x.crt"), "hello");
        assertThatThrownBy(() -> new Env(Map.of("FILECONV_DB_CA_FILE", notPem.toString())).regionalDatabase())
                .hasMessageContaining("FILECONV_DB_CA_FILE " + notPem);
        assertThatThrownBy(() -> new Env(Map.of("FILECONV_DB_CA_FILE", dir.resolve("missing").toString()))
                .regionalDatabase()).hasMessageContaining("not a readable PEM file");
        Path pem = pemCa();
        assertThatThrownBy(() -> new Env(Map.of("FILECONV_DB_CA_FILE", pem.toString(), "FILECONV_DB_URL",
                "jdbc:mysql://m/?trustCertificateKeyStoreUrl=file:/x.p12")).regionalDatabase())
                .hasMessageContaining("both name the server's CA");
    }
}
