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

    private Failures() {}

    /** What went wrong, as the sender should hear it. */
    public record Refusal(int status, String reason) {}

    public static Refusal classify(RoutingContext ctx, long bodyLimit) {
        Throwable err = ctx.failure();
        if (err instanceof BadRequest bad) return new Refusal(bad.status(), bad.getMessage());
        int code = ctx.statusCode();
        if (code == 413) return new Refusal(413, "request body larger than " + bodyLimit + " bytes");
        if (code == 404) return new Refusal(404, "not found");
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
        ctx.response().setStatusCode(r.status()).putHeader("Content-Type", "text/plain; charset=utf-8")
                .end(r.reason() + "\n");
    }

    public static void json(RoutingContext ctx, long bodyLimit) {
        if (ctx.response().ended()) return;
        Refusal r = classify(ctx, bodyLimit);
        if (r.status() == 401) ctx.response().putHeader("WWW-Authenticate", "Bearer");
        ctx.response().setStatusCode(r.status())
                .putHeader("Content-Type", "application/json; charset=utf-8")
                .putHeader("Cache-Control", "no-store")
                .end(new JsonObject().put("error", r.reason()).encode());
    }
}
