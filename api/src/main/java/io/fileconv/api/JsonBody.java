package io.fileconv.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;

/**
 * Reads a small JSON object body (a token request, a webhook setting). A body that arrived too slowly is a 408
 * problem, as for uploads; anything that is not one JSON object is a 400 problem with the route's own hint.
 */
final class JsonBody {
    private static final Logger LOG = LoggerFactory.getLogger(JsonBody.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private JsonBody() {
    }

    /** @param hint what to send instead, e.g. {@code send {"url":"https://..."}} */
    static Map<?, ?> object(Context ctx, String hint) {
        byte[] bytes;
        try {
            bytes = ctx.bodyAsBytes();
        } catch (Exception e) { // Javalin rethrows the stream's IOException unchecked
            if (RequestBodyGuard.isTooSlow(e)) {
                LOG.info("request refused: body too slow: {}", e.toString());
                throw RequestBodyGuard.tooSlow();
            }
            LOG.info("request refused: body unreadable ({} bytes declared): {}", ctx.contentLength(), e.toString());
            throw Problem.badRequest("bad-json", "the body could not be read; " + hint);
        }
        Object value;
        try {
            value = JSON.readValue(bytes, Object.class);
        } catch (Exception e) {
            throw Problem.badRequest("bad-json", "the body is not JSON; " + hint);
        }
        if (!(value instanceof Map<?, ?> map)) {
            throw Problem.badRequest("bad-json", "the body is not a JSON object; " + hint);
        }
        return map;
    }
}
