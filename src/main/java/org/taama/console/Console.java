package org.taama.console;

import io.vertx.core.Handler;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.StaticHandler;
import org.taama.cases.Audit;
import org.taama.operators.Accounts;
import org.taama.operators.Accounts.Role;
import org.taama.operators.OperatorRoutes;
import org.taama.web.BadRequest;
import org.taama.web.Failures;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The web console: its pages and files at {@code /}, front-end libraries at {@code /webjars/}, and
 * its sign-in session. Mount it before the API routes: it signs in {@code /api/*} requests that carry
 * the session cookie (and no {@code Authorization} header), and refuses their state-changing ones
 * without the session's CSRF token.
 *
 * <pre>
 * GET  /                      the sign-in page
 * GET  /&lt;page&gt;                a page of {@link Page}: signed in with a role that may see it; else 302 to / or 403
 * POST /api/session           {username, password} → {username, role, pages, home, csrf} and the session cookie
 * GET  /api/me                → {username, role, pages, home} (+ csrf with the cookie)
 * POST /api/logout            with the cookie (and its CSRF token): ends the session → 204
 * </pre>
 */
public final class Console {
    public static final String CSRF_HEADER = "X-CSRF-Token";
    /** Scripts from our own files only (none inline), nothing framed, nothing sent elsewhere. */
    static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "font-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";
    private static final Set<HttpMethod> SAFE = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS);
    private static final Set<Role> ANYONE = EnumSet.allOf(Role.class);
    private static final String SESSION = "taama.console.session";
    private static final String COOKIE_VALUE = "taama.console.cookie";
    /** Long enough for a version's whole life: a WebJar's path holds its version. */
    static final long WEBJAR_MAX_AGE = 365L * 24 * 3600;

    private final Sessions sessions;
    private final Accounts accounts;
    private final Audit audit;
    private final boolean secure;
    private final String cookieName;
    private final Function<HttpServerRequest, String> clientAddress;

    /**
     * {@code secure}: the console is reached over https (PUBLIC_BASE_URL), so the cookie is Secure and
     * takes the {@code __Host-} prefix (no sub-domain can set or read it).
     */
    public Console(Sessions sessions, Accounts accounts, Audit audit, boolean secure, Function<HttpServerRequest, String> clientAddress) {
        this.sessions = sessions;
        this.accounts = accounts;
        this.audit = audit;
        this.secure = secure;
        this.cookieName = secure ? "__Host-taama_session" : "taama_session";
        this.clientAddress = clientAddress;
    }

    public String cookieName() {
        return cookieName;
    }

    public void mount(Router router) {
        Handler<RoutingContext> failure = ctx -> OperatorRoutes.failure(ctx, audit);
        Handler<RoutingContext> body = BodyHandler.create(false).setBodyLimit(OperatorRoutes.BODY_LIMIT);

        router.route("/api/*").handler(this::apiSession);
        OperatorRoutes.route(failure, router.post("/api/session"), body, this::signIn);
        OperatorRoutes.route(failure, router.get("/api/me"), OperatorRoutes.auth(accounts, ANYONE), this::me);
        // Before the API's own logout, which takes the Bearer token ones.
        OperatorRoutes.route(failure, router.post("/api/logout"), this::signOut);

        router.get("/").handler(ctx -> file(ctx, 200, "login.html"));
        for (Page page : Page.values()) router.get(page.path()).handler(ctx -> page(ctx, page));
        StaticHandler files = StaticHandler.create("console").setCachingEnabled(true).setMaxAgeSeconds(0)
                .setDirectoryListing(false).setIncludeHidden(false).setSendVaryHeader(true);
        // Our own scripts and styles: asked again each time (answered 304 when unchanged), so a new
        // release is never half old; .html only through the page routes above, which check the role.
        router.getWithRegex("/[a-z0-9][a-z0-9-]*\\.(css|js|svg|png|ico|woff2)").handler(ctx -> {
            secured(ctx, "no-cache");
            ctx.next();
        }).handler(files);
        StaticHandler webjars = StaticHandler.create("META-INF/resources/webjars").setCachingEnabled(true)
                .setMaxAgeSeconds(WEBJAR_MAX_AGE).setDirectoryListing(false).setIncludeHidden(false);
        router.get("/webjars/*").handler(ctx -> {
            secured(ctx, "public, max-age=" + WEBJAR_MAX_AGE + ", immutable");
            ctx.next();
        }).handler(webjars);
    }

    // ---------------------------------------------------------------- the session on API requests

    private void apiSession(RoutingContext ctx) {
        String id = cookie(ctx);
        if (id == null || ctx.request().getHeader(HttpHeaders.AUTHORIZATION) != null) {
            // A script's Bearer token wins: it is not sent by a browser on its own, so it needs no CSRF token.
            ctx.next();
            return;
        }
        // The body handlers come after this look-up: hold the body until they are there.
        ctx.request().pause();
        sessions.find(id).onComplete(ar -> {
            ctx.request().resume();
            if (ar.failed()) {
                ctx.fail(ar.cause());
                return;
            }
            Sessions.Session s = ar.result();
            if (s != null) {
                ctx.put(SESSION, s);
                ctx.put(COOKIE_VALUE, id);
                BadRequest refusal = null;
                if (!SAFE.contains(ctx.request().method()) && !s.allows(ctx.request().getHeader(CSRF_HEADER))) {
                    refusal = new BadRequest(403, "this request needs the session's CSRF token in " + CSRF_HEADER);
                    ctx.put(OperatorRoutes.REFUSAL_MORE, Map.of("reason", "csrf"));
                }
                OperatorRoutes.signedInBySession(ctx, s.operator(), refusal);
            }
            ctx.next();
        });
    }

    private String cookie(RoutingContext ctx) {
        Cookie c = ctx.request().getCookie(cookieName);
        return c == null ? null : c.getValue();
    }

    // ---------------------------------------------------------------- sign-in, me, sign-out

    private void signIn(RoutingContext ctx) {
        String type = ctx.request().getHeader(HttpHeaders.CONTENT_TYPE);
        // A form on another site cannot send JSON without asking first (and we never answer that ask).
        if (type == null || !type.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
            throw new BadRequest(415, "sign in with a JSON body (Content-Type: application/json)");
        }
        JsonObject b = OperatorRoutes.json(ctx);
        String user = text(b, "username");
        String pass = text(b, "password");
        ctx.put(OperatorRoutes.SELF_AUDITED, true);
        accounts.login(user, pass, clientAddress.apply(ctx.request()), "console", sessions::open)
                .compose(id -> sessions.find(id).map(s -> {
                    if (s == null) throw Accounts.unauthorized(); // the account was deleted meanwhile
                    ctx.response().addCookie(sessionCookie(id));
                    return describe(s.operator()).put("csrf", s.csrf());
                }))
                .onSuccess(o -> json(ctx, 200, o))
                .onFailure(ctx::fail);
    }

    private void me(RoutingContext ctx) {
        JsonObject o = describe(OperatorRoutes.operator(ctx));
        Sessions.Session s = ctx.get(SESSION);
        if (s != null) o.put("csrf", s.csrf());
        json(ctx, 200, o);
    }

    private void signOut(RoutingContext ctx) {
        Sessions.Session s = ctx.get(SESSION);
        if (s == null || ctx.request().getHeader(HttpHeaders.AUTHORIZATION) != null) {
            ctx.next();
            return;
        }
        if (!s.allows(ctx.request().getHeader(CSRF_HEADER))) {
            // Audited as the session's refusal, like any other route's.
            OperatorRoutes.auth(accounts, ANYONE).handle(ctx);
            return;
        }
        String user = s.operator().username();
        sessions.close(ctx.get(COOKIE_VALUE))
                .compose(v -> audit.record(user, "logout", null, Map.of("via", "console")))
                .onSuccess(v -> ctx.response().addCookie(ended()).setStatusCode(204).end())
                .onFailure(ctx::fail);
    }

    private static JsonObject describe(Accounts.Operator op) {
        JsonArray pages = new JsonArray();
        for (Page p : Page.of(op.role())) pages.add(new JsonObject().put("id", p.id()).put("path", p.path()));
        java.util.List<Page> mine = Page.of(op.role());
        return new JsonObject().put("username", op.username()).put("role", op.role().id()).put("pages", pages)
                .put("home", mine.isEmpty() ? "/" : mine.get(0).path());
    }

    private Cookie sessionCookie(String id) {
        // No Max-Age: it goes when the browser closes; the server ends it sooner when idle.
        return Cookie.cookie(cookieName, id).setPath("/").setHttpOnly(true).setSecure(secure)
                .setSameSite(CookieSameSite.STRICT);
    }

    private Cookie ended() {
        return sessionCookie("").setMaxAge(0);
    }

    private static String text(JsonObject b, String field) {
        Object v = b.getValue(field);
        if (v == null) throw new BadRequest(field + " is required");
        if (!(v instanceof String s)) throw new BadRequest(field + " must be a string");
        return s;
    }

    private static void json(RoutingContext ctx, int status, JsonObject o) {
        ctx.response().setStatusCode(status)
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json; charset=utf-8")
                .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
                .end(o.encode());
    }

    // ---------------------------------------------------------------- pages

    private void page(RoutingContext ctx, Page page) {
        sessions.find(cookie(ctx)).onComplete(ar -> {
            if (ar.failed()) {
                ctx.fail(ar.cause()); // Redis unreachable: the server's 503
                return;
            }
            Sessions.Session s = ar.result();
            if (s == null) {
                ctx.response().setStatusCode(302).putHeader(HttpHeaders.LOCATION, "/?next=" + page.path()).end();
            } else if (!page.allows(s.operator().role())) {
                file(ctx, 403, "forbidden.html");
            } else {
                file(ctx, 200, page.id() + ".html");
            }
        });
    }

    private void file(RoutingContext ctx, int status, String name) {
        secured(ctx, "no-store");
        ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "text/html; charset=utf-8")
                .sendFile("console/" + name).onFailure(e -> {
                    if (!ctx.response().ended()) ctx.fail(404);
                });
    }

    /** The headers of every console page and file; {@code cache} is its Cache-Control. */
    private static void secured(RoutingContext ctx, String cache) {
        ctx.put(CACHE, cache);
        ctx.response().headers()
                .set("Content-Security-Policy", CSP)
                .set("X-Frame-Options", "DENY")
                .set("Referrer-Policy", "no-referrer")
                .set("Cross-Origin-Opener-Policy", "same-origin");
    }

    /**
     * Context key: the Cache-Control a console route chose; the server's own header handler, which
     * makes every other answer no-store, leaves it.
     */
    public static final String CACHE = "taama.cache";

    /**
     * The Cache-Control this answer must carry: what a console route chose for a file it found (200,
     * or 304 for one unchanged), else no-store (a 404 must never be kept a year).
     */
    public static String cacheControl(RoutingContext ctx) {
        int status = ctx.response().getStatusCode();
        return (status == 200 || status == 304) && ctx.get(CACHE) instanceof String s ? s : "no-store";
    }
}
