package io.fileconv.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fileconv.core.Env;
import io.fileconv.testkit.SampleDocuments;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.OAuth2Config;
import no.nav.security.mock.oauth2.http.MockWebServerWrapper;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import no.nav.security.mock.oauth2.token.OAuth2TokenProvider;
import okhttp3.mockwebserver.RecordedRequest;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Sign-in with a real OpenID Connect provider: NAV's mock-oauth2-server (Maven Central; discovery, authorization code
 * with PKCE, refresh tokens, JWKS, end session, an interactive login form) runs in the test, and a second API process
 * on the shared stack is configured with it (FILECONV_OIDC_ISSUER, FILECONV_OIDC_CLIENT_ID) next to its development
 * issuer. The API accepts the provider's access tokens and refuses other issuers' and other audiences'; the web page
 * signs in through the provider's login form, converts a file, renews its token silently and signs out there.
 */
@ExtendWith(SharedStack.class)
class OidcSignInTest {
    static final String ISSUER_ID = "fileconv-idp";
    static final String CLIENT_ID = "fileconv-web";
    /** Long enough to outlast the page's renewal margin (60 s before expiry), short enough to renew in the test. */
    static final long TOKEN_SECONDS = 75;
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newHttpClient();

    static MockOAuth2Server idp;
    static ApiNode api;
    static String base;
    static String issuer;

    @BeforeAll
    static void start(EmbeddedStack stack) throws Exception {
        // Access tokens as an authorization server for this API issues them: typ at+jwt (RFC 9068), aud the API's
        // audience. The subject is the name typed into the login form. azp on every token: mock-oauth2-server 6.0.2
        // leaves it out of the ID token of a refresh grant though the first ID token has it, which OpenID Connect
        // Core 12.2 forbids and oidc-client-ts checks ("azp not in id_token, but present in original id_token").
        DefaultOAuth2TokenCallback tokens = new DefaultOAuth2TokenCallback(ISSUER_ID, "unused", "at+jwt",
                List.of("fileconv"), Map.of("azp", CLIENT_ID), TOKEN_SECONDS);
        idp = new MockOAuth2Server(new OAuth2Config(true, null, null, false, new OAuth2TokenProvider(), Set.of(tokens),
                new MockWebServerWrapper()));
        idp.start();
        issuer = idp.issuerUrl(ISSUER_ID).toString();

        Map<String, String> vars = new HashMap<>();
        stack.infra().endpoints().settings().forEach((k, v) -> vars.put((String) k, (String) v));
        vars.put("FILECONV_OIDC_ISSUER", issuer);
        vars.put("FILECONV_OIDC_CLIENT_ID", CLIENT_ID);
        Path dir = Path.of("target", "oidc-api").toAbsolutePath();
        EmbeddedStack.deleteTree(dir);
        api = ApiNode.start(new Env(vars), dir, 0, 20L << 20, () -> true);
        base = "http://localhost:" + api.port();
    }

    @AfterAll
    static void stop() {
        if (api != null) {
            api.close();
        }
        if (idp != null) {
            idp.shutdown();
        }
    }

    @Test
    void theApiAcceptsTheProvidersAccessTokensOnly() throws Exception {
        JsonNode config = JSON.readTree(get("/api/v1/config", null).body());
        assertThat(config.path("oidc").path("issuer").asText()).isEqualTo(issuer);
        assertThat(config.path("oidc").path("clientId").asText()).isEqualTo(CLIENT_ID);
        assertThat(config.path("oidc").path("scopes").asText()).contains("openid");
        assertThat(config.path("devIssuer").asBoolean()).isTrue();

        String good = idp.issueToken(ISSUER_ID, CLIENT_ID, new DefaultOAuth2TokenCallback(ISSUER_ID, "oidc-api-user",
                "at+jwt", List.of("fileconv"), Map.of(), 300)).serialize();
        HttpResponse<String> ok = get("/api/v1/files", good);
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);

        // Same keys, another issuer: its iss is not the configured one.
        String otherIssuer = idp.issueToken("another-idp", CLIENT_ID, new DefaultOAuth2TokenCallback("another-idp",
                "oidc-api-user", "at+jwt", List.of("fileconv"), Map.of(), 300)).serialize();
        assertRefused(get("/api/v1/files", otherIssuer), "claims-refused");
        // The right issuer, but meant for another API.
        String otherAudience = idp.issueToken(ISSUER_ID, CLIENT_ID, new DefaultOAuth2TokenCallback(ISSUER_ID,
                "oidc-api-user", "at+jwt", List.of("another-api"), Map.of(), 300)).serialize();
        assertRefused(get("/api/v1/files", otherAudience), "claims-refused");
        // An ID-token-like JWT (typ JWT, aud the client id) of the right issuer is not an access token.
        String idToken = idp.issueToken(ISSUER_ID, CLIENT_ID, new DefaultOAuth2TokenCallback(ISSUER_ID,
                "oidc-api-user", "JWT", List.of(CLIENT_ID), Map.of(), 300)).serialize();
        assertRefused(get("/api/v1/files", idToken), "not-an-access-token");
        // The development issuer still works on the same API.
        HttpResponse<String> dev = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/dev/token"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"user\":\"oidc-dev-user\",\"region\":\"in\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(get("/api/v1/files", JSON.readTree(dev.body()).path("token").asText()).statusCode()).isEqualTo(200);
    }

    @Test
    void thePageSignsInConvertsRenewsAndSignsOut() throws Exception {
        boolean present = Files.isExecutable(Path.of(System.getProperty("fileconv.chromium", "/usr/bin/chromium")))
                && Files.isExecutable(Path.of(System.getProperty("fileconv.chromedriver", "/usr/bin/chromedriver")));
        if (System.getenv("CI") != null) {
            assertThat(present).as("chromium and chromedriver").isTrue();
        }
        Assumptions.assumeTrue(present, "Debian's chromium and chromium-driver are needed");
        Path work = Files.createTempDirectory("fileconv-oidc-ui");
        ChromeDriver driver = WebUiTest.startChromium(work.resolve("profile"), Files.createDirectories(work.resolve("dl")));
        try {
            driver.get(base + "/");
            awaitPage(driver, "true", "return document.documentElement.dataset.ready");
            WebElement signIn = driver.findElement(By.id("signin-oidc"));
            assertThat(signIn.isDisplayed()).isTrue();
            assertThat(driver.findElement(By.id("signin-form")).isDisplayed()).as("dev sign-in stays").isTrue();
            signIn.click();

            // The provider's own login form.
            await().atMost(Duration.ofSeconds(20)).until(() -> driver.getCurrentUrl().startsWith(issuer));
            assertThat(driver.getCurrentUrl()).contains("code_challenge_method=S256").contains("code_challenge=")
                    .contains("client_id=" + CLIENT_ID);
            driver.findElement(By.name("username")).sendKeys("auth0|oidc-ui-user");
            driver.findElement(By.cssSelector("input[type=submit]")).click();

            await().atMost(Duration.ofSeconds(20)).until(() -> driver.getCurrentUrl().startsWith(base)
                    && displayed(driver, "workspace"));
            assertThat(driver.getCurrentUrl()).doesNotContain("code=");
            assertThat(driver.findElement(By.id("account-user")).getText()).isEqualTo("auth0|oidc-ui-user");
            String first = token(driver);
            assertThat(first).isNotNull();

            // Upload through the page with the provider's token; the list reaches converted.
            SampleDocuments.Doc doc = SampleDocuments.txt();
            Path file = work.resolve("oidc notes.txt");
            Files.write(file, doc.bytes());
            driver.findElement(By.id("file-input")).sendKeys(file.toAbsolutePath().toString());
            await().atMost(Duration.ofMinutes(2)).until(() -> "converted".equals(status(driver, "oidc notes.txt")));

            // Silent renewal with the refresh token, before the 75 s token expires.
            try {
                await().atMost(Duration.ofSeconds(TOKEN_SECONDS - 5)).pollInterval(Duration.ofMillis(500))
                        .until(() -> {
                            String now = token(driver);
                            return now != null && !now.equals(first);
                        });
            } catch (ConditionTimeoutException e) {
                throw new AssertionError("no renewal; page says: " + driver.executeScript(
                        "return document.documentElement.dataset.renewError") + "; provider saw: " + requests(), e);
            }
            assertThat(recorded(r -> r.getPath().endsWith("/token") && r.getBody().readUtf8()
                    .contains("grant_type=refresh_token"))).as("a refresh_token grant").isTrue();
            HttpResponse<String> mine = get("/api/v1/files", token(driver));
            assertThat(mine.statusCode()).isEqualTo(200);
            assertThat(mine.body()).contains("oidc notes.txt");
            assertThat(displayed(driver, "workspace")).isTrue();

            // Sign out: the provider's end_session_endpoint with id_token_hint, then back to the sign-in screen.
            driver.findElement(By.id("sign-out")).click();
            await().atMost(Duration.ofSeconds(20)).until(() -> driver.getCurrentUrl().startsWith(base)
                    && displayed(driver, "signin"));
            assertThat(recorded(r -> r.getPath().contains("/endsession") && r.getPath().contains("id_token_hint=")
                    && r.getPath().contains("post_logout_redirect_uri="))).as("end session at the provider").isTrue();
            assertThat(token(driver)).isNull();
            assertThat((Long) ((JavascriptExecutor) driver).executeScript("return sessionStorage.length")).isZero();
        } finally {
            driver.quit();
        }
    }

    private static void assertRefused(HttpResponse<String> res, String reason) throws Exception {
        assertThat(res.statusCode()).as(res.body()).isEqualTo(401);
        assertThat(res.headers().firstValue("Content-Type")).hasValueSatisfying(
                t -> assertThat(t).startsWith("application/problem+json"));
        assertThat(JSON.readTree(res.body()).path("reason").asText()).isEqualTo(reason);
    }

    private static HttpResponse<String> get(String path, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Whether the provider recorded a request that passes {@code test} (requests are taken in order). */
    private static boolean recorded(Predicate<RecordedRequest> test) {
        for (RecordedRequest r = next(); r != null; r = next()) {
            if (test.test(r)) {
                return true;
            }
        }
        return false;
    }

    /** The next recorded request, or null when none came within a second (takeRequest throws then). */
    private static RecordedRequest next() {
        try {
            return idp.takeRequest(1, TimeUnit.SECONDS);
        } catch (RuntimeException none) {
            return null;
        }
    }

    private static List<String> requests() {
        List<String> seen = new ArrayList<>();
        for (RecordedRequest r = next(); r != null; r = next()) {
            seen.add(r.getMethod() + " " + r.getPath() + " " + r.getBody().readUtf8());
        }
        return seen;
    }

    private static String token(ChromeDriver driver) throws Exception {
        Object raw = driver.executeScript("return sessionStorage.getItem('fileconv.session')");
        return raw == null ? null : JSON.readTree((String) raw).path("token").asText(null);
    }

    private static boolean displayed(ChromeDriver driver, String id) {
        List<WebElement> e = driver.findElements(By.id(id));
        return !e.isEmpty() && e.get(0).isDisplayed();
    }

    private static String status(ChromeDriver driver, String name) {
        List<WebElement> r = driver.findElements(By.cssSelector("#files li.file[data-name='" + name + "']"));
        return r.isEmpty() ? null : r.get(0).getAttribute("data-status");
    }

    private static void awaitPage(ChromeDriver driver, String value, String script) {
        await().atMost(Duration.ofSeconds(20)).until(() -> value.equals(driver.executeScript(script)));
    }
}
