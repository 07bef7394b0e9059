package org.taama.server;

import org.taama.campaign.CampaignRoutes;
import org.taama.campaign.CampaignStore;
import org.taama.campaign.Preview;
import org.taama.config.Config;
import org.taama.console.Console;
import org.taama.web.Failures;
import org.taama.web.Http1Edge;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import org.taama.cost.CostRoutes;
import org.taama.quiz.QuizRoutes;
import org.taama.operators.OperatorRoutes;
import org.taama.twilio.StatusRoutes;
import org.taama.stats.StatsRoutes;
import org.taama.cost.TextCost;
import org.taama.simulator.SimulatorRoutes;
import org.taama.ussd.CallbackGuard;
import org.taama.ussd.Gateways;
import org.taama.gateway.UssdGateway;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The HTTP surface. One instance per event loop; all share one {@link App}. */
public final class HttpVerticle extends VerticleBase {
    /** A USSD or webhook form is a few hundred bytes; anything far bigger is refused with 413. */
    static final int BODY_LIMIT = 16 * 1024;

    private final App app;
    private HttpServer server;
    private Router router;

    public HttpVerticle(App app) {
        this.app = app;
    }

    @Override
    public Future<?> start() {
        router = Router.router(vertx);
        // Every answer is made for one request: never cached, never content-sniffed (a refusal that
        // echoes input must not become HTML in a browser). Set as headers are written, so no route can forget.
        router.route().handler(ctx -> {
            ctx.addHeadersEndHandler(v -> ctx.response().headers()
                    .set("X-Content-Type-Options", "nosniff").set("Cache-Control", Console.cacheControl(ctx)));
            ctx.next();
        });
        router.get("/health").handler(this::health);
        router.get("/ready").handler(this::ready);
        router.get("/metrics").handler(this::metrics);
        CallbackGuard guard = app.ussdGuard();
        for (UssdGateway gateway : Gateways.all()) {
            router.post(guard.path(gateway))
                    .handler(guard.forGateway(gateway))
                    .handler(BodyHandler.create(false).setBodyLimit(BODY_LIMIT))
                    .handler(ctx -> ussd(ctx, gateway, guard));
        }
        router.post("/twilio/messages")
                .handler(BodyHandler.create(false).setBodyLimit(BODY_LIMIT))
                .handler(app.twilioMessages()::handle);
        StatusRoutes.mount(router, app.twilioSignature(), app.delivery(), app.consent(), app.callers(), app.dashboard().recorder());
        CostRoutes.mount(router, new TextCost(app.config()));
        // First: it signs in the API requests that carry the console's session cookie.
        app.console().mount(router);
        OperatorRoutes.mount(router, vertx, app.accounts(), app.cases(), app.erasure(), app.callers(), app.clientAddress()::of);
        CampaignRoutes.mount(router, app.accounts(), app.cases().audit(), new CampaignStore(app.redis(), Clock.systemUTC()),
                new Preview(vertx, new TextCost(app.config()), app.consent().subscribers(), app.config().senderRate(),
                        app.config().sendValidity(), app.config().quietHours(), Clock.systemUTC()), app.regions(), Clock.systemUTC());
        SimulatorRoutes.mount(router, app.accounts(), app.cases().audit(), app.simulator(), app.contentScreens());
        QuizRoutes.mount(router, app.accounts(), app.cases().audit(), app.quizzes());
        StatsRoutes.mount(router, vertx, app.accounts(), app.cases().audit(), app.dashboard().view(), app.dashboard().log(),
                app.dashboard().live());
        router.route().failureHandler(this::failure);
        // An unknown path and a refused USSD token must answer alike, byte for byte.
        router.errorHandler(404, this::failure);
        Config c = app.config();
        Http1Edge edge = new Http1Edge(c.port(), c.httpIdleTimeout().toMillis(), c.httpHeaderTimeout().toMillis());
        server = vertx.createHttpServer(edge.options().setHost(c.httpHost()));
        return server.connectionHandler(edge.connections()).requestHandler(router).listen();
    }

    private void health(RoutingContext ctx) {
        json(ctx, 200, new JsonObject().put("status", "UP"));
    }

    private void ready(RoutingContext ctx) {
        app.redis().ping()
                .timeout(app.config().redisTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .onSuccess(pong -> json(ctx, 200, new JsonObject().put("status", "READY").put("redis", "up")))
                .onFailure(err -> json(ctx, 503, new JsonObject().put("status", "NOT_READY").put("redis", "down")));
    }

    private void metrics(RoutingContext ctx) {
        ctx.response().putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
                .end(app.metrics().scrape());
    }

    private void ussd(RoutingContext ctx, UssdGateway gateway, CallbackGuard guard) {
        var req = gateway.parse(ctx);
        if (!guard.ourCode(req.serviceCode())) {
            gateway.reply(ctx, app.ussd().wrongServiceCode(gateway.name()));
            return;
        }
        app.ussd().handle(gateway.name(), req, guard.dialledDigits(req.serviceCode())).onComplete(ar -> {
            if (ctx.response().ended()) return;
            gateway.reply(ctx, ar.succeeded() ? ar.result() : app.ussd().unavailable());
        });
    }

    private void failure(RoutingContext ctx) {
        Failures.plain(ctx, BODY_LIMIT);
    }

    private static void json(RoutingContext ctx, int status, JsonObject body) {
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.encode());
    }

    /** Every route as "METHOD path" (a route for any method is listed once, as "* path"). */
    List<String> routes() {
        List<String> out = new ArrayList<>();
        for (Route r : router.getRoutes()) {
            if (r.getPath() == null) continue;
            if (r.methods() == null || r.methods().isEmpty()) out.add("* " + r.getPath());
            else r.methods().forEach(m -> out.add(m.name() + " " + r.getPath()));
        }
        return out;
    }

    @Override
    public Future<?> stop() {
        return server == null ? Future.succeededFuture() : server.close();
    }
}
