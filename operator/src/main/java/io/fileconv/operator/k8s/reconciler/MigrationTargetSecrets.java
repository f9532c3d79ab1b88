package io.fileconv.operator.k8s.reconciler;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fileconv.core.DatabaseSettings;
import io.fileconv.core.Env;
import io.fileconv.core.JdbcBaseUrl;
import io.fileconv.core.Region;
import io.fileconv.core.migration.MigrationTarget;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Migration targets as the platform team gives them for a move: a Secret {@code fileconv-migration-<region>} in the
 * operator's namespace with the keys {@code url} (JDBC base URL of the target region's database), {@code username},
 * {@code password}, {@code bucket} and optionally {@code ca.crt} (PEM CA of the database's certificate). Created for
 * the move and deleted after it, so a cell holds another region's credentials only while it moves a user there;
 * the operator's Role may read exactly these names. Read at every move step; parsed again only when the Secret's
 * resourceVersion changes.
 */
public final class MigrationTargetSecrets {
    private record Parsed(String resourceVersion, MigrationTarget target) {
    }

    private final KubernetesClient client;
    private final String namespace;
    private final Map<Region, Parsed> parsed = new EnumMap<>(Region.class);

    public MigrationTargetSecrets(KubernetesClient client, String namespace) {
        this.client = client;
        this.namespace = namespace;
    }

    public static String secretName(Region region) {
        return "fileconv-migration-" + region.code();
    }

    public synchronized Optional<MigrationTarget> find(Region region) {
        Secret secret = client.secrets().inNamespace(namespace).withName(secretName(region)).get();
        if (secret == null) {
            parsed.remove(region);
            return Optional.empty();
        }
        Parsed known = parsed.get(region);
        String version = secret.getMetadata().getResourceVersion();
        if (known != null && version != null && version.equals(known.resourceVersion())) {
            return Optional.of(known.target());
        }
        MigrationTarget target = parse(region, values(secret));
        parsed.put(region, new Parsed(version, target));
        return Optional.of(target);
    }

    private static MigrationTarget parse(Region region, Map<String, String> v) {
        String name = secretName(region);
        JdbcBaseUrl url = JdbcBaseUrl.parse(name + "/url", required(v, name, "url"));
        if (v.containsKey("ca.crt")) {
            try {
                Path ca = Files.createTempFile("fileconv-migration-" + region.code(), ".crt");
                Files.writeString(ca, v.get("ca.crt"));
                url = Env.withCa(name + "/ca.crt", ca.toString(), url);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return new MigrationTarget(region, new DatabaseSettings(url, required(v, name, "username"),
                v.getOrDefault("password", "")), required(v, name, "bucket"));
    }

    private static String required(Map<String, String> v, String secret, String key) {
        String value = v.get(key);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("Secret " + secret + " has no key " + key);
        }
        return value.trim();
    }

    private static Map<String, String> values(Secret secret) {
        Map<String, String> out = new HashMap<>();
        if (secret.getData() != null) {
            secret.getData().forEach((k, b64) -> out.put(k, new String(Base64.getDecoder().decode(b64), StandardCharsets.UTF_8)));
        }
        if (secret.getStringData() != null) {
            out.putAll(secret.getStringData());
        }
        return out;
    }
}
