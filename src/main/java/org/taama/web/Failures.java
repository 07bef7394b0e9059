package org.taama.web;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one way a request is refused: a status and a one-line reason, as plain text (gateways,
 * webhooks) or JSON (the APIs). Never a stack trace; nothing of the request is logged, since a
 * request may carry a caller's number.
 */
public final class Failures {
    private static final Logger log = LoggerFactory.getLogger(Failures.class);

    /** Context key: the path to log instead of the request's, when the path holds a secret. */
    public static final String LOG_PATH = "taama.log.path";

    /** What a 503 tells the sender to wait: about how long Redis takes to be reconnected or fail over. */
    public static final long RETRY_AFTER_SECONDS = 5;

    private Failures() {}

    /** What went wrong, as the sender should hear it; {@code retryAfter} seconds, or 0 for none. */
    public record Refusal(int status, String reason, long retryAfter) {
        public Refusal(int status, String reason) {
            this(status, reason, 0);
        }
    }

    /**
     * True when the failure is Redis being unreachable, slow or not serving (connection lost, command
     * timed out, loading, failing over): a 503 that passes, not a bug (500). A command Redis refused
     * for being wrong (WRONGTYPE, a script error) stays a 500.
     */
    static boolean storageDown(Throwable err) {
        for (Throwable t = err; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof java.util.concurrent.TimeoutException) return true;
            if (t instanceof io.lettuce.core.RedisCommandExecutionException) {
                String m = String.valueOf(t.getMessage());
                return m.startsWith("LOADING") || m.startsWith("BUSY") || m.startsWith("MASTERDOWN")
                        || m.startsWith("CLUSTERDOWN") || m.startsWith("TRYAGAIN") || m.startsWith("READONLY");
            }
            if (t instanceof io.lettuce.core.RedisException) return true;
        }
        return false;
    }

    public static Refusal classify(RoutingContext ctx, long bodyLimit) {
        Throwable err = ctx.failure();
        if (err instanceof BadRequest bad) {
            // Every 503 passes by itself (storage back, a busy pool drained): say when to try again.
            long retry = bad.retryAfterSeconds() > 0 || bad.status() != 503 ? bad.retryAfterSeconds() : RETRY_AFTER_SECONDS;
            return new Refusal(bad.status(), bad.getMessage(), retry);
        }
        if (storageDown(err)) return new Refusal(503, "the service cannot reach its storage just now; try again shortly",
                RETRY_AFTER_SECONDS);
        int code = ctx.statusCode();
        if (code == 413) return new Refusal(413, "request body larger than " + bodyLimit + " bytes");
        if (code == 404) return new Refusal(404, "not found");
        // Over HTTP/1.1 Vert.x fails an undecodable form (a bad % escape) with 400 and the decoder's error.
        if (code == 400 && err != null) return new Refusal(400, "malformed request: the form or JSON body cannot be decoded");
        if (code >= 400 && code < 500) return new Refusal(code, "bad request");
        // Vert.x reports an undecodable form (bad % escapes) or JSON body this way.
        if (err instanceof IllegalArgumentException || err instanceof DecodeException) {
            return new Refusal(400, "malformed request");
        }
        String path = ctx.get(LOG_PATH) instanceof String p ? p : ctx.normalizedPath();
        log.error("unhandled error on {} {}: {}", ctx.request().method(), path,
                err == null ? "status " + code : err.getClass().getName());
        return new Refusal(500, "internal error");
    }

    public static void plain(RoutingContext ctx, long bodyLimit) {
        if (ctx.response().ended()) return;
        Refusal r = classify(ctx, bodyLimit);
        if (r.retryAfter() > 0) ctx.response().putHeader("Retry-After", Long.toString(r.retryAfter()));
        ctx.response().setStatusCode(r.status()).putHeader("Content-Type", "text/plain; charset=utf-8")
                .end(r.reason() + "\n");
    }

    public static void json(RoutingContext ctx, long bodyLimit) {
        if (ctx.response().ended()) return;
        Refusal r = classify(ctx, bodyLimit);
        if (r.status() == 401) ctx.response().putHeader("WWW-Authenticate", "Bearer");
        if (r.retryAfter() > 0) ctx.response().putHeader("Retry-After", Long.toString(r.retryAfter()));
        ctx.response().setStatusCode(r.status())
                .putHeader("Content-Type", "application/json; charset=utf-8")
                .putHeader("Cache-Control", "no-store")
                .end(new JsonObject().put("error", r.reason()).encode());
    }
}
