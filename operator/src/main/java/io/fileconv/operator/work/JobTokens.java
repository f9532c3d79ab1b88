package io.fileconv.operator.work;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fileconv.core.Region;
import io.fileconv.operator.k8s.Labels;
import io.fileconv.pipeline.work.JobIdentity;
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
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per-Job tokens of the work endpoint. The pod gets its token from its own Secret (garbage-collected with the Job);
 * the Job carries only the token's SHA-256 in an annotation, so the operator needs to create Secrets but never to
 * read one, and a new leader learns the tokens' hashes from the Jobs it lists anyway. A presented token is hashed
 * and compared in constant time, so timing tells a caller nothing about a token.
 */
public final class JobTokens {
    private static final Logger LOG = LoggerFactory.getLogger(JobTokens.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    /** The key of the token in its Secret. */
    public static final String SECRET_KEY = "token";
    /** The annotation on a pooled Job holding its token's SHA-256 (hex). */
    public static final String HASH_ANNOTATION = "fileconv.io/token-sha256";
    /** An unknown token re-reads the Secrets at most this often (a flood of bad tokens costs one list). */
    private static final Duration RELOAD_EVERY = Duration.ofSeconds(2);

    private record Known(byte[] hash, JobIdentity job) {
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

    /** The value of {@link #HASH_ANNOTATION} for a token. */
    public static String hashOf(String token) {
        return HexFormat.of().formatHex(sha256(token.getBytes(StandardCharsets.UTF_8)));
    }

    /** Remembers the token of a Job this leader just created. */
    public void register(String token, JobIdentity job) {
        remember(hashOf(token), job);
    }

    private void remember(String hexHash, JobIdentity job) {
        byHash.put(hexHash, new Known(HexFormat.of().parseHex(hexHash), job));
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
    public void retainJobs(Set<String> jobNames) {
        byHash.values().removeIf(k -> !jobNames.contains(k.job().jobName()));
    }

    private Optional<JobIdentity> lookup(byte[] token) {
        byte[] h = sha256(token);
        Known k = byHash.get(HexFormat.of().formatHex(h));
        return k != null && MessageDigest.isEqual(k.hash(), h) ? Optional.of(k.job()) : Optional.empty();
    }

    private synchronized boolean reloadAllowed() {
        Instant now = clock.instant();
        if (Duration.between(lastReload, now).compareTo(RELOAD_EVERY) < 0) {
            return false;
        }
        lastReload = now;
        return true;
    }

    /** Reads the token hashes of every pooled Job: how a new leader learns the Jobs its predecessor created. */
    public void reload() {
        try {
            for (Job j : client.batch().v1().jobs().inNamespace(namespace).withLabel(Labels.POOL, "true").list()
                    .getItems()) {
                Map<String, String> labels = j.getMetadata().getLabels();
                Map<String, String> annotations = j.getMetadata().getAnnotations();
                String region = labels == null ? null : labels.get(Labels.REGION);
                String hash = annotations == null ? null : annotations.get(HASH_ANNOTATION);
                if (region == null || hash == null || !hash.matches("[0-9a-f]{64}")) {
                    continue;
                }
                remember(hash, new JobIdentity(j.getMetadata().getName(), Region.fromCode(region)));
            }
        } catch (RuntimeException e) {
            LOG.warn("could not list the pooled converter Jobs: {}", e.toString());
        }
    }

    private static byte[] sha256(byte[] token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
