package io.fileconv.core;

import com.zaxxer.hikari.HikariDataSource;
import io.fileconv.core.testing.TestInfraExtension;
import io.fileconv.core.testing.TestInfra;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Options in FILECONV_DB_URL reach the driver: the same pool code connects to a MariaDB 11.4 (which
 * generates a self-signed certificate at start) in plain TCP with sslMode=DISABLED and over TLS with sslMode=REQUIRED,
 * and with VERIFY_CA checks the server against FILECONV_DB_CA_FILE.
 */
@ExtendWith(TestInfraExtension.class)
class DatabaseTlsTest {

    private static String cipher(String url) throws Exception {
        return cipher(new Env(Map.of("FILECONV_DB_URL", url, "FILECONV_DB_USER", "root")));
    }

    private static String cipher(Env env) throws Exception {
        try (HikariDataSource pool = Databases.pool(env.regionalDatabase(), "fileconv_in", 1, null, "tls-test");
             Connection c = pool.getConnection();
             ResultSet rs = c.createStatement().executeQuery("SHOW SESSION STATUS LIKE 'Ssl_cipher'")) {
            assertThat(rs.next()).isTrue();
            return rs.getString(2);
        }
    }

    @Test
    void sslModeInTheUrlDecidesWhetherTheConnectionIsEncrypted(TestInfra infra) throws Exception {
        String plain = infra.jdbcBase();
        assertThat(plain).endsWith("/?sslMode=DISABLED");
        assertThat(cipher(plain)).as("sslMode=DISABLED").isEmpty();
        assertThat(cipher(plain.replace("sslMode=DISABLED", "sslMode=REQUIRED"))).as("sslMode=REQUIRED")
                .isNotEmpty();
    }

    /** FILECONV_DB_CA_FILE is what the driver verifies against: a CA that did not sign the server is refused. */
    @Test
    void aServerCertificateNotSignedByTheConfiguredCaIsRefused(TestInfra infra, @TempDir Path dir)
            throws Exception {
        Path ks = dir.resolve("other.p12");
        Path pem = dir.resolve("other-ca.crt");
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        run(keytool, "-genkeypair", "-alias", "ca", "-keyalg", "EC", "-dname", "CN=not-the-mysql-ca", "-ext", "bc:c",
                "-keystore", ks.toString(), "-storetype", "PKCS12", "-storepass", "changeit", "-validity", "2");
        run(keytool, "-exportcert", "-rfc", "-alias", "ca", "-keystore", ks.toString(), "-storepass", "changeit",
                "-file", pem.toString());
        Env env = new Env(Map.of("FILECONV_DB_URL", infra.jdbcBase().replace("sslMode=DISABLED", "sslMode=VERIFY_CA"),
                "FILECONV_DB_USER", "root", "FILECONV_DB_CA_FILE", pem.toString()));
        // The driver itself (a pool reports only its timeout): the handshake fails on the server certificate.
        String url = env.regionalDatabase().url().forSchema("fileconv_in");
        assertThat(url).contains("sslMode=VERIFY_CA&trustCertificateKeyStoreUrl=file:");
        assertThatThrownBy(() -> DriverManager.getConnection(url, "root", "").close())
                .hasStackTraceContaining("SSLHandshakeException")
                .hasStackTraceContaining("does not chain with any of the trust anchors");
    }

    private static void run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
    }
}
