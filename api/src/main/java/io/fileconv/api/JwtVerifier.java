package io.fileconv.api;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;

import java.net.MalformedURLException;
import java.net.URI;
import java.util.Set;

/**
 * Verifies bearer tokens with Nimbus JOSE+JWT: signature against the issuer's JWKS (cached, refreshed on an
 * unknown key id, so rotation needs no restart), expiry and not-before with 30 s of skew, exact issuer and
 * audience, and a subject. Only RS256/ES256 are accepted, which also rules out {@code alg=none}.
 */
public final class JwtVerifier {
    private final DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();

    public JwtVerifier(JWKSource<SecurityContext> keys, String issuer, String audience) {
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256), keys));
        DefaultJWTClaimsVerifier<SecurityContext> claims = new DefaultJWTClaimsVerifier<>(audience,
                new JWTClaimsSet.Builder().issuer(issuer).build(), Set.of("sub", "exp", "iat"));
        claims.setMaxClockSkew(30);
        processor.setJWTClaimsSetVerifier(claims);
    }

    public static JwtVerifier fromJwksUrl(String jwksUrl, String issuer, String audience) {
        try {
            JWKSource<SecurityContext> src = JWKSourceBuilder.create(URI.create(jwksUrl).toURL()).retrying(true).build();
            return new JwtVerifier(src, issuer, audience);
        } catch (MalformedURLException e) {
            throw new IllegalStateException("bad FILECONV_JWT_JWKS_URL: " + jwksUrl, e);
        }
    }

    /** @return the verified claims; throws {@link Problem} (401) for any token that does not pass */
    public JWTClaimsSet verify(String authorizationHeader) {
        if (authorizationHeader == null || !authorizationHeader.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw Problem.unauthorized("send Authorization: Bearer <token>");
        }
        try {
            return processor.process(authorizationHeader.substring(7).trim(), null);
        } catch (Exception e) {
            throw Problem.unauthorized("the token was refused: " + e.getMessage());
        }
    }
}
