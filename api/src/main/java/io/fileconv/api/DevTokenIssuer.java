package io.fileconv.api;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.UUID;

/**
 * The development issuer of the embedded stack: an RSA key generated at first start (kept in the data directory,
 * created owner-only: {@link OwnerOnlyFiles}) signs short-lived access tokens. The API verifies them exactly like a real issuer's.
 */
public final class DevTokenIssuer {
    public static final JOSEObjectType ACCESS_TOKEN = new JOSEObjectType("at+jwt");
    private final RSAKey key;
    private final String issuer;
    private final String audience;
    private final Duration ttl;

    public DevTokenIssuer(Path keyFile, String issuer, String audience, Duration ttl) throws IOException {
        this.issuer = issuer;
        this.audience = audience;
        this.ttl = ttl;
        this.key = loadOrCreate(keyFile);
    }

    private static RSAKey loadOrCreate(Path keyFile) throws IOException {
        try {
            if (Files.exists(keyFile)) {
                OwnerOnlyFiles.requirePrivate(keyFile);
                return RSAKey.parse(Files.readString(keyFile));
            }
            RSAKey k = new RSAKeyGenerator(2048).keyUse(KeyUse.SIGNATURE).keyID(UUID.randomUUID().toString())
                    .algorithm(JWSAlgorithm.RS256).generate();
            if (!OwnerOnlyFiles.createOnce(keyFile, k.toJSONString())) {
                // Another process created it first: use theirs, so both sign with one key.
                OwnerOnlyFiles.requirePrivate(keyFile);
                return RSAKey.parse(Files.readString(keyFile));
            }
            return k;
        } catch (ParseException | JOSEException e) {
            throw new IOException("development issuer key unusable: " + keyFile, e);
        }
    }

    public String issue(String userId, String homeRegion) {
        Instant now = Instant.now();
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(issuer).audience(audience).subject(userId)
                .issueTime(Date.from(now)).notBeforeTime(Date.from(now)).expirationTime(Date.from(now.plus(ttl)))
                .jwtID(UUID.randomUUID().toString()).claim("home_region", homeRegion).build();
        try {
            // typ at+jwt (RFC 9068): the verifier refuses other types, e.g. an ID token of the same issuer.
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).type(ACCESS_TOKEN)
                    .keyID(key.getKeyID()).build(), claims);
            jwt.sign(new RSASSASigner(key));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    public Instant expiryFromNow() {
        return Instant.now().plus(ttl);
    }

    /** The public half, as published at /api/v1/dev/jwks.json. */
    public JWKSet publicJwks() {
        return new JWKSet(key.toPublicJWK());
    }

    public JWKSource<SecurityContext> keySource() {
        return new ImmutableJWKSet<>(publicJwks());
    }

    public String issuer() {
        return issuer;
    }

    public String audience() {
        return audience;
    }
}
