package org.taama.operators;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RequestBody;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.taama.cases.Audit;
import org.taama.cases.CaseStore;
import org.taama.operators.Accounts.Operator;
import org.taama.operators.Accounts.Role;
import org.taama.privacy.CallerHash;
import org.taama.web.BadRequest;
import org.taama.web.Failures;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * The operator API, JSON in and out; every endpoint but login wants {@code Authorization: Bearer
 * <token>} (401 without a valid one, 403 for the wrong role). Refusals are {@code {"error": "one line"}}.
 *
 * <pre>
 * POST /api/login                 {username, password} → {token, expires_in, role}
 * POST /api/logout                                     → 204
 * POST /api/operators      admin  {username, password, role} → 201 {username, role}
 * GET  /api/operators      admin  → {accounts: [{username, role, created_at}]} by username (counted in the audit)
 * GET  /api/cases?status=new&amp;page=0&amp;size=50   → {status, page, size, total, cases}
 * GET  /api/cases/:id             → the case, number masked; notes for its claimer or an admin (audited)
 * POST /api/cases/:id/claim       → the case
 * POST /api/cases/:id/release     → the case (its claimer, or an admin)
 * POST /api/cases/:id/reveal      → {id, number} (its claimer only; audited)
 * POST /api/cases/:id/status      {status, note?} → the case (forward only: 409 otherwise)
 * POST /api/cases/:id/notes       {note} → 201
 * GET  /api/audit?offset=0&amp;limit=100  admin → {entries} the trail, newest first (audited)
 * GET  /api/audit/reads?offset=0&amp;limit=100  admin → {reads} counts per hour, newest first (audited)
 * POST /api/erase          admin  {number} → {keys, cases, subscriber}
 * </pre>
 * Every 401, 403 and 409 is audited: in the trail when an operator was signed in, counted per hour
 * and route when not (nobody's volume of refusals may bloat the trail).
 */
public final class OperatorRoutes {
    private static final Logger log = LoggerFactory.getLogger(OperatorRoutes.class);
    public static final long BODY_LIMIT = 64 * 1024;
    private static final String USER = "taama.operator";
    private static final Set<Role> STAFF = EnumSet.of(Role.ADMIN, Role.OPERATOR);
    private static final Set<Role> ADMIN = EnumSet.of(Role.ADMIN);

    private OperatorRoutes() {}

    /**
     * Adds the routes. {@code callers} is not needed by the routes themselves (erasure hashes with its
     * own); it is taken so the lead's wiring stays one call.
     */
    public static void mount(Router router, Vertx vertx, Accounts accounts, CaseStore cases, Erasure erasure, CallerHash callers) {
        mount(router, vertx, accounts, cases, erasure, callers, OperatorRoutes::peer);
    }

    /**
     * As above, with {@code clientAddress} saying who sent a request (behind trusted proxies, the
     * address they forwarded): sign-in attempts are counted per network of that address.
     */
    public static void mount(Router router, Vertx vertx, Accounts accounts, CaseStore cases, Erasure erasure, CallerHash callers,
                             Function<HttpServerRequest, String> clientAddress) {
        Audit audit = cases.audit();
        Handler<RoutingContext> failure = ctx -> failure(ctx, audit);
        Handler<RoutingContext> body = BodyHandler.create(false).setBodyLimit(BODY_LIMIT);
        Handler<RoutingContext> staff = auth(accounts, STAFF);
        Handler<RoutingContext> admin = auth(accounts, ADMIN);

        route(failure, router.post("/api/login"), body, ctx -> {
            JsonObject b = json(ctx);
            String user = string(b, "username");
            String pass = string(b, "password");
            String address = clientAddress.apply(ctx.request());
            send(ctx, accounts.login(user, pass, address).compose(token -> accounts.authenticate(token).map(op ->
                    new JsonObject().put("token", token).put("expires_in", Accounts.TOKEN_TTL.toSeconds())
                            .put("role", op.role().id()))), 200);
        });
        route(failure, router.post("/api/logout"), body, auth(accounts, EnumSet.allOf(Role.class)), ctx ->
                accounts.logout(user(ctx), bearer(ctx)).onSuccess(v -> ctx.response().setStatusCode(204)
                        .putHeader("Cache-Control", "no-store").end()).onFailure(ctx::fail));
        route(failure, router.post("/api/operators"), body, admin, ctx -> {
            JsonObject b = json(ctx);
            send(ctx, accounts.create(user(ctx), string(b, "username"), string(b, "password"), string(b, "role"))
                    .map(op -> new JsonObject().put("username", op.username()).put("role", op.role().id())), 201);
        });
        route(failure, router.get("/api/operators"), admin, ctx -> send(ctx, audit.count(user(ctx), "operators:list", null)
                .compose(v -> accounts.list()).map(l -> new JsonObject().put("accounts", new JsonArray(List.copyOf(l)))), 200));
        route(failure, router.get("/api/cases"), staff, ctx -> {
            String status = query(ctx, "status", "new");
            int page = integer(ctx, "page", 0);
            int size = integer(ctx, "size", 50);
            send(ctx, cases.list(user(ctx), status, page, size), 200);
        });
        route(failure, router.get("/api/cases/:id"), staff, ctx -> {
            Operator op = ctx.get(USER);
            send(ctx, cases.get(op.username(), op.role() == Role.ADMIN, ctx.pathParam("id")), 200);
        });
        route(failure, router.post("/api/cases/:id/claim"), body, staff, ctx ->
                send(ctx, cases.claim(user(ctx), ctx.pathParam("id")), 200));
        route(failure, router.post("/api/cases/:id/release"), body, staff, ctx -> {
            Operator op = ctx.get(USER);
            send(ctx, cases.release(op.username(), ctx.pathParam("id"), op.role() == Role.ADMIN), 200);
        });
        route(failure, router.post("/api/cases/:id/reveal"), body, staff, ctx -> {
            String id = ctx.pathParam("id");
            send(ctx, cases.reveal(user(ctx), id).map(n -> new JsonObject().put("id", id).put("number", n)), 200);
        });
        route(failure, router.post("/api/cases/:id/status"), body, staff, ctx -> {
            JsonObject b = json(ctx);
            String status = string(b, "status");
            String note = optionalString(b, "note");
            send(ctx, cases.transition(user(ctx), ctx.pathParam("id"), status, note), 200);
        });
        route(failure, router.post("/api/cases/:id/notes"), body, staff, ctx -> {
            JsonObject b = json(ctx);
            String id = ctx.pathParam("id");
            send(ctx, cases.addNote(user(ctx), id, string(b, "note")).map(v -> new JsonObject().put("id", id).put("noted", true)), 201);
        });
        route(failure, router.get("/api/audit"), admin, ctx -> {
            Page page = page(ctx, 100, Integer.MAX_VALUE, 1000);
            send(ctx, audit.record(user(ctx), "audit:read", null, java.util.Map.of("route", "GET /api/audit"))
                    .compose(v -> audit.recent(page.offset(), page.limit()))
                    .map(l -> new JsonObject().put("entries", new JsonArray(List.copyOf(l)))), 200);
        });
        route(failure, router.get("/api/audit/reads"), admin, ctx -> {
            Page page = page(ctx, 100, Integer.MAX_VALUE, 1000);
            send(ctx, audit.record(user(ctx), "audit:read", null, java.util.Map.of("route", "GET /api/audit/reads"))
                    .compose(v -> audit.reads(page.offset(), page.limit()))
                    .map(l -> new JsonObject().put("reads", new JsonArray(List.copyOf(l)))), 200);
        });
        route(failure, router.post("/api/erase"), body, admin, ctx -> {
            JsonObject b = json(ctx);
            send(ctx, erasure.erase(user(ctx), string(b, "number")).map(Erasure.Result::toJson), 200);
        });
    }

    @SafeVarargs
    public static void route(Handler<RoutingContext> failure, Route route, Handler<RoutingContext>... handlers) {
        for (Handler<RoutingContext> h : handlers) route.handler(h);
        route.failureHandler(failure);
    }

    // ---------------------------------------------------------------- authentication

    /** Context keys: who a console session signed in before the API routes ran, and that session's refusal. */
    private static final String SESSION_USER = "taama.session.operator";
    private static final String SESSION_REFUSAL = "taama.session.refusal";

    /**
     * Signs this request in as {@code op} through the console's session cookie; the console calls it
     * before the API routes run, and only for a request without an {@code Authorization} header. With
     * a {@code refusal} (its CSRF token missing or wrong), every authenticated route refuses the
     * request with it, audited as {@code op}'s.
     */
    public static void signedInBySession(RoutingContext ctx, Operator op, BadRequest refusal) {
        ctx.put(SESSION_USER, op);
        if (refusal != null) ctx.put(SESSION_REFUSAL, refusal);
    }

    /**
     * 401 without a valid token or console session, 403 for a role not in {@code roles} (and for a
     * session's state-changing request without its CSRF token); the signed-in user is then {@link #operator}.
     */
    public static Handler<RoutingContext> auth(Accounts accounts, Set<Role> roles) {
        return ctx -> {
            String token = bearer(ctx);
            if (token == null) {
                Operator bySession = ctx.get(SESSION_USER);
                if (bySession == null) {
                    ctx.fail(Accounts.unauthorized());
                    return;
                }
                ctx.put(USER, bySession);
                BadRequest refused = ctx.get(SESSION_REFUSAL);
                if (refused != null) ctx.fail(refused);
                else if (!roles.contains(bySession.role())) ctx.fail(new BadRequest(403, "your role may not do this"));
                else ctx.next();
                return;
            }
            accounts.authenticate(token).onComplete(ar -> {
                if (ar.failed()) {
                    ctx.fail(ar.cause());
                    return;
                }
                ctx.put(USER, ar.result()); // known even when refused, so the refusal is audited as theirs
                if (!roles.contains(ar.result().role())) {
                    ctx.fail(new BadRequest(403, "your role may not do this"));
                } else {
                    ctx.next();
                }
            });
        };
    }

    private static String bearer(RoutingContext ctx) {
        String h = ctx.request().getHeader("Authorization");
        if (h == null || h.length() < 8 || !h.regionMatches(true, 0, "Bearer ", 0, 7)) return null;
        String t = h.substring(7).trim();
        return t.isEmpty() ? null : t;
    }

    /** Who signed this request, once {@link #auth} let it through. */
    public static Operator operator(RoutingContext ctx) {
        return ctx.get(USER);
    }

    private static String user(RoutingContext ctx) {
        return ctx.<Operator>get(USER).username();
    }

    // ---------------------------------------------------------------- input

    /** The body as a JSON object; 400 with a reason otherwise. */
    public static JsonObject json(RoutingContext ctx) {
        RequestBody body = ctx.body();
        if (body == null || !body.available() || body.length() == 0) throw new BadRequest("body must be a JSON object");
        Object v;
        try {
            v = Json.decodeValue(body.buffer());
        } catch (RuntimeException e) {
            throw new BadRequest("body is not valid JSON");
        }
        if (!(v instanceof JsonObject o)) throw new BadRequest("body must be a JSON object");
        return o;
    }

    private static String string(JsonObject b, String field) {
        Object v = b.getValue(field);
        if (v == null) throw new BadRequest(field + " is required");
        if (!(v instanceof String s)) throw new BadRequest(field + " must be a string");
        return s;
    }

    private static String optionalString(JsonObject b, String field) {
        Object v = b.getValue(field);
        if (v == null) return null;
        if (!(v instanceof String s)) throw new BadRequest(field + " must be a string when given");
        return s;
    }

    public static String query(RoutingContext ctx, String name, String dflt) {
        List<String> v = ctx.queryParam(name);
        return v.isEmpty() ? dflt : v.get(0);
    }

    /** Where a listing starts and how many it answers ({@code ?offset=&limit=}). */
    public record Page(int offset, int limit) {}

    /** The listing asked for, refused with 400 outside 0..maxOffset and 1..maxLimit. */
    public static Page page(RoutingContext ctx, int defaultLimit, int maxOffset, int maxLimit) {
        int offset = integer(ctx, "offset", 0);
        int limit = integer(ctx, "limit", defaultLimit);
        if (offset < 0 || offset > maxOffset || limit < 1 || limit > maxLimit) {
            throw new BadRequest((maxOffset == Integer.MAX_VALUE ? "offset must be 0 or more"
                    : "offset must be 0 to " + maxOffset) + " and limit 1 to " + maxLimit);
        }
        return new Page(offset, limit);
    }

    public static int integer(RoutingContext ctx, String name, int dflt) {
        String v = query(ctx, name, null);
        if (v == null) return dflt;
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new BadRequest(name + " must be a whole number");
        }
    }

    // ---------------------------------------------------------------- output

    /** Answers the object as JSON, never cached; a failure goes to the route's failure handler. */
    public static void send(RoutingContext ctx, Future<JsonObject> result, int status) {
        result.onSuccess(o -> {
            if (ctx.response().ended()) return;
            ctx.response().setStatusCode(status)
                    .putHeader("Content-Type", "application/json; charset=utf-8")
                    .putHeader("Cache-Control", "no-store")
                    .end(o.encode());
        }).onFailure(ctx::fail);
    }

    private static final Set<Integer> AUDITED = Set.of(401, 403, 409);

    /**
     * Every refusal as one JSON line; nothing about the request (it may hold a number) is logged.
     * 401, 403 and 409 are audited first (login audits its own): what was refused, on which route
     * and case, to whom. Without a signed-in operator, only the route is kept (a case id in the path
     * is then anyone's text) and the refusal is counted, not added to the trail.
     */
    public static void failure(RoutingContext ctx, Audit audit) {
        if (ctx.response().ended()) return;
        int status = ctx.failure() instanceof BadRequest b ? b.status() : ctx.statusCode();
        String path = ctx.currentRoute() == null ? null : ctx.currentRoute().getPath();
        if (!AUDITED.contains(status) || path == null || path.equals("/api/login") || Boolean.TRUE.equals(ctx.get(SELF_AUDITED))) {
            Failures.json(ctx, BODY_LIMIT);
            return;
        }
        Operator op = ctx.get(USER);
        String route = ctx.request().method().name() + " " + path;
        String id = CaseStore.isId(ctx.pathParam("id")) ? ctx.pathParam("id") : null;
        Future<Void> noted = op != null
                ? audit.record(op.username(), "refused", id, refusal(ctx, status, route))
                : audit.count("anonymous", "refused:" + status + " " + route, null);
        noted.onComplete(ar -> {
            if (ar.failed()) log.warn("a refusal ({} on {}) could not be audited: {}", status, route, ar.cause().getClass().getName());
            Failures.json(ctx, BODY_LIMIT);
        });
    }

    /**
     * Context key: more a route knows about what it refused (a campaign id it checked), for the trail;
     * only values the server checked, never free text from the request.
     */
    public static final String REFUSAL_MORE = "taama.refusal.more";

    /** Context key: true when the route audits its own refusals (a sign-in), so they are not audited twice. */
    public static final String SELF_AUDITED = "taama.refusal.self-audited";

    private static java.util.Map<String, Object> refusal(RoutingContext ctx, int status, String route) {
        java.util.Map<String, Object> more = new java.util.HashMap<>();
        if (ctx.get(REFUSAL_MORE) instanceof java.util.Map<?, ?> m) m.forEach((k, v) -> more.put(String.valueOf(k), v));
        more.put("status", status);
        more.put("route", route);
        return more;
    }

    private static String peer(HttpServerRequest request) {
        return request.remoteAddress() == null ? "unknown" : request.remoteAddress().hostAddress();
    }
}
