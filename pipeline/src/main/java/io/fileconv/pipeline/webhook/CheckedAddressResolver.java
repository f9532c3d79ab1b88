package io.fileconv.pipeline.webhook;

import io.fileconv.core.webhook.BadWebhookUrlException;
import io.fileconv.core.webhook.WebhookAddressPolicy;
import org.eclipse.jetty.util.Promise;
import org.eclipse.jetty.util.SocketAddressResolver;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;

/**
 * Jetty's name resolution for webhook calls: the addresses it hands to the connector are the ones the policy checked,
 * so there is no second lookup between check and connect (DNS rebinding cannot swap in a private address).
 */
final class CheckedAddressResolver implements SocketAddressResolver {
    private final WebhookAddressPolicy policy;

    CheckedAddressResolver(WebhookAddressPolicy policy) {
        this.policy = policy;
    }

    @Override
    public void resolve(String host, int port, Map<String, Object> context, Promise<List<InetSocketAddress>> promise) {
        try {
            promise.succeeded(policy.resolve(host, port).stream().map(a -> new InetSocketAddress(a, port)).toList());
        } catch (BadWebhookUrlException e) {
            promise.failed(e);
        }
    }
}
