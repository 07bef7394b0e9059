package org.taama.console;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.taama.cases.Audit;
import org.taama.redis.Redis;
import org.taama.support.Await;
import org.taama.support.ConsoleServer;
import org.taama.support.ConsoleServer.Account;
import org.taama.support.ConsoleServer.Reply;
import org.taama.support.ConsoleServer.Session;

import java.time.Clock;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The console's session, CSRF protection, page gates and files, over real HTTP against a real server and Redis. */
class ConsoleHttpTest {
    static ConsoleServer console;
    static Account operator;
    static Account volunteer;

    @BeforeAll
    static void start() throws Exception {
        console = ConsoleServer.start();
        operator = console.account("operator");
        volunteer = console.account("volunteer");
    }

    @AfterAll
    static void stop() throws Exception {
        console.close();
    }

    static Redis redis() {
        return console.server.redis();
    }

    static List<JsonObject> trail() {
        return Await.result(new Audit(redis(), Clock.systemUTC()).recent(0, 50));
    }

    static List<String> ids(JsonArray pages) {
        return pages.stream().map(p -> ((JsonObject) p).getString("id")).toList();
    }

    @Test
    void signingInSetsAnHttpOnlyStrictCookieAndAnswersTheRolesPagesAndCsrfToken() throws Exception {
        Session s = console.signIn(operator);
        String set = s.signIn().all("Set-Cookie").get(0);
        assertThat(set).startsWith("taama_session=").containsIgnoringCase("HttpOnly").contains("SameSite=Strict").contains("Path=/")
                .doesNotContain("Secure").doesNotContain("Max-Age").doesNotContain("Domain");
        JsonObject body = s.signIn().json();
        assertThat(body.getString("username")).isEqualTo(operator.username());
        assertThat(body.getString("role")).isEqualTo("operator");
        assertThat(ids(body.getJsonArray("pages"))).containsExactly("dashboard", "cases", "approvals", "log", "campaigns");
        assertThat(body.getString("home")).isEqualTo("/dashboard");
        assertThat(body.getString("csrf")).matches("[A-Za-z0-9_-]{43}");
        assertThat(body.containsKey("token")).isFalse();
        assertThat(s.signIn().header("Cache-Control")).isEqualTo("no-store");

        Reply me = console.withSession(s, "GET", "/api/me", null, false);
        assertThat(me.status()).isEqualTo(200);
        assertThat(me.json().getString("username")).isEqualTo(operator.username());
        assertThat(me.json().getString("csrf")).isEqualTo(s.csrf());
        JsonObject vol = console.signIn(volunteer).signIn().json();
        assertThat(ids(vol.getJsonArray("pages"))).containsExactly("campaigns", "simulator", "content");
        JsonObject adm = console.signIn(console.admin).signIn().json();
        assertThat(ids(adm.getJsonArray("pages"))).containsExactly(
                "dashboard", "cases", "approvals", "log", "campaigns", "simulator", "content", "accounts");
    }

    @Test
    void theSessionIdIsStoredOnlyHashedAndEndsWhenIdle() throws Exception {
        Session s = console.signIn(operator);
        String id = s.cookie().substring(s.cookie().indexOf('=') + 1);
        assertThat(id).matches("[A-Za-z0-9_-]{43}");
        String key = Sessions.key(id);
        assertThat(key).doesNotContain(id);
        assertThat(Await.result(redis().scan("*" + id + "*"))).isEmpty();
        Map<String, String> stored = Await.result(redis().hgetall(key));
        assertThat(stored).containsEntry("user", operator.username()).containsEntry("csrf", s.csrf());
        assertThat(stored.values()).doesNotContain(id);
        long ttl = Await.result(redis().ttlMillis(key));
        assertThat(ttl).isBetween(Sessions.IDLE.toMillis() - 60_000, Sessions.IDLE.toMillis());
        // Used, its idle time starts again.
        Await.result(redis().expire(key, java.time.Duration.ofMinutes(1)));
        assertThat(console.withSession(s, "GET", "/api/me", null, false).status()).isEqualTo(200);
        assertThat(Await.result(redis().ttlMillis(key))).isGreaterThan(Sessions.IDLE.toMillis() - 60_000);
        // Past its end (at most TOKEN_TTL after sign-in) it is refused and gone, however recently used.
        Await.result(redis().hset(key, Map.of("until", Long.toString(System.currentTimeMillis() - 1))));
        assertThat(console.withSession(s, "GET", "/api/me", null, false).status()).isEqualTo(401);
        assertThat(Await.result(redis().hgetall(key))).isEmpty();
    }

    @Test
    void aStateChangingRequestWithTheCookieButWithoutItsCsrfTokenIsRefusedAndAudited() throws Exception {
        Account op = console.account("operator");
        Session s = console.signIn(op);
        String draft = campaign();
        Reply without = console.withSession(s, "POST", "/api/campaigns", draft, false);
        assertThat(without.status()).isEqualTo(403);
        assertThat(without.json().getString("error")).contains("CSRF");
        Reply wrong = console.call("POST", "/api/campaigns",
                Map.of("Cookie", s.cookie(), "X-CSRF-Token", s.csrf().substring(1) + "x", "Content-Type", "application/json"), draft);
        assertThat(wrong.status()).isEqualTo(403);
        // Another session's token is no good either.
        Session other = console.signIn(op);
        Reply crossed = console.call("POST", "/api/campaigns",
                Map.of("Cookie", s.cookie(), "X-CSRF-Token", other.csrf(), "Content-Type", "application/json"), draft);
        assertThat(crossed.status()).isEqualTo(403);
        assertThat(console.withSession(s, "POST", "/api/cases/" + "0".repeat(32) + "/claim", "{}", false).status()).isEqualTo(403);
        assertThat(console.withSession(s, "PUT", "/api/campaigns/x", draft, false).status()).isEqualTo(403);
        // Nothing was made, and each refusal is in the trail as this operator's, saying why.
        assertThat(console.withSession(s, "GET", "/api/campaigns?owner=mine", null, false).json()
                .getJsonArray("campaigns")).isEmpty();
        List<JsonObject> refused = trail().stream().filter(e -> op.username().equals(e.getString("operator"))
                && "refused".equals(e.getString("action"))).toList();
        assertThat(refused).hasSizeGreaterThanOrEqualTo(5);
        assertThat(refused).allSatisfy(e -> {
            assertThat(e.getInteger("status")).isEqualTo(403);
            assertThat(e.getString("reason")).isEqualTo("csrf");
        });
        assertThat(refused).extracting(e -> e.getString("route")).contains("POST /api/campaigns", "POST /api/cases/:id/claim");

        // With its token it goes through; a GET needs none.
        Reply with = console.withSession(s, "POST", "/api/campaigns", draft, true);
        assertThat(with.status()).isEqualTo(201);
        assertThat(console.withSession(s, "GET", "/api/campaigns/" + with.json().getString("id"), null, false).status()).isEqualTo(200);
    }

    @Test
    void aScriptsBearerTokenNeedsNoCsrfTokenAndWinsOverACookie() throws Exception {
        String token = console.token(operator);
        Reply r = console.call("POST", "/api/campaigns", Map.of("Authorization", "Bearer " + token,
                "Content-Type", "application/json"), campaign());
        assertThat(r.status()).isEqualTo(201);
        // A bad Bearer token is not rescued by a good cookie: the header says who, and it is wrong.
        Session s = console.signIn(operator);
        Reply bad = console.call("GET", "/api/me", Map.of("Authorization", "Bearer nope", "Cookie", s.cookie()), null);
        assertThat(bad.status()).isEqualTo(401);
        assertThat(console.call("GET", "/api/me", Map.of("Authorization", "Bearer " + token), null).json()
                .containsKey("csrf")).isFalse();
    }

    @Test
    void theConsolesRolesHoldOnTheApiToo() throws Exception {
        Session s = console.signIn(volunteer);
        assertThat(console.withSession(s, "GET", "/api/cases", null, false).status()).isEqualTo(403);
        Reply create = console.withSession(s, "POST", "/api/operators",
                new JsonObject().put("username", "x-" + ConsoleServer.suffix()).put("password", "long-enough-password").put("role", "admin").encode(), true);
        assertThat(create.status()).isEqualTo(403);
    }

    @Test
    void signingOutEndsTheSessionAndClearsTheCookie() throws Exception {
        Session s = console.signIn(operator);
        String key = Sessions.key(s.cookie().substring(s.cookie().indexOf('=') + 1));
        // Without its CSRF token, signing out is refused like any other change.
        assertThat(console.withSession(s, "POST", "/api/logout", null, false).status()).isEqualTo(403);
        assertThat(console.withSession(s, "GET", "/api/me", null, false).status()).isEqualTo(200);

        Reply out = console.withSession(s, "POST", "/api/logout", null, true);
        assertThat(out.status()).isEqualTo(204);
        assertThat(out.all("Set-Cookie")).anySatisfy(c -> assertThat(c).startsWith("taama_session=;").contains("Max-Age=0"));
        assertThat(Await.result(redis().hgetall(key))).isEmpty();
        assertThat(console.withSession(s, "GET", "/api/me", null, false).status()).isEqualTo(401);
        assertThat(console.withSession(s, "GET", "/cases", null, false).status()).isEqualTo(302);
        assertThat(trail()).anySatisfy(e -> {
            assertThat(e.getString("operator")).isEqualTo(operator.username());
            assertThat(e.getString("action")).isEqualTo("logout");
            assertThat(e.getString("via")).isEqualTo("console");
        });
        // The API's own sign-out, for tokens, still works beside it.
        String token = console.token(operator);
        assertThat(console.call("POST", "/api/logout", Map.of("Authorization", "Bearer " + token), null).status()).isEqualTo(204);
        assertThat(console.call("GET", "/api/me", Map.of("Authorization", "Bearer " + token), null).status()).isEqualTo(401);
    }

    @Test
    void aPageIsServedOnlyToARoleThatMaySeeIt() throws Exception {
        Session op = console.signIn(operator);
        Session vol = console.signIn(volunteer);
        Session adm = console.signIn(console.admin);
        for (Page p : Page.values()) {
            for (var who : List.of(Map.entry(op, org.taama.operators.Accounts.Role.OPERATOR),
                    Map.entry(vol, org.taama.operators.Accounts.Role.VOLUNTEER), Map.entry(adm, org.taama.operators.Accounts.Role.ADMIN))) {
                Reply r = console.withSession(who.getKey(), "GET", p.path(), null, false);
                assertThat(r.status()).as(who.getValue() + " " + p.path()).isEqualTo(p.allows(who.getValue()) ? 200 : 403);
                assertThat(r.header("Content-Type")).isEqualTo("text/html; charset=utf-8");
                assertThat(r.body()).contains("<html");
                if (r.status() == 403) assertThat(r.body()).contains("Accès refusé").doesNotContain("data-page=\"" + p.id() + "\"");
                else assertThat(r.body()).contains("data-page=\"" + p.id() + "\"");
            }
        }
        assertThat(console.withSession(op, "GET", "/accounts", null, false).status()).isEqualTo(403);
        assertThat(console.withSession(vol, "GET", "/cases", null, false).status()).isEqualTo(403);
        // Signed out: to the sign-in page, saying where to come back.
        Reply anon = console.get("/cases", Map.of());
        assertThat(anon.status()).isEqualTo(302);
        assertThat(anon.header("Location")).isEqualTo("/?next=/cases");
        Reply login = console.get("/", Map.of());
        assertThat(login.status()).isEqualTo(200);
        assertThat(login.body()).contains("id=\"login-form\"");
        // The files themselves are never served past the gate.
        assertThat(console.get("/cases.html", Map.of("Cookie", vol.cookie())).status()).isEqualTo(404);
        assertThat(console.get("/console/cases.html", Map.of()).status()).isEqualTo(404);
        assertThat(console.get("/login.html", Map.of()).status()).isEqualTo(404);
    }

    @Test
    void pagesAndFilesCarryAStrictContentSecurityPolicyAndTheRightCaching() throws Exception {
        Session s = console.signIn(operator);
        for (Reply r : List.of(console.get("/", Map.of()), console.withSession(s, "GET", "/cases", null, false),
                console.get("/console.js", Map.of()), console.get("/console.css", Map.of()))) {
            assertThat(r.status()).isEqualTo(200);
            String csp = r.header("Content-Security-Policy");
            assertThat(csp).contains("default-src 'none'").contains("script-src 'self'").contains("frame-ancestors 'none'")
                    .doesNotContain("unsafe-inline").doesNotContain("unsafe-eval");
            assertThat(r.header("X-Frame-Options")).isEqualTo("DENY");
            assertThat(r.header("X-Content-Type-Options")).isEqualTo("nosniff");
            assertThat(r.header("Referrer-Policy")).isEqualTo("no-referrer");
        }
        // Pages: never kept. Our scripts and styles: asked again each time, 304 when unchanged.
        assertThat(console.get("/", Map.of()).header("Cache-Control")).isEqualTo("no-store");
        assertThat(console.withSession(s, "GET", "/cases", null, false).header("Cache-Control")).isEqualTo("no-store");
        Reply js = console.get("/console.js", Map.of());
        assertThat(js.header("Content-Type")).startsWith("text/javascript").containsIgnoringCase("utf-8");
        assertThat(js.header("Cache-Control")).isEqualTo("no-cache");
        assertThat(js.header("Last-Modified")).isNotNull();
        Reply again = console.get("/console.js", Map.of("If-Modified-Since", js.header("Last-Modified")));
        assertThat(again.status()).isEqualTo(304);
        assertThat(console.get("/console.css", Map.of()).header("Content-Type")).startsWith("text/css");
        // A WebJar's path holds its version: kept a year.
        Reply lib = console.get("/webjars/taama-test/1.0.0/lib.js", Map.of());
        assertThat(lib.status()).isEqualTo(200);
        assertThat(lib.body()).contains("taamaTestLib");
        assertThat(lib.header("Cache-Control")).isEqualTo("public, max-age=31536000, immutable");
        Reply missing = console.get("/webjars/taama-test/1.0.0/none.js", Map.of());
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.header("Cache-Control")).isEqualTo("no-store");
        assertThat(console.get("/nothing-here.js", Map.of()).header("Cache-Control")).isEqualTo("no-store");
        assertThat(console.get("/webjars/taama-test/1.0.0/", Map.of()).status()).isEqualTo(404);
        assertThat(console.get("/webjars/../console/console.js", Map.of()).status()).isIn(400, 404);
        // The API's answers stay no-store.
        assertThat(console.withSession(s, "GET", "/api/me", null, false).header("Cache-Control")).isEqualTo("no-store");
    }

    @Test
    void httpsPublicBaseUrlMakesTheCookieSecureWithTheHostPrefix() throws Exception {
        try (ConsoleServer https = ConsoleServer.start(Map.of("PUBLIC_BASE_URL", "https://console.example.org"))) {
            Session s = https.signIn(https.admin);
            String set = s.signIn().all("Set-Cookie").get(0);
            assertThat(set).startsWith("__Host-taama_session=").contains("Secure").containsIgnoringCase("HttpOnly")
                    .contains("SameSite=Strict").contains("Path=/").doesNotContain("Domain");
            assertThat(https.withSession(s, "GET", "/api/me", null, false).status()).isEqualTo(200);
            // The plain name means nothing there.
            String id = s.cookie().substring(s.cookie().indexOf('=') + 1);
            assertThat(https.get("/api/me", Map.of("Cookie", "taama_session=" + id)).status()).isEqualTo(401);
        }
    }

    @Test
    void signInSharesTheApisThrottleAndAudit() throws Exception {
        Account a = console.account("operator");
        String wrong = new JsonObject().put("username", a.username()).put("password", "not-the-password-at-all").encode();
        for (int i = 0; i < 5; i++) {
            assertThat(console.call("POST", "/api/login", Map.of(), wrong).status()).isEqualTo(401);
            Reply r = console.call("POST", "/api/session", Map.of("Content-Type", "application/json"), wrong);
            assertThat(r.status()).isEqualTo(401);
            assertThat(r.all("Set-Cookie")).isEmpty();
            assertThat(r.json().getString("error")).isNotBlank();
        }
        // Ten wrong tries, five each way: the next one is held back whichever way it comes, right password or not.
        Reply held = console.call("POST", "/api/session", Map.of("Content-Type", "application/json"),
                new JsonObject().put("username", a.username()).put("password", a.password()).encode());
        assertThat(held.status()).isEqualTo(429);
        assertThat(held.header("Retry-After")).isNotNull();
        List<JsonObject> mine = trail().stream().filter(e -> a.username().equals(e.getString("operator"))).toList();
        assertThat(mine).filteredOn(e -> "login:failed".equals(e.getString("action"))).hasSize(10);
        assertThat(mine).noneMatch(e -> "refused".equals(e.getString("action")));

        Session s = console.signIn(operator);
        assertThat(trail()).anySatisfy(e -> {
            assertThat(e.getString("operator")).isEqualTo(operator.username());
            assertThat(e.getString("action")).isEqualTo("login");
            assertThat(e.getString("via")).isEqualTo("console");
        });
        assertThat(s.csrf()).isNotBlank();
    }

    @Test
    void hostileSignInsAreRefusedWithAReason() throws Exception {
        Map<String, String> json = Map.of("Content-Type", "application/json");
        String good = new JsonObject().put("username", operator.username()).put("password", operator.password()).encode();
        // A form from another site cannot send JSON: a form-encoded or text body is refused before anything is checked.
        assertThat(console.call("POST", "/api/session", Map.of("Content-Type", "application/x-www-form-urlencoded"),
                "username=a&password=b").status()).isEqualTo(415);
        assertThat(console.call("POST", "/api/session", Map.of("Content-Type", "text/plain"), good).status()).isEqualTo(415);
        assertThat(console.call("POST", "/api/session", Map.of(), good).status()).isEqualTo(415);
        for (String body : List.of("", "{", "[1,2]", "\"x\"", "{\"username\":1,\"password\":2}", "{\"username\":\"a\"}",
                "{\"password\":\"b\"}", "\u0000\u0001\u0002")) {
            Reply r = console.call("POST", "/api/session", json, body);
            assertThat(r.status()).as(body).isEqualTo(400);
            assertThat(r.json().getString("error")).isNotBlank();
        }
        Reply huge = console.call("POST", "/api/session", json, "{\"username\":\"" + "a".repeat(70_000) + "\"}");
        assertThat(huge.status()).isEqualTo(413);
        for (String name : List.of("a".repeat(100), "admin\u0000", "ad\r\nmin", "../../etc", "")) {
            Reply r = console.call("POST", "/api/session", json,
                    new JsonObject().put("username", name).put("password", "whatever-password").encode());
            assertThat(r.status()).as(name).isEqualTo(401);
            assertThat(r.all("Set-Cookie")).isEmpty();
        }
    }

    @Test
    void garbageHugeOrForgedCookiesSignNobodyIn() throws Exception {
        String forged = "taama_session=" + org.taama.operators.Accounts.secret(new java.security.SecureRandom());
        List<String> cookies = List.of("taama_session=", "taama_session=garbage", "taama_session=" + "A".repeat(43) + "%01",
                "taama_session=" + "x".repeat(4000), forged, "taama_session=%00%0d%0a", "taama_session", "=;;;=",
                "other=1; taama_session=" + "A".repeat(42));
        for (String c : cookies) {
            Reply me = console.get("/api/me", Map.of("Cookie", c));
            assertThat(me.status()).as(c).isEqualTo(401);
            assertThat(me.json().getString("error")).isNotBlank();
            Reply page = console.get("/cases", Map.of("Cookie", c));
            assertThat(page.status()).as(c).isEqualTo(302);
            Reply change = console.call("POST", "/api/cases/" + "0".repeat(32) + "/claim", Map.of("Cookie", c, "X-CSRF-Token", "x"), "{}");
            assertThat(change.status()).as(c).isEqualTo(401);
        }
        // Headers past the server's limit are refused whole, not half read.
        // (Netty answers 431 and closes, or closes first when the rest is still coming: either way nobody is signed in.)
        // On a client of its own: the connection the server closes must not go back to the shared pool,
        // where the next request would find it dead.
        java.net.http.HttpClient own = java.net.http.HttpClient.newHttpClient();
        try {
            java.net.http.HttpResponse<String> huge = own.send(java.net.http.HttpRequest.newBuilder(
                            java.net.URI.create(console.base + "/api/me")).header("Cookie", "taama_session=" + "A".repeat(20_000)).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(huge.statusCode()).isBetween(400, 499);
        } catch (java.io.IOException closed) {
            assertThat(closed.getMessage()).isNotNull();
        }
        // A real session's id is not its CSRF token, and the token is not a session id.
        Session s = console.signIn(operator);
        assertThat(console.get("/api/me", Map.of("Cookie", "taama_session=" + s.csrf())).status()).isEqualTo(401);
        // Two cookies of the name: a forged one first does not hide... nor borrow the real one's rights.
        Reply two = console.get("/api/me", Map.of("Cookie", forged + "; " + s.cookie()));
        assertThat(two.status()).isIn(200, 401);
        if (two.status() == 200) assertThat(two.json().getString("username")).isEqualTo(operator.username());
    }

    static String campaign() {
        return new JsonObject().put("name", "Droits au travail").put("channel", "sms")
                .put("texts", new JsonObject().put("fr", "Vos droits vous suivent partout.").put("bm", "I ka hakɛw bɛ i bolo yɔrɔ bɛɛ."))
                .put("audience", new JsonObject().put("regions", new JsonArray().add("bamako")).put("languages", new JsonArray().add("fr")))
                .encode();
    }
}
