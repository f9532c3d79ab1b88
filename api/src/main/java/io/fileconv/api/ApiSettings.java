package io.fileconv.api;

import io.fileconv.core.Env;
import io.fileconv.core.Region;

import java.util.EnumMap;
import java.util.Map;

/** API settings from the environment (docs/CONFIGURATION.md). */
public record ApiSettings(int port, long maxUploadBytes, String issuer, String audience, String jwksUrl,
                          boolean devIssuer, Map<Region, String> regionUrls) {

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
                env.get("FILECONV_JWT_JWKS_URL", null), env.getBool("FILECONV_DEV_ISSUER", false), urls);
    }
}
