package org.taama.stats;

import io.vertx.core.Handler;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.taama.cases.Audit;
import org.taama.operators.Accounts;
import org.taama.operators.Accounts.Role;
import org.taama.operators.OperatorRoutes;
import org.taama.web.BadRequest;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The dashboard's API, for operators and admins (a token or the console's session):
 * <pre>
 * GET /api/stats?range=1h|24h|7d|30d|90d   → the view (minutes up to 24 h, days beyond)
 * GET /api/stats/live?range=…              → Server-Sent Events: "view" once, then "tail" on every change
 * GET /api/log?limit=100                   → {entries}: the latest events, newest first (1..1000)
 * GET /api/log/live?limit=100              → Server-Sent Events: "log" (the latest) once, then "more"
 * </pre>
 * Reads are counted in the audit per hour ({@code stats:read}, {@code log:read}).
 */
public final class StatsRoutes {
    /** Live pages one node holds open at most; more get 503 (each holds a connection). */
    static final int LIVE_MAX = 200;
    static final long HEARTBEAT_MS = 15_000;
    private static final Set<Role> STAFF = EnumSet.of(Role.ADMIN, Role.OPERATOR);
    private static final AtomicInteger OPEN = new AtomicInteger();

    private StatsRoutes() {}

    public static void mount(Router router, Vertx vertx, Accounts accounts, Audit audit, StatsView view, MessageLog log, Live live) {
        Handler<RoutingContext> failure = ctx -> OperatorRoutes.failure(ctx, audit);
        Handler<RoutingContext> staff = OperatorRoutes.auth(accounts, STAFF);
        OperatorRoutes.route(failure, router.get("/api/stats"), staff, ctx -> {
            Range range = range(ctx);
            OperatorRoutes.send(ctx, audit.count(OperatorRoutes.operator(ctx).username(), "stats:read", null)
                    .compose(v -> view.view(range)), 200);
        });
        OperatorRoutes.route(failure, router.get("/api/stats/live"), staff, ctx -> {
            Range range = range(ctx);
            // Watching first, so a change made while the first view is read still comes as a tail.
            live.watch(range, 1);
            audit.count(OperatorRoutes.operator(ctx).username(), "stats:read", null)
                    .compose(v -> view.view(range))
                    .onFailure(e -> {
                        live.watch(range, -1);
                        ctx.fail(e);
                    })
                    .onSuccess(first -> stream(ctx, vertx, "view", first.encode(), Live.address(range), "tail",
                            () -> live.watch(range, -1)));
        });
        OperatorRoutes.route(failure, router.get("/api/log"), staff, ctx -> {
            int limit = limit(ctx);
            OperatorRoutes.send(ctx, audit.count(OperatorRoutes.operator(ctx).username(), "log:read", null)
                    .compose(v -> log.latest(limit))
                    .map(l -> new JsonObject().put("entries", new JsonArray(List.copyOf(l)))), 200);
        });
        OperatorRoutes.route(failure, router.get("/api/log/live"), staff, ctx -> {
            int limit = limit(ctx);
            // Watching first, so nothing written while the first page is read falls between the two.
            live.watchLog(1);
            audit.count(OperatorRoutes.operator(ctx).username(), "log:read", null)
                    .compose(v -> log.latest(limit))
                    .onFailure(e -> {
                        live.watchLog(-1);
                        ctx.fail(e);
                    })
                    .onSuccess(l -> stream(ctx, vertx, "log", new JsonObject().put("entries", new JsonArray(List.copyOf(l))).encode(),
                            Live.LOG_ADDRESS, "more", () -> live.watchLog(-1)));
        });
    }

    /** The one {@code range} asked for; 400 for anything else (absent means 24 h). */
    static Range range(RoutingContext ctx) {
        List<String> given = ctx.queryParam("range");
        if (given.size() > 1) throw new BadRequest("range must be given once");
        String id = given.isEmpty() ? Range.DAY.id() : given.get(0);
        Range r = id.length() > 8 ? null : Range.of(id);
        if (r == null) throw new BadRequest("range must be one of " + Range.ids());
        return r;
    }

    static int limit(RoutingContext ctx) {
        if (ctx.queryParam("limit").size() > 1) throw new BadRequest("limit must be given once");
        String v = OperatorRoutes.query(ctx, "limit", "100");
        if (v.length() > 4 || !v.chars().allMatch(Character::isDigit) || v.isEmpty()) {
            throw new BadRequest("limit must be a whole number from 1 to " + MessageLog.MAX);
        }
        int n = Integer.parseInt(v);
        if (n < 1 || n > MessageLog.MAX) throw new BadRequest("limit must be a whole number from 1 to " + MessageLog.MAX);
        return n;
    }

    /**
     * Holds the response open as an event stream: {@code first} at once, then every message on
     * {@code address}; a comment every {@value #HEARTBEAT_MS} ms keeps proxies and idle timeouts from
     * closing it. A client too slow to read misses updates rather than fill this node's memory: the
     * next one carries the current totals anyway.
     */
    private static void stream(RoutingContext ctx, Vertx vertx, String firstEvent, String first, String address, String event,
                               Runnable closed) {
        if (OPEN.incrementAndGet() > LIVE_MAX) {
            OPEN.decrementAndGet();
            closed.run();
            ctx.fail(new BadRequest(503, "too many live pages open on this node; try again later"));
            return;
        }
        HttpServerResponse res = ctx.response();
        res.setChunked(true).putHeader("Content-Type", "text/event-stream; charset=utf-8").putHeader("X-Accel-Buffering", "no");
        res.write("retry: 3000\n\n" + frame(firstEvent, first));
        MessageConsumer<String> consumer = vertx.eventBus().localConsumer(address, m -> {
            if (!res.ended() && !res.writeQueueFull()) res.write(frame(event, m.body()));
        });
        long beat = vertx.setPeriodic(HEARTBEAT_MS, t -> {
            if (!res.ended()) res.write(": beat\n\n");
        });
        Runnable end = new Runnable() {
            private boolean done;

            @Override
            public void run() {
                if (done) return;
                done = true;
                OPEN.decrementAndGet();
                vertx.cancelTimer(beat);
                consumer.unregister();
                closed.run();
            }
        };
        res.closeHandler(v -> end.run());
        res.endHandler(v -> end.run());
    }

    private static String frame(String event, String data) {
        return "event: " + event + "\ndata: " + data + "\n\n";
    }
}
