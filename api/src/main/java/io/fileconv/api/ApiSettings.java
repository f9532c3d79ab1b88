package io.fileconv.api;

import io.fileconv.core.Env;
import io.fileconv.core.Region;

import java.net.URI;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * API settings from the environment (docs/CONFIGURATION.md).
 *
 * @param host     interface to listen on; null = all (a pod), the embedded stack's loopback otherwise
 * @param jwtTypes accepted JWT {@code typ} headers (FILECONV_JWT_TYPES)
 * @param http     slow-client limits of the HTTP server
 * @param oidc     the OpenID Connect provider the web page signs in with (FILECONV_OIDC_*), or null
 */
public record ApiSettings(int port, long maxUploadBytes, String issuer, String audience, String jwksUrl,
                         boolean devIssuer, Map<Region, String> regionUrls, String host, Set<String> jwtTypes,
                         HttpLimits http, Oidc oidc) {

    /**
     * An OpenID Connect provider: its tokens are accepted (JWKS from its discovery document) and the web page signs
     * in with it as the public client {@code clientId} (authorization code + PKCE).
     */
    public record Oidc(String issuer, String clientId, String scopes) {
        /** Asked for when FILECONV_OIDC_SCOPES is unset: offline_access so that providers hand out a refresh token. */
        public static final String DEFAULT_SCOPES = "openid profile offline_access";

        static Oidc from(Env env) {
            String issuer = env.get("FILECONV_OIDC_ISSUER", null);
            if (issuer == null || issuer.isBlank()) {
                return null;
            }
            String clientId = env.get("FILECONV_OIDC_CLIENT_ID", null);
            if (clientId == null || clientId.isBlank()) {
                throw new IllegalStateException("FILECONV_OIDC_ISSUER is set but FILECONV_OIDC_CLIENT_ID is not: the web"
                        + " page needs the client id registered for it at the provider");
            }
            URI uri = URI.create(issuer.trim());
            if (uri.getScheme() == null || !(uri.getScheme().equals("https") || uri.getScheme().equals("http"))
                    || uri.getHost() == null) {
                throw new IllegalStateException("FILECONV_OIDC_ISSUER must be an http(s) URL: " + issuer);
            }
            return new Oidc(issuer.trim(), clientId.trim(), env.get("FILECONV_OIDC_SCOPES", DEFAULT_SCOPES).trim());
        }
    }

    /** All interfaces, RFC 9068 token type, default HTTP limits. */
    public ApiSettings(int port, long maxUploadBytes, String issuer, String audience, String jwksUrl,
                       boolean devIssuer, Map<Region, String> regionUrls) {
        this(port, maxUploadBytes, issuer, audience, jwksUrl, devIssuer, regionUrls, null, JwtVerifier.DEFAULT_TYPES,
                HttpLimits.defaults(), null);
    }

    public static ApiSettings from(Env env) {
        Map<Region, String> urls = new EnumMap<>(Region.class);
        for (Region r : Region.values()) {
            String u = env.get("FILECONV_REGION_URL_" + r.name(), null);
            if (u != null) {
                urls.put(r, u.endsWith("/") ? u.substring(0, u.length() - 1) : u);
            }
        }
        return new ApiSettings(env.getInt("FILECONV_PORT", 8080), env.getLong("FILECONV_MAX_UPLOAD_BYTES", 100L << 20),
                env.get("FILECONV_JWT_ISSUER", "fileconv-dev"), env.get("FILECONV_JWT_AUDIENCE", "fileconv"),
                env.get("FILECONV_JWT_JWKS_URL", null), env.getBool("FILECONV_DEV_ISSUER", false), urls,
                env.get("FILECONV_BIND_HOST", null), JwtVerifier.parseTypes(env.get("FILECONV_JWT_TYPES", "at+jwt")),
                HttpLimits.from(env), Oidc.from(env));
    }

    /**
     * {@code env} with what a development API fixes (port, size limit, the development issuer with its key under
     * {@code dataDir} so tokens survive restarts, uploads in flight under {@code dataDir}) and its defaults
     * (loopback). The embedded stack (local's ApiNode) and the API's tests start {@link ApiAssembly} with it.
     */
    public static Env development(Env env, Path dataDir, int port, long maxUploadBytes) {
        Map<String, String> vars = new HashMap<>();
        vars.put("FILECONV_PORT", Integer.toString(port));
        vars.put("FILECONV_MAX_UPLOAD_BYTES", Long.toString(maxUploadBytes));
        vars.put("FILECONV_DEV_ISSUER", "true");
        vars.put("FILECONV_DEV_KEY_FILE", devKeyFile(dataDir).toString());
        vars.put("FILECONV_MULTIPART_DIR", dataDir.resolve("multipart").toString());
        // The development issuer mints a token for anyone who asks: loopback unless FILECONV_BIND_HOST says
        // otherwise (e.g. 0.0.0.0 to let other machines in, and with them anyone who can reach the port).
        vars.put("FILECONV_BIND_HOST", env.get("FILECONV_BIND_HOST", "127.0.0.1"));
        vars.put("FILECONV_DEV_TOKEN_MINUTES", env.get("FILECONV_DEV_TOKEN_MINUTES", "480"));
        vars.put("FILECONV_DB_POOL_SIZE", env.get("FILECONV_DB_POOL_SIZE", "8"));
        return env.with(vars);
    }

    /** Where {@link #development} keeps the development issuer's key. */
    public static Path devKeyFile(Path dataDir) {
        return dataDir.resolve("keys").resolve("dev-issuer.jwk.json");
    }

    public ApiSettings withHost(String newHost) {
        return new ApiSettings(port, maxUploadBytes, issuer, audience, jwksUrl, devIssuer, regionUrls, newHost,
                jwtTypes, http, oidc);
    }
}
