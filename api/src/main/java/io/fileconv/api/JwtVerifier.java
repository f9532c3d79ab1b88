package io.fileconv.api;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.BadJWSException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.MalformedURLException;
import java.net.URI;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Date;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Verifies bearer tokens with Nimbus JOSE+JWT: signature against the issuer's JWKS (cached, refreshed on an
 * unknown key id, so rotation needs no restart), expiry and not-before with 30 s of skew, exact issuer and
 * audience, and a subject. Only RS256/ES256 are accepted, which also rules out {@code alg=none}.
 *
 * <p>The {@code typ} header must be one of the accepted types ({@code at+jwt} by default, RFC 9068), so an OpenID
 * Connect ID token signed by the same issuer is not taken for an access token. A refusal never carries Nimbus'
 * text (it names claim values and library internals): the client gets one of our reasons, the log gets the rest.
 *
 * <p>A token that passed is remembered, by its exact text, for at most {@link #REMEMBERED} and never past its expiry
 * (plus the skew): a client sends the same token on every request until it renews it, and the signature check and
 * parsing were most of a status read's CPU time (docs/PERFORMANCE.md). Only successes are remembered, so a refused
 * token is checked again each time; a key withdrawn from the JWKS stops a remembered token within that bound.
 */
public final class JwtVerifier {
    private static final Logger LOG = LoggerFactory.getLogger(JwtVerifier.class);
    /** RFC 9068's access-token type; "application/at+jwt" is the same type with its optional prefix. */
    public static final Set<String> DEFAULT_TYPES = Set.of("at+jwt");

    /** How long a verified token is taken without checking it again (at most; its expiry comes first). */
    public static final Duration REMEMBERED = Duration.ofSeconds(60);
    private static final long SKEW_SECONDS = 30;

    private final DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
    private final Cache<String, JWTClaimsSet> verified = Caffeine.newBuilder()
            .maximumSize(10_000)
            .expireAfter(Expiry.<String, JWTClaimsSet>creating((token, claims) -> untilExpiry(claims)))
            .build();
    private final Set<String> acceptedTypes;
    private final JWKSource<SecurityContext> keys;
    private final String issuer;
    private final String audience;
    /** Verifiers of further issuers (an OIDC provider next to the development issuer), chosen by the token's iss. */
    private final Map<String, JwtVerifier> otherIssuers;

    public JwtVerifier(JWKSource<SecurityContext> keys, String issuer, String audience) {
        this(keys, issuer, audience, DEFAULT_TYPES);
    }

    /** @param acceptedTypes accepted {@code typ} header values (case-insensitive, "application/" prefix optional) */
    public JwtVerifier(JWKSource<SecurityContext> keys, String issuer, String audience, Set<String> acceptedTypes) {
        this(keys, issuer, audience, acceptedTypes, Map.of());
    }

    private JwtVerifier(JWKSource<SecurityContext> keys, String issuer, String audience, Set<String> acceptedTypes,
                        Map<String, JwtVerifier> otherIssuers) {
        this.otherIssuers = otherIssuers;
        this.keys = keys;
        this.issuer = issuer;
        this.audience = audience;
        this.acceptedTypes = acceptedTypes.stream().map(JwtVerifier::normalType).collect(Collectors.toSet());
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256), keys));
        // typ is checked before the processor runs (checkType), with our own reason.
        processor.setJWSTypeVerifier((type, context) -> { });
        DefaultJWTClaimsVerifier<SecurityContext> claims = new DefaultJWTClaimsVerifier<>(audience,
                new JWTClaimsSet.Builder().issuer(issuer).build(), Set.of("sub", "exp", "iat"));
        claims.setMaxClockSkew((int) SKEW_SECONDS);
        processor.setJWTClaimsSetVerifier(claims);
    }

    public static JwtVerifier fromJwksUrl(String jwksUrl, String issuer, String audience, Set<String> acceptedTypes) {
        try {
            JWKSource<SecurityContext> src = JWKSourceBuilder.create(URI.create(jwksUrl).toURL()).retrying(true).build();
            return new JwtVerifier(src, issuer, audience, acceptedTypes);
        } catch (MalformedURLException e) {
            throw new IllegalStateException("bad FILECONV_JWT_JWKS_URL: " + jwksUrl, e);
        }
    }

    /**
     * Also accepts the tokens {@code other} accepts, for those whose (unverified) {@code iss} names its issuer; each
     * token is then checked by exactly one verifier, against that issuer's keys and claims.
     */
    public JwtVerifier orIssuer(String otherIssuer, JwtVerifier other) {
        if (otherIssuer.equals(issuer)) {
            throw new IllegalStateException("two token issuers named " + issuer);
        }
        Map<String, JwtVerifier> all = new HashMap<>(otherIssuers);
        all.put(otherIssuer, other);
        return new JwtVerifier(keys, issuer, audience, acceptedTypes, Map.copyOf(all));
    }

    /** An OpenID Connect provider's tokens: keys from its discovery document ({@link OidcDiscovery}). */
    public static JwtVerifier fromOidcIssuer(String issuer, String audience, Set<String> acceptedTypes) {
        return new JwtVerifier(new OidcDiscovery(issuer), issuer, audience, acceptedTypes);
    }

    public static JwtVerifier fromJwksUrl(String jwksUrl, String issuer, String audience) {
        return fromJwksUrl(jwksUrl, issuer, audience, DEFAULT_TYPES);
    }

    /** FILECONV_JWT_TYPES: comma-separated, e.g. "at+jwt,JWT" for an issuer that marks access tokens as plain JWT. */
    public static Set<String> parseTypes(String commaSeparated) {
        Set<String> types = Arrays.stream(commaSeparated.split(",")).map(String::trim)
                .filter(s -> !s.isEmpty()).collect(Collectors.toSet());
        if (types.isEmpty()) {
            throw new IllegalStateException("FILECONV_JWT_TYPES names no token type");
        }
        return types;
    }

    /** @return the verified claims; throws {@link Problem} (401) for any token that does not pass */
    public JWTClaimsSet verify(String authorizationHeader) {
        if (authorizationHeader == null || !authorizationHeader.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw Problem.unauthorized("send Authorization: Bearer <token>");
        }
        String token = authorizationHeader.substring(7).trim();
        if (!otherIssuers.isEmpty()) {
            String iss = unverifiedIssuer(token);
            JwtVerifier other = otherIssuers.get(iss);
            if (other != null) {
                return other.verify(authorizationHeader);
            }
            if (iss != null && !iss.equals(issuer)) {
                LOG.info("token refused: issuer {} is not accepted", iss);
                throw Problem.unauthorized("the token was not issued by an issuer this API accepts")
                        .with("reason", "claims-refused");
            }
        }
        JWTClaimsSet remembered = verified.getIfPresent(token);
        if (remembered != null) {
            return remembered;
        }
        try {
            checkType(SignedJWT.parse(token).getHeader().getType());
            JWTClaimsSet claims = processor.process(token, null);
            verified.put(token, claims);
            return claims;
        } catch (Problem p) {
            throw p;
        } catch (KeySourceException e) {
            LOG.warn("token not verified: the issuer's keys are unavailable: {}", e.toString());
            throw new Problem(503, "auth-unavailable", "Cannot verify tokens now",
                    "the token issuer's keys could not be fetched; try again shortly").with("retryAfterSeconds", 5);
        } catch (Exception e) {
            LOG.info("token refused: {}", e.toString());
            throw refused(e);
        }
    }

    /** Only to choose the verifier: the one chosen checks signature and claims. Null when unreadable. */
    private static String unverifiedIssuer(String token) {
        try {
            return SignedJWT.parse(token).getJWTClaimsSet().getIssuer();
        } catch (ParseException e) {
            return null;
        }
    }

    /** {@link #REMEMBERED}, or less when the token expires (plus the skew the check allows) sooner. */
    private static Duration untilExpiry(JWTClaimsSet claims) {
        Date exp = claims.getExpirationTime(); // required: a token without one does not pass
        Duration left = Duration.between(Instant.now(), exp.toInstant().plusSeconds(SKEW_SECONDS));
        return left.isNegative() ? Duration.ZERO : left.compareTo(REMEMBERED) < 0 ? left : REMEMBERED;
    }

    private void checkType(JOSEObjectType type) {
        if (type == null || !acceptedTypes.contains(normalType(type.getType()))) {
            LOG.info("token refused: typ {} is not an accepted access-token type {}", type, acceptedTypes);
            throw Problem.unauthorized("the token is not an access token (its typ header must be "
                    + String.join(" or ", acceptedTypes) + ")").with("reason", "not-an-access-token");
        }
    }

    /** Our own words per kind of fault; the library's message stays in the log. */
    private static Problem refused(Exception e) {
        if (e instanceof ParseException) {
            return Problem.unauthorized("the token is not a well-formed signed JWT").with("reason", "malformed");
        }
        if (e instanceof BadJWTException) {
            return Problem.unauthorized("the token is expired, not yet valid, lacks a subject or was not issued for"
                    + " this API by the expected issuer").with("reason", "claims-refused");
        }
        if (e instanceof BadJWSException || e instanceof BadJOSEException) {
            return Problem.unauthorized("the token's signature could not be verified with the issuer's keys")
                    .with("reason", "bad-signature");
        }
        return Problem.unauthorized("the token was refused").with("reason", "refused");
    }

    private static String normalType(String t) {
        String lower = t.toLowerCase(Locale.ROOT);
        return lower.startsWith("application/") ? lower.substring("application/".length()) : lower;
    }
}
