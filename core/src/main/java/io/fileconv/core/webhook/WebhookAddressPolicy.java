package io.fileconv.core.webhook;

import io.fileconv.core.Env;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which webhook URLs may be called (SSRF): {@code https} to public addresses only, unless {@code host:port} is listed
 * in FILECONV_WEBHOOK_ALLOWED_HOSTS (then {@code http} and any address are fine: loopback receivers of tests and
 * {@code ./fileconv up}). The URL is checked at upload; the addresses again at every delivery, and the deliverer
 * connects to exactly the addresses {@link #resolve} returned, so a DNS answer that changes in between (rebinding)
 * cannot reach a private address.
 */
public final class WebhookAddressPolicy {
    public static final String ALLOWED_HOSTS_VAR = "FILECONV_WEBHOOK_ALLOWED_HOSTS";
    public static final int MAX_URL_LENGTH = 2000;

    /** Resolves a host name; the JDK resolver in production, swapped in tests of the rebinding rule. */
    public interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    private final Set<String> allowed;
    private final Resolver resolver;

    public WebhookAddressPolicy(Set<String> allowedHostPorts, Resolver resolver) {
        this.allowed = allowedHostPorts.stream().map(s -> s.trim().toLowerCase(Locale.ROOT))
                .filter(s -> !s.isEmpty()).collect(Collectors.toUnmodifiableSet());
        this.resolver = resolver;
    }

    /** https to public addresses only, nothing allow-listed. */
    public static WebhookAddressPolicy publicOnly() {
        return new WebhookAddressPolicy(Set.of(), InetAddress::getAllByName);
    }

    public static WebhookAddressPolicy from(Env env) {
        String list = env.get(ALLOWED_HOSTS_VAR, "");
        return new WebhookAddressPolicy(Set.copyOf(Arrays.asList(list.split(","))), InetAddress::getAllByName);
    }

    /** The parsed URL if its form is acceptable (scheme, host, no user info, length); no DNS lookup. */
    public URI check(String url) throws BadWebhookUrlException {
        if (url == null || url.isBlank() || url.length() > MAX_URL_LENGTH) {
            throw new BadWebhookUrlException("webhookUrl must be an absolute https URL of at most " + MAX_URL_LENGTH
                    + " characters");
        }
        URI uri;
        try {
            uri = new URI(url.trim());
        } catch (URISyntaxException e) {
            throw new BadWebhookUrlException("webhookUrl is not a URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (uri.getHost() == null || uri.getRawUserInfo() != null || uri.getRawFragment() != null) {
            throw new BadWebhookUrlException("webhookUrl needs a host and no user info or fragment");
        }
        boolean listed = allowed.contains(hostPort(uri));
        if (!scheme.equals("https") && !(listed && scheme.equals("http"))) {
            throw new BadWebhookUrlException("webhookUrl must use https");
        }
        if (!listed) {
            InetAddress literal = literal(uri.getHost());
            if (literal != null && !isPublic(literal)) {
                throw new BadWebhookUrlException("webhookUrl must point to a public address");
            }
            if (literal == null && isLocalName(uri.getHost())) {
                throw new BadWebhookUrlException("webhookUrl must point to a public address");
            }
        }
        return uri;
    }

    /**
     * The addresses to connect to for {@code host:port}: every resolved address must be public unless the pair is
     * allow-listed (one private answer refuses all: a receiver cannot mix them to slip one through).
     */
    public List<InetAddress> resolve(String host, int port) throws BadWebhookUrlException {
        InetAddress[] addresses;
        try {
            addresses = resolver.resolve(host);
        } catch (UnknownHostException e) {
            throw new BadWebhookUrlException("webhook host " + host + " does not resolve");
        }
        if (!allowed.contains(host.toLowerCase(Locale.ROOT) + ":" + port)) {
            for (InetAddress a : addresses) {
                if (!isPublic(a)) {
                    throw new BadWebhookUrlException("webhook host " + host + " resolves to a non-public address");
                }
            }
        }
        return List.of(addresses);
    }

    static String hostPort(URI uri) {
        int port = uri.getPort() != -1 ? uri.getPort() : "http".equalsIgnoreCase(uri.getScheme()) ? 80 : 443;
        return uri.getHost().toLowerCase(Locale.ROOT) + ":" + port;
    }

    private static boolean isLocalName(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        return h.equals("localhost") || h.endsWith(".localhost") || h.endsWith(".local") || h.endsWith(".internal")
                || !h.contains(".");
    }

    /** The address of an IP literal host (brackets of IPv6 removed), null for a name. */
    private static InetAddress literal(String host) {
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        boolean ipv4 = h.matches("[0-9.]+");
        if (!ipv4 && !h.contains(":")) {
            return null;
        }
        try {
            return InetAddress.getByName(h); // a literal: no lookup
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /** False for loopback, private, link-local, any-local, multicast, CGNAT, unique-local and mapped private ones. */
    public static boolean isPublic(InetAddress a) {
        if (a.isLoopbackAddress() || a.isSiteLocalAddress() || a.isLinkLocalAddress() || a.isAnyLocalAddress()
                || a.isMulticastAddress()) {
            return false;
        }
        byte[] b = a.getAddress();
        if (a instanceof Inet4Address) {
            int first = b[0] & 0xff;
            int second = b[1] & 0xff;
            return first != 0 && !(first == 100 && second >= 64 && second < 128) // CGNAT 100.64.0.0/10
                    && !(first == 192 && second == 0 && (b[2] & 0xff) == 0) // IETF 192.0.0.0/24
                    && !(first == 198 && (second == 18 || second == 19)) // benchmarking 198.18.0.0/15
                    && first < 240; // reserved and broadcast
        }
        if (a instanceof Inet6Address) {
            if ((b[0] & 0xfe) == 0xfc) {
                return false; // unique local fc00::/7
            }
            if (isMappedOrCompatible(b)) {
                try {
                    return isPublic(InetAddress.getByAddress(Arrays.copyOfRange(b, 12, 16)));
                } catch (UnknownHostException e) {
                    return false;
                }
            }
        }
        return true;
    }

    /** ::ffff:a.b.c.d (mapped) or ::a.b.c.d (compatible): judged by the IPv4 address inside. */
    private static boolean isMappedOrCompatible(byte[] b) {
        for (int i = 0; i < 10; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return (b[10] == (byte) 0xff && b[11] == (byte) 0xff) || (b[10] == 0 && b[11] == 0);
    }
}
