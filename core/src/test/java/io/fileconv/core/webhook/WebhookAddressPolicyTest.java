package io.fileconv.core.webhook;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WebhookAddressPolicyTest {
    /** Names resolved from this table only: the test needs no DNS. */
    static final Map<String, String[]> DNS = Map.of(
            "hooks.example.com", new String[]{"93.184.215.14"},
            "rebind.example.com", new String[]{"93.184.215.14", "10.0.0.7"},
            "v6.example.com", new String[]{"2606:4700::1111"},
            "mapped.example.com", new String[]{"::ffff:192.168.1.1"},
            "receiver.test", new String[]{"127.0.0.1"});

    static final WebhookAddressPolicy POLICY = new WebhookAddressPolicy(Set.of(" receiver.test:8443 ",
            "127.0.0.1:9999"), host -> {
        String[] ips = DNS.get(host);
        if (ips == null) {
            throw new UnknownHostException(host);
        }
        InetAddress[] out = new InetAddress[ips.length];
        for (int i = 0; i < ips.length; i++) {
            out[i] = InetAddress.getByName(ips[i]);
        }
        return out;
    });

    @ParameterizedTest
    @ValueSource(strings = {"https://hooks.example.com/fileconv", "https://hooks.example.com:8443/x?y=1",
            "https://93.184.215.14/hook", "https://[2606:4700::1111]/hook", "http://127.0.0.1:9999/hook",
            "https://receiver.test:8443/hook"})
    void acceptsHttpsToPublicHostsAndAllowListedHostPorts(String url) throws Exception {
        assertThat(POLICY.check(url).toString()).isEqualTo(url);
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://hooks.example.com/", "ftp://hooks.example.com/", "hooks.example.com/x",
            "https://127.0.0.1/", "https://127.0.0.1:9998/", "http://127.0.0.1:9998/", "https://10.1.2.3/",
            "https://172.16.0.1/", "https://192.168.0.1/", "https://169.254.169.254/latest/meta-data",
            "https://100.64.0.1/", "https://0.0.0.0/", "https://[::1]/", "https://[fd12:3456::1]/",
            "https://[fe80::1]/", "https://[::ffff:10.0.0.1]/", "https://224.0.0.1/", "https://localhost/",
            "https://metadata.google.internal/", "https://intranet/", "https://user:pw@hooks.example.com/",
            "https://hooks.example.com/#frag", "", " ", "https://"})
    void refusesOtherSchemesPrivateAddressesAndLocalNames(String url) {
        assertThatThrownBy(() -> POLICY.check(url)).isInstanceOf(BadWebhookUrlException.class);
    }

    @Test
    void refusesOverlongUrls() {
        assertThatThrownBy(() -> POLICY.check("https://hooks.example.com/" + "a".repeat(2000)))
                .isInstanceOf(BadWebhookUrlException.class);
    }

    @Test
    void resolvesOnlyToPublicAddressesUnlessAllowListed() throws Exception {
        assertThat(POLICY.resolve("hooks.example.com", 443)).extracting(InetAddress::getHostAddress)
                .containsExactly("93.184.215.14");
        assertThat(POLICY.resolve("v6.example.com", 443)).hasSize(1);
        assertThat(POLICY.resolve("receiver.test", 8443)).extracting(InetAddress::getHostAddress)
                .containsExactly("127.0.0.1");
        // A name that passed the upload check but now answers with a private address (rebinding) is refused.
        assertThatThrownBy(() -> POLICY.resolve("rebind.example.com", 443)).isInstanceOf(BadWebhookUrlException.class);
        assertThatThrownBy(() -> POLICY.resolve("mapped.example.com", 443)).isInstanceOf(BadWebhookUrlException.class);
        assertThatThrownBy(() -> POLICY.resolve("receiver.test", 443)).isInstanceOf(BadWebhookUrlException.class);
        assertThatThrownBy(() -> POLICY.resolve("nowhere.example.com", 443))
                .isInstanceOf(BadWebhookUrlException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"100.63.255.255", "100.128.0.0", "8.8.8.8", "2001:4860:4860::8888"})
    void publicAddressesNextToPrivateRanges(String ip) throws Exception {
        assertThat(WebhookAddressPolicy.isPublic(InetAddress.getByName(ip))).isTrue();
    }
}
