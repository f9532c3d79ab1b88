package io.fileconv.api;

import com.nimbusds.jwt.JWTClaimsSet;
import io.fileconv.core.Region;
import io.fileconv.core.UserDirectory;
import io.fileconv.core.UserIds;
import io.javalin.http.Context;

import java.sql.SQLException;
import java.util.Collection;
import java.util.Map;

/**
 * Authenticates a request and routes it to the caller's home region: served here -> that region's store;
 * served elsewhere -> 307 to that region's base URL (method and body preserved); being migrated -> 503 for
 * writes until the switch.
 */
public final class CallerResolver {
    private final JwtVerifier verifier;
    private final UserDirectory directory;
    private final Map<Region, RegionStore> served;
    private final Map<Region, String> regionUrls;
    private final Region defaultRegion;

    public CallerResolver(JwtVerifier verifier, UserDirectory directory, Map<Region, RegionStore> served,
                          Map<Region, String> regionUrls) {
        this.verifier = verifier;
        this.directory = directory;
        this.served = served;
        this.regionUrls = regionUrls;
        this.defaultRegion = served.keySet().iterator().next();
    }

    /** The regions this instance serves (the others' users are redirected). */
    public Collection<RegionStore> served() {
        return served.values();
    }

    public Caller resolve(Context ctx, boolean write) throws SQLException {
        JWTClaimsSet claims = verifier.verify(ctx.header("Authorization"));
        String user = claims.getSubject();
        if (!UserIds.isValid(user)) {
            throw Problem.unauthorized("the token's subject is not a valid user id");
        }
        Object claimed = claims.getClaim("home_region");
        Region initial = defaultRegion;
        if (claimed instanceof String s) {
            try {
                initial = Region.fromCode(s);
            } catch (IllegalArgumentException ignored) {
                // unknown claim value: fall back to this instance's region
            }
        }
        UserDirectory.Entry entry = directory.registerIfAbsent(user, initial);
        if (entry.migrating() && write) {
            throw Problem.userMigrating();
        }
        RegionStore store = served.get(entry.homeRegion());
        if (store == null) {
            String base = regionUrls.get(entry.homeRegion());
            if (base == null) {
                throw new Problem(503, "region-unavailable", "Region not reachable",
                        "your home region (" + entry.homeRegion().code() + ") is not served here");
            }
            String query = ctx.queryString();
            throw new RegionRedirect(base + ctx.path() + (query == null ? "" : "?" + query));
        }
        return new Caller(user, store);
    }

    /**
     * Asks the directory again, uncached, just before an upload's row is written: a region move that froze the user
     * while the body was streaming must not find a new row in the source after it copied the others.
     */
    public void confirmStillHome(Caller caller) throws SQLException {
        UserDirectory.Entry now = directory.find(caller.userId()).orElse(null);
        if (now == null || now.migrating() || now.homeRegion() != caller.home().region()) {
            throw Problem.userMigrating();
        }
    }

    /** Carries the 307 target out of a handler. */
    public static final class RegionRedirect extends RuntimeException {
        private final String location;

        RegionRedirect(String location) {
            super(location, null, false, false);
            this.location = location;
        }

        public String location() {
            return location;
        }
    }
}
