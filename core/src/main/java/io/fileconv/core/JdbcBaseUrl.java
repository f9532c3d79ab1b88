package io.fileconv.core;

import java.util.Locale;

/**
 * The server part of a MySQL JDBC URL, as FILECONV_DB_URL / FILECONV_DIRECTORY_DB_URL give it: scheme, hosts and an
 * optional query string of driver options ({@code jdbc:mysql://mysql:3306/?sslMode=VERIFY_IDENTITY}). Each pool
 * names its own schema, which goes into the path before the options.
 *
 * <p>{@code jdbc:mariadb:} is accepted for configurations written for the MariaDB driver and becomes
 * {@code jdbc:mysql:}: the application ships MySQL Connector/J only, which talks to MariaDB as well. Options in the
 * query string are then read by Connector/J (its names and values, e.g. {@code sslMode=REQUIRED}).
 */
public final class JdbcBaseUrl {
    private static final String MYSQL = "jdbc:mysql:";
    private static final String MARIADB = "jdbc:mariadb:";

    /** Everything up to the end of the host list, e.g. {@code jdbc:mysql://mysql:3306}. */
    private final String server;
    /** The query string without its '?', or empty. */
    private final String options;

    private JdbcBaseUrl(String server, String options) {
        this.server = server;
        this.options = options;
    }

    /**
     * @param setting the variable the value came from, named in the error message
     * @throws IllegalArgumentException for anything that is not a jdbc:mysql:// (or jdbc:mariadb://) URL without a
     *                                  database in its path
     */
    public static JdbcBaseUrl parse(String setting, String url) {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException(setting + " is empty; expected e.g. jdbc:mysql://mysql:3306/");
        }
        String u = url.trim();
        String lower = u.toLowerCase(Locale.ROOT);
        String rest;
        if (lower.startsWith(MYSQL)) {
            rest = u.substring(MYSQL.length());
        } else if (lower.startsWith(MARIADB)) {
            rest = u.substring(MARIADB.length());
        } else {
            throw new IllegalArgumentException(setting + " must start with jdbc:mysql:// (or jdbc:mariadb://), got '"
                    + redact(u) + "'");
        }
        // Connector/J's sub-protocols (jdbc:mysql:loadbalance://, jdbc:mysql:replication://) stay as they are.
        int slashes = rest.indexOf("//");
        if (slashes < 0 || !rest.substring(0, slashes).matches("([a-z]+:)?")) {
            throw new IllegalArgumentException(setting + " must look like jdbc:mysql://host:port/, got '" + redact(u)
                    + "'");
        }
        int hostsStart = slashes + 2;
        int query = rest.indexOf('?', hostsStart);
        int path = rest.indexOf('/', hostsStart);
        if (path > query && query >= 0) {
            path = -1; // a '/' inside the options is not the path
        }
        int hostsEnd = path >= 0 ? path : query >= 0 ? query : rest.length();
        if (hostsEnd == hostsStart) {
            throw new IllegalArgumentException(setting + " names no host: '" + redact(u) + "'");
        }
        if (path >= 0) {
            String database = rest.substring(path + 1, query >= 0 ? query : rest.length());
            if (!database.isEmpty()) {
                throw new IllegalArgumentException(setting + " must not name a database ('" + database
                        + "'): every pool adds its own schema (fileconv_<region>, fileconv_directory); end the URL at"
                        + " the port, e.g. jdbc:mysql://mysql:3306/?sslMode=VERIFY_IDENTITY");
            }
        }
        String options = query >= 0 ? rest.substring(query + 1) : "";
        return new JdbcBaseUrl(MYSQL + rest.substring(0, hostsEnd), options);
    }

    /** The URL of one schema, with the options after it. */
    public String forSchema(String schema) {
        if (schema == null || !schema.matches("[A-Za-z0-9_]+")) {
            throw new IllegalArgumentException("invalid schema name '" + schema + "'");
        }
        return server + "/" + schema + (options.isEmpty() ? "" : "?" + options);
    }

    /** The URL without a schema (the server's default database), with the options. */
    public String withoutSchema() {
        return server + "/" + (options.isEmpty() ? "" : "?" + options);
    }

    /** The same server with {@code extra} options (k=v&k=v) after the given ones. */
    public JdbcBaseUrl withOptions(String extra) {
        return new JdbcBaseUrl(server, options.isEmpty() ? extra : options + "&" + extra);
    }

    /** True when the query string sets {@code name} (Connector/J option names are case-insensitive). */
    public boolean hasOption(String name) {
        for (String kv : options.split("&")) {
            String k = kv.contains("=") ? kv.substring(0, kv.indexOf('=')) : kv;
            if (k.equalsIgnoreCase(name)) {
                return true;
            }
        }
        return false;
    }

    /** The driver options of the query string, without '?' (empty if none). */
    public String options() {
        return options;
    }

    @Override
    public String toString() {
        return redact(withoutSchema());
    }

    /** A password in the URL (Connector/J accepts password=...) must not reach logs or error messages. */
    static String redact(String url) {
        return url.replaceAll("(?i)(password\\d?=)[^&]*", "$1***");
    }
}
