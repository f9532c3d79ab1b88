package io.fileconv.operator.work;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fileconv.core.Region;
import io.fileconv.operator.k8s.Labels;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per-Job tokens of the work endpoint. Each pooled Job's token lives in its own Secret (garbage-collected with the
 * Job), so a new leader learns the tokens by reading the Secrets; in between they are cached here. Lookups go by
 * the token's SHA-256 and end with a constant-time comparison, so timing tells a caller nothing about a token.
 */
public final class JobTokens {
    private static final Logger log = LoggerFactory.getLogger(JobTokens.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    /** The key of the token in its Secret. */
    public static final String SECRET_KEY = "token";
    /** An unknown token re-reads the Secrets at most this often (a flood of bad tokens costs one list). */
    private static final Duration RELOAD_EVERY = Duration.ofSeconds(2);

    /** A pooled Job the endpoint knows. */
    public record JobIdentity(String jobName, Region region) {
    }

    private record Known(byte[] token, JobIdentity job) {
    }

    private final KubernetesClient client;
    private final String namespace;
    private final Clock clock;
    private final Map<String, Known> byHash = new ConcurrentHashMap<>();
    private volatile Instant lastReload = Instant.EPOCH;

    public JobTokens(KubernetesClient client, String namespace, Clock clock) {
        this.client = client;
        this.namespace = namespace;
        this.clock = clock;
    }

    /** A new random token (256 bits, URL-safe). */
    public static String newToken() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /** Remembers the token of a Job this leader just created. */
    public void register(String token, JobIdentity job) {
        byte[] t = token.getBytes(StandardCharsets.UTF_8);
        byHash.put(hash(t), new Known(t, job));
    }

    /** The Job a presented token belongs to; empty for an unknown or malformed one. */
    public Optional<JobIdentity> resolve(String token) {
        if (token == null || token.isEmpty() || token.length() > 200) {
            return Optional.empty();
        }
        byte[] t = token.getBytes(StandardCharsets.UTF_8);
        Optional<JobIdentity> found = lookup(t);
        if (found.isEmpty() && reloadAllowed()) {
            reload();
            found = lookup(t);
        }
        return found;
    }

    /** Forgets the tokens of Jobs that are gone. */
    public void retainJobs(java.util.Set<String> jobNames) {
        byHash.values().removeIf(k -> !jobNames.contains(k.job().jobName()));
    }

    private Optional<JobIdentity> lookup(byte[] token) {
        Known k = byHash.get(hash(token));
        return k != null && MessageDigest.isEqual(k.token(), token) ? Optional.of(k.job()) : Optional.empty();
    }

    private synchronized boolean reloadAllowed() {
        Instant now = clock.instant();
        if (Duration.between(lastReload, now).compareTo(RELOAD_EVERY) < 0) {
            return false;
        }
        lastReload = now;
        return true;
    }

    /** Reads every pooled Job's Secret: how a new leader learns the tokens of Jobs its predecessor created. */
    public void reload() {
        try {
            for (Secret s : client.secrets().inNamespace(namespace).withLabel(Labels.POOL, "true").list().getItems()) {
                Map<String, String> labels = s.getMetadata().getLabels();
                String job = labels == null ? null : labels.get(Labels.CONVERTER_JOB);
                String region = labels == null ? null : labels.get(Labels.REGION);
                String data = s.getData() == null ? null : s.getData().get(SECRET_KEY);
                if (job == null || region == null || data == null) {
                    continue;
                }
                register(new String(Base64.getDecoder().decode(data), StandardCharsets.UTF_8),
                        new JobIdentity(job, Region.fromCode(region)));
            }
        } catch (RuntimeException e) {
            log.warn("could not read the converter token Secrets: {}", e.toString());
        }
    }

    private static String hash(byte[] token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
