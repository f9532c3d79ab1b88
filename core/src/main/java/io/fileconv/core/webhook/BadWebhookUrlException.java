package io.fileconv.core.webhook;

/** A webhook URL this service will not call; the message says why and is safe to show to its owner. */
public final class BadWebhookUrlException extends Exception {
    public BadWebhookUrlException(String message) {
        super(message);
    }
}
