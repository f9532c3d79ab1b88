package io.fileconv.pipeline.webhook;

import io.fileconv.core.Env;
import io.fileconv.core.FileRepository;
import io.fileconv.core.Region;
import io.fileconv.core.metrics.WebhookMetrics;
import io.fileconv.core.webhook.BadWebhookUrlException;
import io.fileconv.core.webhook.WebhookAddressPolicy;
import io.fileconv.core.webhook.WebhookOutbox;
import io.fileconv.core.webhook.WebhookSettings;
import io.fileconv.core.webhook.WebhookSigner;
import io.fileconv.pipeline.LeaderTask;
import io.fileconv.pipeline.PeriodicPass;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.StringRequestContent;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Sends due rows of each region's {@code webhook_deliveries} outbox: a signed POST (Standard Webhooks headers), no
 * redirects, addresses checked by {@link WebhookAddressPolicy} at connect time. A 2xx marks the row DELIVERED; anything
 * else is retried with exponential backoff (capped) until FILECONV_WEBHOOK_MAX_ATTEMPTS, then FAILED. The state lives
 * in MySQL, so retries continue across restarts and leader changes. Runs on the operator's leader and in the embedded
 * stack's worker; two deliverers at once (a leader hand-over) may send a row twice with the same webhook-id, which the
 * receiver drops.
 */
public final class WebhookDeliverer implements LeaderTask {
    private static final Logger LOG = LoggerFactory.getLogger(WebhookDeliverer.class);
    private static final int PAGE = 50;

    /**
     * @param interval    time between passes (FILECONV_WEBHOOK_INTERVAL_SECONDS)
     * @param retryBase   delay after the first failed try, doubled each try (FILECONV_WEBHOOK_RETRY_BASE_SECONDS)
     * @param retryMax    cap of that delay (FILECONV_WEBHOOK_RETRY_MAX_SECONDS)
     * @param maxAttempts tries before a delivery is given up (FILECONV_WEBHOOK_MAX_ATTEMPTS)
     * @param timeout     of one POST, connect to response (FILECONV_WEBHOOK_TIMEOUT_SECONDS)
     */
    public record Settings(Duration interval, Duration retryBase, Duration retryMax, int maxAttempts,
                           Duration timeout) {
        public Settings {
            if (interval.toMillis() < 1 || timeout.toMillis() < 1 || retryBase.isNegative() || maxAttempts < 1) {
                throw new IllegalArgumentException("FILECONV_WEBHOOK_*: interval and timeout must be positive,"
                        + " retry base not negative, max attempts at least 1");
            }
        }

        public static Settings from(Env env) {
            return new Settings(Duration.ofSeconds(env.getLong("FILECONV_WEBHOOK_INTERVAL_SECONDS", 5)),
                    Duration.ofSeconds(env.getLong("FILECONV_WEBHOOK_RETRY_BASE_SECONDS", 30)),
                    Duration.ofSeconds(env.getLong("FILECONV_WEBHOOK_RETRY_MAX_SECONDS", 3600)),
                    env.getInt("FILECONV_WEBHOOK_MAX_ATTEMPTS", 12),
                    Duration.ofSeconds(env.getLong("FILECONV_WEBHOOK_TIMEOUT_SECONDS", 10)));
        }

        /** Delay before try {@code triesDone + 1}: base * 2^(triesDone - 1), at most retryMax. */
        Duration backoff(int triesDone) {
            long factor = 1L << Math.min(20, Math.max(0, triesDone - 1));
            Duration d = retryBase.multipliedBy(factor);
            return d.compareTo(retryMax) > 0 ? retryMax : d;
        }
    }

    private final Map<Region, FileRepository> repositories;
    private final WebhookAddressPolicy policy;
    private final Settings settings;
    private final WebhookMetrics metrics;
    private final Clock clock;
    private HttpClient http;
    private PeriodicPass timer;

    public WebhookDeliverer(Map<Region, FileRepository> repositories, WebhookAddressPolicy policy, Settings settings,
                            WebhookMetrics metrics, Clock clock) {
        this.repositories = new EnumMap<>(repositories);
        this.policy = policy;
        this.settings = settings;
        this.metrics = metrics.withRegions(repositories.keySet());
        this.clock = clock;
    }

    @Override
    public synchronized void start() {
        if (timer != null) {
            return;
        }
        http = client(policy, settings.timeout());
        timer = new PeriodicPass("fileconv-webhooks", "webhook pass", settings.interval(), settings.interval(),
                this::pass, LOG);
    }

    static HttpClient client(WebhookAddressPolicy policy, Duration timeout) {
        HttpClient client = new HttpClient();
        client.setSslContextFactory(new SslContextFactory.Client()); // JDK trust store, host name verified
        client.setFollowRedirects(false);
        client.setSocketAddressResolver(new CheckedAddressResolver(policy));
        client.setConnectTimeout(timeout.toMillis());
        client.setUserAgentField(new HttpField("User-Agent", "fileconv-webhooks"));
        try {
            client.start();
        } catch (Exception e) {
            throw new IllegalStateException("webhook HTTP client did not start", e);
        }
        return client;
    }

    /** One pass over every region; returns the number of tries made. A region that fails is retried next pass. */
    int pass() {
        int tries = 0;
        for (Map.Entry<Region, FileRepository> e : repositories.entrySet()) {
            try {
                tries += pass(e.getKey(), new WebhookOutbox(e.getValue().dataSource()),
                        new WebhookSettings(e.getValue().dataSource()));
            } catch (SQLException ex) {
                LOG.warn("webhook pass of region {} failed: {}", e.getKey().code(), ex.toString());
            }
        }
        return tries;
    }

    private int pass(Region region, WebhookOutbox outbox, WebhookSettings secrets) throws SQLException {
        int tries = 0;
        for (WebhookOutbox.Delivery d : outbox.due(PAGE)) {
            String error;
            try {
                error = send(d, secrets.findOrCreate(d.userId()).secret());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // closing: the row stays as it was, the next deliverer sends it
                return tries;
            }
            int done = d.attempts() + 1;
            if (error == null) {
                outbox.delivered(d.id());
                metrics.tried(region, "delivered");
            } else {
                boolean giveUp = done >= settings.maxAttempts() || error.startsWith(REFUSED);
                outbox.tried(d.id(), error, settings.backoff(done), giveUp);
                metrics.tried(region, giveUp ? "failed" : "retry");
                LOG.info("webhook {} of file={} try {} failed{}: {}", d.id(), d.fileId(), done,
                        giveUp ? ", given up" : "", error);
            }
            tries++;
        }
        WebhookOutbox.Backlog backlog = outbox.backlog();
        metrics.backlog(region, backlog.pending(), backlog.oldest(), clock.instant());
        return tries;
    }

    private static final String REFUSED = "refused: ";

    /** Null when the receiver answered 2xx; why not otherwise (never a secret). */
    private String send(WebhookOutbox.Delivery d, String secret) throws InterruptedException {
        URI uri;
        try {
            uri = policy.check(d.url());
        } catch (BadWebhookUrlException e) {
            return REFUSED + e.getMessage(); // a URL that became unacceptable (allow-list changed): no retry helps
        }
        long timestamp = clock.instant().getEpochSecond();
        try {
            ContentResponse response = http.newRequest(uri).method(HttpMethod.POST).followRedirects(false)
                    .headers(h -> h.put("webhook-id", d.id()).put("webhook-timestamp", Long.toString(timestamp))
                            .put("webhook-signature", WebhookSigner.sign(secret, d.id(), timestamp, d.body())))
                    .body(new StringRequestContent("application/json", d.body(), StandardCharsets.UTF_8))
                    .timeout(settings.timeout().toMillis(), TimeUnit.MILLISECONDS).send();
            int status = response.getStatus();
            return status >= 200 && status < 300 ? null : "HTTP " + status;
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            return cause instanceof BadWebhookUrlException ? cause.getMessage() : cause.toString();
        } catch (TimeoutException e) {
            return "no answer within " + settings.timeout().toSeconds() + " s";
        }
    }

    @Override
    public synchronized void close() {
        if (timer != null) {
            timer.close();
            timer = null;
        }
        if (http != null) {
            try {
                http.stop();
            } catch (Exception e) {
                LOG.debug("webhook HTTP client stop: {}", e.toString());
            }
            http = null;
        }
    }
}
