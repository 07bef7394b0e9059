package org.taama.cost;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RequestBody;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

/**
 * {@code POST /api/text/cost} with a JSON body {@code {"text": "...", "channel": "sms|whatsapp|ussd",
 * "lang": "fr|bm"}} ({@code lang} optional) answers 200 with the cost as JSON; bad input answers 4xx
 * with {@code {"error": "one line reason"}}.
 */
public final class CostRoutes {
    public static final String PATH = "/api/text/cost";
    public static final long BODY_LIMIT = 64 * 1024;

    private CostRoutes() {}

    public static void mount(Router router, TextCost cost) {
        // No file uploads: nothing is written to disk for this route.
        router.post(PATH).handler(BodyHandler.create(false).setBodyLimit(BODY_LIMIT));
        router.post(PATH).handler(ctx -> handle(ctx, cost));
        router.post(PATH).failureHandler(CostRoutes::failure);
    }

    private static void handle(RoutingContext ctx, TextCost cost) {
        JsonObject body = parse(ctx.body());
        if (body == null) {
            error(ctx, 400, "body must be a JSON object");
            return;
        }
        Object text = body.getValue("text");
        if (!(text instanceof String)) {
            error(ctx, 400, text == null ? "text is required" : "text must be a string");
            return;
        }
        Object channel = body.getValue("channel");
        if (!(channel instanceof String)) {
            error(ctx, 400, "channel must be one of sms, whatsapp, ussd");
            return;
        }
        Object lang = body.getValue("lang");
        if (lang != null && !(lang instanceof String)) {
            error(ctx, 400, "lang must be fr or bm when given");
            return;
        }
        // Paging a long text into USSD screens takes milliseconds: keep it off the event loop.
        ctx.vertx().executeBlocking(() -> cost.cost((String) text, (String) channel, (String) lang), false)
                .onSuccess(c -> ctx.response().setStatusCode(200)
                        .putHeader("Content-Type", "application/json; charset=utf-8")
                        .end(toJson(c).encode()))
                .onFailure(err -> {
                    if (err instanceof TextCost.TooLong) error(ctx, 413, err.getMessage());
                    else if (err instanceof IllegalArgumentException) error(ctx, 400, err.getMessage());
                    else ctx.fail(err);
                });
    }

    private static JsonObject parse(RequestBody body) {
        if (body == null || body.available() == false || body.length() == 0) return null;
        try {
            Object v = io.vertx.core.json.Json.decodeValue(body.buffer());
            return v instanceof JsonObject o ? o : null;
        } catch (RuntimeException e) {
            return null;
        }
    }

    static JsonObject toJson(TextCost.Cost c) {
        JsonObject o = new JsonObject()
                .put("text", c.text())
                .put("channel", c.channel())
                .put("lang", c.lang())
                .put("spelling", c.spelling())
                .put("encoding", c.encoding())
                .put("characters", c.characters())
                .put("utf16Units", c.utf16Units())
                .put("septets", c.septets())
                .put("smsSegments", c.smsSegments())
                .put("ussdScreens", c.ussdScreens());
        if (c.billedAs() != null) o.put("billedAs", c.billedAs());
        return o.put("nonGsm", new JsonArray(c.nonGsm()))
                .put("nonGsmCodePoints", new JsonArray(c.nonGsmCodePoints()));
    }

    /** BodyHandler refusals (413 over 64 KiB) and anything unexpected, still as one JSON line. */
    private static void failure(RoutingContext ctx) {
        org.taama.web.Failures.json(ctx, BODY_LIMIT);
    }

    private static void error(RoutingContext ctx, int status, String reason) {
        ctx.response().setStatusCode(status)
                .putHeader("Content-Type", "application/json; charset=utf-8")
                .end(new JsonObject().put("error", reason).encode());
    }
}
