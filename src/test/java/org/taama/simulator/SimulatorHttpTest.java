package org.taama.simulator;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.taama.server.Server;
import org.taama.support.Await;
import org.taama.support.FakeTwilio;
import org.taama.support.TestServers;
import org.taama.support.Ussd;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The console's phone over real HTTP on a real server and Redis: the real channel's screens, no effect run. */
class SimulatorHttpTest {
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    static final String SID = "AC33333333333333333333333333333333";
    static final String TOKEN = "simulator-token";
    static final String ADMIN = "admin-sim";
    static final String ADMIN_PASS = "admin-password-" + UUID.randomUUID();
    static Vertx vertx;
    static FakeTwilio twilio;
    static Server server;
    static String admin;

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        twilio = FakeTwilio.start(vertx, SID, TOKEN);
        // An SMS sender is configured, so USSD offers "send me this by SMS": the simulator must only describe it.
        server = TestServers.start(Map.of("TWILIO_ACCOUNT_SID", SID, "TWILIO_AUTH_TOKEN", TOKEN,
                "TWILIO_API_URL", twilio.url(), "TWILIO_SMS_FROM", "+22320000001",
                "ADMIN_USERNAME", ADMIN, "ADMIN_PASSWORD", ADMIN_PASS));
        admin = login(ADMIN, ADMIN_PASS);
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
        twilio.close();
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    @BeforeEach
    void quiet() {
        twilio.reset();
    }

    @Test
    void aBambaraWalkToThePoliceHelplineShowsWhatTheRealUssdEndpointAnswers() throws Exception {
        // The real channel: dial, Bamanankan (2), help (4), police (1).
        Ussd phone = new Ussd(server.port(), "sim-" + UUID.randomUUID(), number());
        phone.dial();
        phone.type("2");
        phone.type("4");
        Ussd.Reply real = phone.type("1");
        assertThat(real.continues()).isTrue();

        JsonObject first = press("ussd", "bm", null, null);
        assertThat(first.getString("node")).isEqualTo("main.home");
        String session = first.getString("session");
        press("ussd", null, session, "4");
        JsonObject police = press("ussd", null, session, "1");

        assertThat(police.getString("screen")).isEqualTo(real.screen());
        assertThat(police.getString("wire")).isEqualTo(real.body());
        assertThat(police.getString("node")).isEqualTo("help.police");
        assertThat(police.getString("screen")).contains("80 00 11 15");
        // GSM-safe Bambara: one screen of 182, not 80.
        JsonObject size = police.getJsonObject("size");
        assertThat(size.getString("encoding")).isEqualTo("GSM-7");
        assertThat(size.getInteger("limit")).isEqualTo(182);
        assertThat(size.getInteger("used")).isBetween(1, 182);
        assertThat(size.getBoolean("fits")).isTrue();

        // Paging and "0" behave as on the phone, screen for screen.
        for (String key : List.of("98", "0", "98", "00")) {
            Ussd.Reply r = phone.type(key);
            assertThat(press("ussd", null, session, key).getString("wire")).as("after " + key).isEqualTo(r.body());
        }
    }

    @Test
    void effectsAreDescribedNeverRunAndNothingLandsUnderACallersKeys() throws Exception {
        Set<String> before = new HashSet<>(Await.result(server.redis().scan("taama:*")));

        String session = press("ussd", "fr", null, null).getString("session");
        press("ussd", null, session, "4");
        JsonObject police = press("ussd", null, session, "1");
        while (!police.getString("screen").contains("Recevoir par SMS")) police = press("ussd", null, session, "98");
        JsonObject warning = press("ussd", null, session, "1");
        assertThat(warning.getString("screen")).contains("Envoyer le SMS");
        JsonObject sent = press("ussd", null, session, "1");
        assertThat(sent.getBoolean("end")).isTrue();
        assertThat(sent.getString("wire")).startsWith("END ");
        assertThat(effects(sent)).singleElement().asString().startsWith("would send an SMS to this phone").contains("80 00 11 15");

        String call = press("ussd", "bm", null, null).getString("session");
        JsonObject asked = null;
        for (String key : List.of("6", "1", "1", "1", "1")) asked = press("ussd", null, call, key);
        assertThat(effects(asked)).singleElement().asString().startsWith("would open a call-back case");
        assertThat(asked.getBoolean("end")).isTrue();

        String chat = press("sms", "fr", null, "MENU").getString("session");
        JsonObject stopped = press("sms", null, chat, "STOP");
        assertThat(effects(stopped)).singleElement().asString().contains("opt this number out");

        assertThat(twilio.requests()).isEmpty();
        Set<String> added = new HashSet<>(Await.result(server.redis().scan("taama:*")));
        added.removeAll(before);
        // Other servers' campaigns may be sent meanwhile on this Redis; nothing else may appear but the sandbox.
        assertThat(added).filteredOn(k -> !k.startsWith("taama:campaign") && !k.startsWith("taama:send")
                        && !k.startsWith("taama:pace") && !k.startsWith("taama:msg"))
                .isNotEmpty().allSatisfy(k -> assertThat(k).startsWith("taama:sim:{" + ADMIN + "}:"));
        Long ttl = Await.result(server.redis().ttlMillis(Simulator.key(ADMIN, chat)));
        assertThat(ttl).isBetween(1L, Simulator.TTL.toMillis());
        // An ended USSD session is gone, as on the phone.
        assertThat(call("POST", "/api/simulator", admin, body("ussd", null, call, "1")).status()).isEqualTo(400);
    }

    @Test
    void smsAndWhatsappAnswerAsTheChatChannelDoes() throws Exception {
        JsonObject sms = press("sms", "bm", null, "MENU");
        // The first reply of a conversation says what Taama is, then the menu; SMS gets GSM-safe Bambara.
        assertThat(sms.getString("screen")).doesNotContain("ɛ", "ɔ").contains("\n1. ");
        assertThat(sms.getJsonObject("size").getString("billed_as")).isEqualTo("segment");
        assertThat(sms.getJsonObject("size").getInteger("segments")).isGreaterThanOrEqualTo(1);
        JsonObject wa = press("whatsapp", "bm", null, "MENU");
        assertThat(wa.getString("screen")).containsAnyOf("ɛ", "ɔ");
        assertThat(wa.getJsonObject("size").getString("billed_as")).isEqualTo("message");
        // A session keeps its channel.
        Reply other = call("POST", "/api/simulator", admin, body("ussd", null, sms.getString("session"), "1"));
        assertThat(other.status()).isEqualTo(400);
        assertThat(other.error()).contains("sms");
    }

    @Test
    void hostileInputIsRefusedWithAClearReason() throws Exception {
        String session = press("ussd", "fr", null, null).getString("session");
        Map<String, String> cases = Map.of(
                body("ussd", "fr", session, "1".repeat(1000)).encode(), "longer than",
                body("ussd", "fr", session, "1\u0000").encode(), "control character",
                body("ussd", "fr", session, "1\u202e").encode(), "control character",
                body("fax", "fr", null, null).encode(), "channel must be",
                body("ussd", "en", null, null).encode(), "lang must be",
                body("ussd", null, null, null).encode(), "lang is required",
                body("ussd", "fr", "0".repeat(32), "1").encode(), "unknown or expired",
                body("ussd", "fr", "../../etc", "1").encode(), "session is not",
                "{\"channel\":\"ussd\",\"lang\":\"fr\",\"input\":5}", "input must be a string",
                "[1,2]", "JSON object");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            Reply r = call("POST", "/api/simulator", admin, c.getKey());
            assertThat(r.status()).as(c.getKey()).isEqualTo(400);
            assertThat(r.error()).as(c.getKey()).contains(c.getValue());
        }
        assertThat(call("POST", "/api/simulator", admin, "{\"channel\":\"ussd\",\"x\":\"" + "a".repeat(10_000) + "\"}").status())
                .isEqualTo(413);
        assertThat(call("POST", "/api/simulator", null, body("ussd", "fr", null, null).encode()).status()).isEqualTo(401);
        // Another operator cannot continue this one's session: it is not theirs.
        String other = operator();
        assertThat(call("POST", "/api/simulator", other, body("ussd", null, session, "1").encode()).error())
                .contains("unknown or expired");
        // After all that, the session still answers.
        assertThat(press("ussd", null, session, "1").getString("screen")).isNotBlank();
    }

    @Test
    void theContentViewListsEveryScreenWithItsSizesAndBambaraReview() throws Exception {
        Reply r = call("GET", "/api/content/screens", admin, null);
        assertThat(r.status()).isEqualTo(200);
        JsonArray screens = r.json().getJsonArray("screens");
        JsonObject police = screens.stream().map(JsonObject.class::cast).filter(s -> s.getString("id").equals("help.police"))
                .findFirst().orElseThrow();
        JsonObject bmUssd = police.getJsonObject("sizes").getJsonObject("bm").getJsonObject("ussd");
        // The size is that of the real screen: the simulator's police screen is the content view's first page.
        String session = press("ussd", "bm", null, null).getString("session");
        press("ussd", null, session, "4");
        assertThat(bmUssd.getString("screen")).isEqualTo(press("ussd", null, session, "1").getString("screen"));
        assertThat(bmUssd.getInteger("pages")).isGreaterThanOrEqualTo(1);
        assertThat(bmUssd.getString("encoding")).isEqualTo("GSM-7");
        assertThat(police.getJsonObject("sizes").getJsonObject("bm").getJsonObject("whatsapp").getString("encoding")).isEqualTo("unicode");
        assertThat(police.getJsonObject("sizes").getJsonObject("fr").getJsonObject("sms").getInteger("segments")).isPositive();
        // Every node of every flow is there, each Bambara text with the review flag of its locale file.
        assertThat(screens.size()).isEqualTo(r.json().getInteger("count")).isGreaterThan(50);
        assertThat(police.getJsonArray("texts").stream().map(JsonObject.class::cast).map(t -> t.getString("key")))
                .contains("help.police", "common.send_sms");
        long unreviewed = screens.stream().map(JsonObject.class::cast).mapToLong(s -> s.getInteger("bm_unreviewed")).sum();
        assertThat(unreviewed).isEqualTo(r.json().getLong("bm_unreviewed")).isPositive();
        assertThat(screens.stream().map(JsonObject.class::cast).map(s -> s.getString("bm_review"))).contains("unreviewed");
        assertThat(r.json().getInteger("too_long")).isZero(); // the lint refuses to start otherwise
        // A volunteer reads it too; nobody signed in does not.
        assertThat(call("GET", "/api/content/screens", volunteer(), null).status()).isEqualTo(200);
        assertThat(call("GET", "/api/content/screens", null, null).status()).isEqualTo(401);
    }

    // ---------------------------------------------------------------- helpers

    static List<String> effects(JsonObject answer) {
        return answer.getJsonArray("effects").stream().map(String::valueOf).toList();
    }

    static JsonObject body(String channel, String lang, String session, String input) {
        JsonObject b = new JsonObject().put("channel", channel);
        if (lang != null) b.put("lang", lang);
        if (session != null) b.put("session", session);
        if (input != null) b.put("input", input);
        return b;
    }

    static JsonObject press(String channel, String lang, String session, String input) throws Exception {
        Reply r = call("POST", "/api/simulator", admin, body(channel, lang, session, input).encode());
        if (r.status() != 200) throw new AssertionError(r.status() + " " + r.body());
        return r.json();
    }

    static String number() {
        return "+2237" + ThreadLocalRandom.current().nextInt(1_000_000, 9_999_999);
    }

    static String operator() throws Exception {
        return account("operator");
    }

    static String volunteer() throws Exception {
        return account("volunteer");
    }

    static String account(String role) throws Exception {
        String user = role.substring(0, 3) + "-" + UUID.randomUUID().toString().substring(0, 8);
        String pass = "simulator-pass-" + UUID.randomUUID();
        Reply r = call("POST", "/api/operators", admin,
                new JsonObject().put("username", user).put("password", pass).put("role", role).encode());
        assertThat(r.status()).isEqualTo(201);
        return login(user, pass);
    }

    static String login(String user, String pass) throws Exception {
        Reply r = call("POST", "/api/login", null, new JsonObject().put("username", user).put("password", pass).encode());
        assertThat(r.status()).isEqualTo(200);
        return r.json().getString("token");
    }

    record Reply(int status, String body) {
        JsonObject json() {
            return new JsonObject(body);
        }

        String error() {
            return json().getString("error");
        }
    }

    static Reply call(String method, String path, String token, Object body) throws Exception {
        String b = body == null ? null : body instanceof JsonObject o ? o.encode() : body.toString();
        HttpRequest.Builder req = HttpRequest.newBuilder(URI.create("http://localhost:" + server.port() + path))
                .timeout(Duration.ofSeconds(20))
                .method(method, b == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(b));
        if (b != null) req.header("Content-Type", "application/json");
        if (token != null) req.header("Authorization", "Bearer " + token);
        HttpResponse<String> r = HTTP.send(req.build(), HttpResponse.BodyHandlers.ofString());
        return new Reply(r.statusCode(), r.body());
    }
}
