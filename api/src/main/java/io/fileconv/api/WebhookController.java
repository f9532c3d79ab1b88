package io.fileconv.api;

import io.fileconv.core.webhook.BadWebhookUrlException;
import io.fileconv.core.webhook.WebhookAddressPolicy;
import io.fileconv.core.webhook.WebhookSettings;
import io.javalin.http.Context;

import java.util.HashMap;
import java.util.Map;

/**
 * The caller's webhook settings in the home region: {@code GET /api/v1/webhook} (default URL and signing secret,
 * created on first use), {@code PUT /api/v1/webhook} (set or clear the default URL), {@code POST
 * /api/v1/webhook/secret} (rotate the secret). Only the owner ever sees the secret; answers are not cached.
 */
public final class WebhookController {
    private final CallerResolver callers;
    private final WebhookAddressPolicy policy;

    public WebhookController(CallerResolver callers, WebhookAddressPolicy policy) {
        this.callers = callers;
        this.policy = policy;
    }

    public void get(Context ctx) throws Exception {
        Caller caller = callers.resolve(ctx, false);
        answer(ctx, settings(caller).findOrCreate(caller.userId()));
    }

    public void put(Context ctx) throws Exception {
        Caller caller = callers.resolve(ctx, true);
        Map<?, ?> body = JsonBody.object(ctx, "send {\"url\":\"https://...\"} (or {\"url\":null} to clear)");
        Object url = body.get("url");
        if (url != null && !(url instanceof String)) {
            throw Problem.badRequest("bad-webhook-url", "url must be a string or null");
        }
        answer(ctx, settings(caller).setDefaultUrl(caller.userId(), url == null ? null : checked(policy,
                (String) url)));
    }

    public void rotateSecret(Context ctx) throws Exception {
        Caller caller = callers.resolve(ctx, true);
        answer(ctx, settings(caller).rotateSecret(caller.userId()));
    }

    /** The URL if the policy accepts its form, else the 400 problem {@code bad-webhook-url}. */
    static String checked(WebhookAddressPolicy policy, String url) {
        try {
            return policy.check(url).toString();
        } catch (BadWebhookUrlException e) {
            throw Problem.badRequest("bad-webhook-url", e.getMessage());
        }
    }

    private static WebhookSettings settings(Caller caller) {
        return new WebhookSettings(caller.home().files().dataSource());
    }

    private static void answer(Context ctx, WebhookSettings.Setting s) {
        Map<String, Object> out = new HashMap<>();
        out.put("url", s.url());
        out.put("secret", s.secret());
        ctx.header("Cache-Control", "no-store");
        ctx.json(out);
    }
}
