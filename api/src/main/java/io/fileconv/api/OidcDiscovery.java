package io.fileconv.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.SecurityContext;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

/**
 * The keys of an OpenID Connect provider, found through its discovery document
 * ({@code <issuer>/.well-known/openid-configuration}, OpenID Connect Discovery 1.0 section 4). The document is read
 * on first use, not at start, so an API whose provider is briefly away still starts and answers 503
 * {@code auth-unavailable} until it can be read; a failed read is retried on the next request.
 */
final class OidcDiscovery implements JWKSource<SecurityContext> {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER).build();

    private final String issuer;
    private volatile JWKSource<SecurityContext> keys;

    OidcDiscovery(String issuer) {
        this.issuer = issuer;
    }

    static URI documentUri(String issuer) {
        return URI.create((issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer)
                + "/.well-known/openid-configuration");
    }

    @Override
    public List<JWK> get(JWKSelector selector, SecurityContext context) throws KeySourceException {
        JWKSource<SecurityContext> k = keys;
        if (k == null) {
            synchronized (this) {
                if (keys == null) {
                    keys = JWKSourceBuilder.create(jwksUri()).retrying(true).build();
                }
                k = keys;
            }
        }
        return k.get(selector, context);
    }

    /** The document's jwks_uri, after checking it is the document of this issuer (Discovery 4.3). */
    private URL jwksUri() throws KeySourceException {
        URI doc = documentUri(issuer);
        try {
            HttpResponse<byte[]> res = HTTP.send(HttpRequest.newBuilder(doc).timeout(Duration.ofSeconds(10))
                    .header("Accept", "application/json").build(), HttpResponse.BodyHandlers.ofByteArray());
            if (res.statusCode() != 200) {
                throw new KeySourceException("discovery document " + doc + " answered HTTP " + res.statusCode());
            }
            JsonNode body = JSON.readTree(res.body());
            if (!issuer.equals(body.path("issuer").asText(null))) {
                throw new KeySourceException("discovery document " + doc + " names issuer "
                        + body.path("issuer").asText(null) + ", not " + issuer);
            }
            String jwks = body.path("jwks_uri").asText(null);
            if (jwks == null) {
                throw new KeySourceException("discovery document " + doc + " has no jwks_uri");
            }
            return URI.create(jwks).toURL();
        } catch (KeySourceException e) {
            throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KeySourceException("interrupted reading " + doc, e);
        } catch (Exception e) {
            throw new KeySourceException("cannot read discovery document " + doc + ": " + e, e);
        }
    }
}
