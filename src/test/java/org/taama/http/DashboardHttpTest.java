package org.taama.http;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.taama.server.Server;
import org.taama.stats.Buckets;
import org.taama.support.Await;
import org.taama.support.Sse;
import org.taama.support.TestServers;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.taama.http.Screens.continues;

/**
 * The live dashboard's API through two real servers sharing one Redis: a USSD session moves the
 * counters, a page open on the other server is told within moments, buckets expire, small cells
 * never leave the server, and hostile queries get 400.
 */
@DisplayName("Dashboard: counters in Redis, /api/stats and its live stream")
class DashboardHttpTest {
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final Map<String, String> ADMIN = Map.of("ADMIN_USERNAME", "admin", "ADMIN_PASSWORD", "a-long-admin-password");
    static Server a;
    static Server b;
    static String token;

    @BeforeAll
    static void start() throws Exception {
        a = TestServers.start(ADMIN);
        b = TestServers.start(ADMIN);
        token = login(a, "admin", "a-long-admin-password");
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (a != null) a.close();
        } finally {
            if (b != null) b.close();
        }
    }

    @Test
    @DisplayName("USSD sessions made over HTTP move the session, hop, screen and language counters, in Redis and in /api/stats")
    void ussdSessionMovesCounters() throws Exception {
        long minute = Buckets.minuteOf(System.currentTimeMillis());
        long sessionsBefore = raw(Buckets.minuteKey(minute), "ussd.sessions");
        long frenchBefore = raw(Buckets.minuteKey(minute), "lang:fr");
        JsonObject start = get(b, "/api/stats?range=1h").json();
        long tileBefore = number(start.getJsonObject("tiles").getValue("ussd_sessions"));
        long screenBefore = number(start.getJsonObject("totals").getValue("screen:rights.menu"));
        for (int i = 0; i < 5; i++) {
            Phone p = new Phone(Phone.freshSessionId("stats"), Phone.freshNumber());
            continues(p.dial(a.port()));
            continues(p.type(a.port(), "1"));        // Français
            continues(p.type(a.port(), "1"));        // Vos droits
        }
        // Counted in memory, written within STATS_FLUSH_MS: the same minute unless it just turned.
        // "<5" reads as 0 here: five more make at least five either way.
        JsonObject view = waitFor(b, "1h", v -> number(v.getJsonObject("tiles").getValue("ussd_sessions")) >= tileBefore + 5
                && number(v.getJsonObject("totals").getValue("screen:rights.menu")) >= screenBefore + 5);
        if (Buckets.minuteOf(System.currentTimeMillis()) == minute) {
            assertThat(raw(Buckets.minuteKey(minute), "ussd.sessions")).isGreaterThanOrEqualTo(sessionsBefore + 5);
            assertThat(raw(Buckets.minuteKey(minute), "lang:fr")).isGreaterThanOrEqualTo(frenchBefore + 5);
        }
        assertThat(number(view.getJsonObject("tiles").getValue("ussd_hops"))).isGreaterThanOrEqualTo(15);
        assertThat(view.getJsonObject("series").getJsonArray("ussd.sessions")).hasSize(60);
        assertThat(view.getInteger("count")).isEqualTo(60);
        assertThat(view.getLong("step_ms")).isEqualTo(60_000L);
    }

    @Test
    @DisplayName("a page open on the other server gets the change pushed (Server-Sent Events), without asking again")
    void liveOnTheOtherServer() throws Exception {
        for (int i = 0; i < 5; i++) continues(new Phone(Phone.freshSessionId("live"), Phone.freshNumber()).dial(a.port()));
        waitFor(b, "1h", v -> number(v.getJsonObject("tiles").getValue("ussd_hops")) >= 5);
        try (Sse live = Sse.open(url(b, "/api/stats/live?range=1h"), token)) {
            assertThat(live.status()).isEqualTo(200);
            assertThat(live.contentType()).startsWith("text/event-stream");
            Sse.Event first = live.next(e -> e.name().equals("view"), Duration.ofSeconds(15));
            assertThat(first).as("the whole view comes first").isNotNull();
            long hopsBefore = number(new JsonObject(first.data()).getJsonObject("tiles").getValue("ussd_hops"));

            continues(new Phone(Phone.freshSessionId("live"), Phone.freshNumber()).dial(a.port()));
            long sent = System.nanoTime();
            Sse.Event tail = live.next(e -> e.name().equals("tail")
                    && number(new JsonObject(e.data()).getJsonObject("tiles").getValue("ussd_hops")) > hopsBefore, Duration.ofSeconds(15));
            assertThat(tail).as("a tail event on server b showing the hop made on server a").isNotNull();
            System.out.printf("live update on the other node %d ms after the hop%n", (tail.arrivedNanos() - sent) / 1_000_000);
            JsonObject t = new JsonObject(tail.data());
            assertThat(t.getBoolean("tail")).isTrue();
            assertThat(t.getInteger("count")).as("only the last minutes, the ones still moving").isEqualTo(3);
            assertThat(t.getJsonObject("series").getJsonArray("ussd.hops")).hasSize(3);
        }
    }

    @Test
    @DisplayName("a minute's bucket expires 24 h after the minute, a day's 90 days after the day, the log 24 h after its last entry")
    void bucketsExpire() throws Exception {
        continues(new Phone(Phone.freshSessionId("ttl"), Phone.freshNumber()).dial(a.port()));
        long now = System.currentTimeMillis();
        String minuteKey = Buckets.minuteKey(Buckets.minuteOf(now));
        String dayKey = Buckets.dayKey(Buckets.dayOf(now));
        long deadline = System.currentTimeMillis() + 10_000;
        while (Await.result(a.redis().ttlMillis(minuteKey)) < 0 && System.currentTimeMillis() < deadline) Thread.sleep(50);
        long minuteTtl = Await.result(a.redis().ttlMillis(minuteKey));
        long dayTtl = Await.result(a.redis().ttlMillis(dayKey));
        long logTtl = Await.result(a.redis().ttlMillis(Buckets.LOG));
        assertThat(minuteTtl).isBetween(Duration.ofHours(24).toMillis() - 5_000, Duration.ofHours(24).plusMinutes(1).toMillis());
        assertThat(dayTtl).isBetween(Duration.ofDays(90).toMillis(), Duration.ofDays(91).toMillis());
        assertThat(logTtl).isBetween(Duration.ofHours(23).toMillis(), Duration.ofHours(24).toMillis());
        // Every stats key expires: none is kept for ever.
        for (String key : Await.result(a.redis().scan(Buckets.PREFIX + "*"))) {
            assertThat(Await.result(a.redis().ttlMillis(key))).as(key).isPositive();
        }
    }

    @Test
    @DisplayName("counts from 1 to 4 leave the server as \"<5\", in series, totals and tiles alike; 0 and 5 up as numbers")
    void smallCellsAreSuppressed() throws Exception {
        long day = Buckets.dayOf(System.currentTimeMillis()) - 80 * Buckets.DAY;
        String key = Buckets.dayKey(day);
        // As if counted then: three WhatsApp apologies, seven WhatsApp opt-outs, three views of one list.
        Map<String, Long> planted = Map.of("unavailable:whatsapp", 3L, "optout:whatsapp", 7L, "directory:kidal:psychosocial", 3L);
        planted.forEach((f, n) -> Await.result(a.redis().hincrby(key, f, n)));
        Await.result(a.redis().expire(key, Duration.ofDays(11)));
        try {
            JsonObject view = get(a, "/api/stats?range=90d").json();
            int index = (int) ((day - view.getLong("from")) / Buckets.DAY);
            JsonObject series = view.getJsonObject("series");
            assertThat(series.getJsonArray("unavailable:whatsapp").getValue(index)).isEqualTo("<5");
            assertThat(series.getJsonArray("optout:whatsapp").getValue(index)).isEqualTo(7);
            assertThat(series.getJsonArray("optout:whatsapp").getValue(index + 1)).as("the next day, where nothing was planted")
                    .isIn(0, "<5", 5, 6, 7).isNotNull();
            // Totals are summed on raw counts before they are shown: the same rule on the whole 90 days.
            for (String field : planted.keySet()) {
                assertThat(view.getJsonObject("totals").getValue(field)).as(field).isEqualTo(cell(rawSum(field, view)));
            }
            assertNoSmallNumber(view, "$");
            assertNoSmallNumber(get(a, "/api/stats?range=24h").json(), "$");
        } finally {
            planted.forEach((f, n) -> Await.result(a.redis().hincrby(key, f, -n)));
        }
    }

    @Test
    @DisplayName("hostile queries get 400; no token 401; a volunteer 403")
    void hostileQueries() throws Exception {
        for (String q : List.of("range=garbage", "range=24h&range=7d", "range=" + enc("24h\u0000"), "range=" + "9".repeat(500),
                "range=", "range=24H", "range=" + enc("24h\n"), "range=-1", "range=" + enc("<script>"))) {
            Reply r = get(a, "/api/stats?" + q);
            assertThat(r.status()).as(q).isEqualTo(400);
            assertThat(r.body()).as(q).contains("range must be").doesNotContain("<script>");
            assertThat(get(a, "/api/stats/live?" + q).status()).as("live " + q).isEqualTo(400);
        }
        for (String q : List.of("limit=abc", "limit=0", "limit=1001", "limit=-1", "limit=1e3", "limit=" + "1".repeat(300),
                "limit=10&limit=20", "limit=" + enc(" 5"))) {
            assertThat(get(a, "/api/log?" + q).status()).as(q).isEqualTo(400);
            assertThat(get(a, "/api/log/live?" + q).status()).as("live " + q).isEqualTo(400);
        }
        for (String path : List.of("/api/stats", "/api/stats/live", "/api/log", "/api/log/live")) {
            assertThat(call(a, path, null).status()).as(path).isEqualTo(401);
        }
        String volunteer = "vol" + Long.toHexString(System.nanoTime());
        Reply made = post(a, "/api/operators", new JsonObject().put("username", volunteer)
                .put("password", "a-long-volunteer-password").put("role", "volunteer"));
        assertThat(made.status()).isEqualTo(201);
        String v = login(a, volunteer, "a-long-volunteer-password");
        for (String path : List.of("/api/stats", "/api/stats/live", "/api/log", "/api/log/live")) {
            assertThat(call(a, path, v).status()).as(path).isEqualTo(403);
        }
    }

    // ---------------------------------------------------------------- helpers

    static Object cell(long n) {
        return n > 0 && n < 5 ? "<5" : (Object) (int) n;
    }

    /** The field's raw sum over the view's days, read from Redis as the server would. */
    static long rawSum(String field, JsonObject view) {
        long sum = 0;
        for (int i = 0; i < view.getInteger("count"); i++) {
            sum += raw(Buckets.dayKey(view.getLong("from") + i * Buckets.DAY), field);
        }
        return sum;
    }

    /** No number from 1 to 4 anywhere in the answer's counts. */
    static void assertNoSmallNumber(Object json, String where) {
        if (json instanceof JsonObject o) {
            for (String k : o.fieldNames()) {
                if (List.of("step_ms", "from", "count", "delivery_rate").contains(k)) continue;
                assertNoSmallNumber(o.getValue(k), where + "." + k);
            }
        } else if (json instanceof JsonArray arr) {
            for (int i = 0; i < arr.size(); i++) assertNoSmallNumber(arr.getValue(i), where + "[" + i + "]");
        } else if (json instanceof Number n) {
            assertThat(n.longValue()).as(where).matches(x -> x == 0 || x >= 5, "0 or 5 and more");
        }
    }

    static long raw(String key, String field) {
        String v = Await.result(a.redis().hget(key, field));
        return v == null ? 0 : Long.parseLong(v);
    }

    static long number(Object cell) {
        return cell instanceof Number n ? n.longValue() : 0;
    }

    static JsonObject waitFor(Server s, String range, Predicate<JsonObject> done) throws Exception {
        long deadline = System.currentTimeMillis() + 15_000;
        JsonObject v;
        do {
            v = get(s, "/api/stats?range=" + range).json();
            if (done.test(v)) return v;
            Thread.sleep(100);
        } while (System.currentTimeMillis() < deadline);
        throw new AssertionError("the dashboard never showed it: " + v.getJsonObject("tiles"));
    }

    record Reply(int status, String body) {
        JsonObject json() {
            assertThat(status).as(body).isEqualTo(200);
            return new JsonObject(body);
        }
    }

    static String url(Server s, String path) {
        return "http://localhost:" + s.port() + path;
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    static Reply get(Server s, String path) throws Exception {
        return call(s, path, token);
    }

    static Reply call(Server s, String path, String bearer) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(url(s, path))).timeout(Duration.ofSeconds(20)).GET();
        if (bearer != null) r.header("Authorization", "Bearer " + bearer);
        // A live stream that was accepted is not read here: only its status matters.
        HttpResponse<java.io.InputStream> res = HTTP.send(r.build(), HttpResponse.BodyHandlers.ofInputStream());
        if (res.statusCode() == 200 && res.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream")) {
            res.body().close();
            return new Reply(200, "");
        }
        try (var in = res.body()) {
            return new Reply(res.statusCode(), new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    static Reply post(Server s, String path, JsonObject body) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url(s, path))).timeout(Duration.ofSeconds(20))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.encode())).build(), HttpResponse.BodyHandlers.ofString());
        return new Reply(r.statusCode(), r.body());
    }

    static String login(Server s, String user, String pass) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url(s, "/api/login")))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("username", user).put("password", pass).encode()))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return new JsonObject(r.body()).getString("token");
    }
}
