package io.fileconv.core;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JdbcBaseUrlTest {

    private static String url(String base, String schema) {
        return JdbcBaseUrl.parse("FILECONV_DB_URL", base).forSchema(schema);
    }

    @Test
    void theSchemaGoesIntoThePathBeforeTheOptions() {
        assertThat(url("jdbc:mysql://mysql:3306/?sslMode=VERIFY_IDENTITY", "fileconv_in"))
                .isEqualTo("jdbc:mysql://mysql:3306/fileconv_in?sslMode=VERIFY_IDENTITY");
        assertThat(url("jdbc:mysql://mysql:3306?sslMode=REQUIRED&trustCertificateKeyStoreUrl=file:/ca/ca.pem"
                        + "&trustCertificateKeyStoreType=PEM", "fileconv_directory"))
                .isEqualTo("jdbc:mysql://mysql:3306/fileconv_directory?sslMode=REQUIRED"
                        + "&trustCertificateKeyStoreUrl=file:/ca/ca.pem&trustCertificateKeyStoreType=PEM");
        assertThat(url("jdbc:mysql://mysql:3306/", "fileconv_in")).isEqualTo("jdbc:mysql://mysql:3306/fileconv_in");
        assertThat(url("jdbc:mysql://mysql", "fileconv_in")).isEqualTo("jdbc:mysql://mysql/fileconv_in");
        assertThat(url(" jdbc:mysql://a:3306,b:3306/ ", "fileconv_uk")).isEqualTo("jdbc:mysql://a:3306,b:3306/fileconv_uk");
        assertThat(url("jdbc:mysql:replication://a,b/?x=1", "fileconv_uk"))
                .isEqualTo("jdbc:mysql:replication://a,b/fileconv_uk?x=1");
    }

    @Test
    void aMariaDbUrlIsServedByConnectorJ() {
        assertThat(url("jdbc:mariadb://mariadb:3306/", "fileconv_in")).isEqualTo("jdbc:mysql://mariadb:3306/fileconv_in");
    }

    @Test
    void badUrlsAreRefusedWithTheVariableAndTheReason() {
        assertThatThrownBy(() -> JdbcBaseUrl.parse("FILECONV_DB_URL", "jdbc:postgresql://db:5432/"))
                .hasMessageContaining("FILECONV_DB_URL must start with jdbc:mysql://");
        assertThatThrownBy(() -> JdbcBaseUrl.parse("FILECONV_DIRECTORY_DB_URL", "mysql:3306"))
                .hasMessageContaining("FILECONV_DIRECTORY_DB_URL must start with jdbc:mysql://");
        assertThatThrownBy(() -> JdbcBaseUrl.parse("FILECONV_DB_URL", "jdbc:mysql:mysql:3306"))
                .hasMessageContaining("must look like jdbc:mysql://host:port/");
        assertThatThrownBy(() -> JdbcBaseUrl.parse("FILECONV_DB_URL", "jdbc:mysql:///?sslMode=REQUIRED"))
                .hasMessageContaining("names no host");
        assertThatThrownBy(() -> JdbcBaseUrl.parse("FILECONV_DB_URL", "jdbc:mysql://mysql:3306/fileconv_in"))
                .hasMessageContaining("must not name a database ('fileconv_in')");
        assertThatThrownBy(() -> JdbcBaseUrl.parse("FILECONV_DB_URL", " "))
                .hasMessageContaining("FILECONV_DB_URL is empty");
    }

    @Test
    void aPasswordInTheUrlNeverReachesAMessage() {
        assertThatThrownBy(() -> JdbcBaseUrl.parse("FILECONV_DB_URL", "jdbc:pg://db/?user=u&password=s3cret&x=1"))
                .hasMessageNotContaining("s3cret").hasMessageContaining("password=***&x=1");
        assertThat(JdbcBaseUrl.parse("X", "jdbc:mysql://db/?password=s3cret").toString()).doesNotContain("s3cret");
    }

    @Test
    void theDirectoryDefaultsToTheRegionalDatabaseSettingBySetting() {
        Env regionalOnly = new Env(Map.of("FILECONV_DB_URL", "jdbc:mysql://regional:3306/?sslMode=REQUIRED",
                "FILECONV_DB_USER", "fc", "FILECONV_DB_PASSWORD", "pw"));
        DatabaseSettings d = regionalOnly.directoryDatabase();
        assertThat(d.url().forSchema("fileconv_directory"))
                .isEqualTo("jdbc:mysql://regional:3306/fileconv_directory?sslMode=REQUIRED");
        assertThat(d.user()).isEqualTo("fc");
        assertThat(d.password()).isEqualTo("pw");

        Env split = new Env(Map.of("FILECONV_DB_URL", "jdbc:mysql://regional:3306/",
                "FILECONV_DB_USER", "fc", "FILECONV_DB_PASSWORD", "pw",
                "FILECONV_DIRECTORY_DB_URL", "jdbc:mysql://global.example:3306/?sslMode=VERIFY_IDENTITY",
                "FILECONV_DIRECTORY_DB_USER", "fc-directory", "FILECONV_DIRECTORY_DB_PASSWORD", "other"));
        assertThat(split.directoryDatabase().url().forSchema("fileconv_directory"))
                .isEqualTo("jdbc:mysql://global.example:3306/fileconv_directory?sslMode=VERIFY_IDENTITY");
        assertThat(split.directoryDatabase().user()).isEqualTo("fc-directory");
        assertThat(split.directoryDatabase().password()).isEqualTo("other");
        assertThat(split.regionalDatabase().user()).isEqualTo("fc");
        assertThatThrownBy(() -> new Env(Map.of("FILECONV_DIRECTORY_DB_URL", "postgres://x")).directoryDatabase())
                .hasMessageContaining("FILECONV_DIRECTORY_DB_URL");
    }

    @Test
    void migrateAtStartIsTrueUnlessSetToFalseAndNothingElse() {
        assertThat(new Env(Map.of()).migrateAtStart()).isTrue();
        assertThat(new Env(Map.of("FILECONV_DB_MIGRATE", "false")).migrateAtStart()).isFalse();
        assertThatThrownBy(() -> new Env(Map.of("FILECONV_DB_MIGRATE", "no")).migrateAtStart())
                .hasMessageContaining("FILECONV_DB_MIGRATE must be true or false, got 'no'");
    }
}
