package io.fileconv.core;

/**
 * Where one database server is and how to log in: the regional one (FILECONV_DB_*) or the global user directory
 * (FILECONV_DIRECTORY_DB_*, each defaulting to the regional value).
 */
public record DatabaseSettings(JdbcBaseUrl url, String user, String password) {

    public DatabaseSettings {
        if (url == null || user == null || password == null) {
            throw new IllegalArgumentException("database url, user and password are required");
        }
    }

    /** Unit tests and the embedded stack: a base URL string and credentials. */
    public static DatabaseSettings of(String url, String user, String password) {
        return new DatabaseSettings(JdbcBaseUrl.parse("FILECONV_DB_URL", url), user, password);
    }

    @Override
    public String toString() {
        return "DatabaseSettings[" + url + ", user=" + user + "]";
    }
}
