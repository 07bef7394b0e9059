package org.taama.campaign;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.taama.config.QuietHours;
import org.taama.consent.Channel;
import org.taama.consent.ConsentStore;
import org.taama.privacy.CallerHash;
import org.taama.privacy.NumberCipher;
import org.taama.server.Server;
import org.taama.support.Await;
import org.taama.support.FakeTwilio;
import org.taama.support.TestServers;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** What the console's campaign pages ask: the preview of an unsaved body, and a campaign's progress as it is sent. */
class CampaignLiveHttpTest {
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    static final String SID = "AC44444444444444444444444444444444";
    static final String TOKEN = "live-token";
    static final String ADMIN = "admin-live";
    static final String ADMIN_PASS = "admin-password-" + UUID.randomUUID();
    static Vertx vertx;
    static FakeTwilio fake;
    static Server server;
    static String volunteer;
    static String operator;
    static String otherVolunteer;

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        fake = FakeTwilio.start(vertx, SID, TOKEN);
        LocalTime now = LocalTime.now(QuietHours.ZONE);
        String quiet = now.plusHours(6).withSecond(0).withNano(0) + "-" + now.plusHours(7).withSecond(0).withNano(0);
        Map<String, String> env = new HashMap<>(Map.of("TWILIO_ACCOUNT_SID", SID, "TWILIO_AUTH_TOKEN", TOKEN,
                "TWILIO_API_URL", fake.url(), "TWILIO_SMS_FROM", "+22320000009", "SENDER_RATE", "4", "SENDER_BURST", "1",
                "QUIET_HOURS", quiet, "ADMIN_USERNAME", ADMIN, "ADMIN_PASSWORD", ADMIN_PASS));
        server = TestServers.start(env);
        String admin = login(ADMIN, ADMIN_PASS);
        volunteer = account(admin, "volunteer");
        otherVolunteer = account(admin, "volunteer");
        operator = account(admin, "operator");
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
        fake.close();
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    @Test
    void anUnsavedBodyIsPreviewedAsItIsTypedEvenHalfWritten() throws Exception {
        String region = org.taama.support.Audiences.freshRegion(server.redis());
        subscribe(2, "bm", region);
        String volunteer = account(login(ADMIN, ADMIN_PASS), "volunteer");
        JsonObject half = body(region, "Vos droits vous suivent.", "");
        HttpResponse<String> r = call("POST", "/api/campaigns/preview", volunteer, half.encode());
        assertThat(r.statusCode()).isEqualTo(200);
        JsonObject p = new JsonObject(r.body());
        assertThat(codes(p)).contains("empty_text").doesNotContain("missing_translation");
        assertThat(p.getLong("recipients")).isEqualTo(2);

        JsonObject both = body(region, "Vos droits vous suivent.", "I ka hakɛw bɛ i bolo.");
        JsonObject full = new JsonObject(call("POST", "/api/campaigns/preview", volunteer, both.encode()).body());
        JsonObject bm = full.getJsonArray("languages").stream().map(JsonObject.class::cast)
                .filter(o -> o.getString("lang").equals("bm")).findFirst().orElseThrow();
        // SMS sends Bambara GSM-safe: one GSM-7 segment, not UCS-2.
        assertThat(bm.getString("text")).isEqualTo("I ka hakèw bè i bolo.");
        assertThat(bm.getString("encoding")).isEqualTo("GSM-7");
        assertThat(bm.getInteger("segments")).isEqualTo(1);
        assertThat(codes(full)).doesNotContain("empty_text");
        // Nothing was saved.
        assertThat(new JsonObject(call("GET", "/api/campaigns", volunteer, null).body()).getJsonArray("campaigns")).isEmpty();

        // Hostile bodies are refused with the field named, as when saving.
        Map<String, String> bad = Map.of(
                body(region, "a\u0000b", "").encode(), "control character",
                body(region, "x".repeat(1601), "").encode(), "longer than",
                both.copy().put("channel", "fax").encode(), "channel",
                both.copy().put("evil", 1).encode(), "unknown field",
                "[]", "JSON object");
        for (Map.Entry<String, String> b : bad.entrySet()) {
            HttpResponse<String> refused = call("POST", "/api/campaigns/preview", volunteer, b.getKey());
            assertThat(refused.statusCode()).as(b.getKey()).isEqualTo(400);
            assertThat(new JsonObject(refused.body()).getString("error")).as(b.getKey()).contains(b.getValue());
        }
        assertThat(call("POST", "/api/campaigns/preview", null, both.encode()).statusCode()).isEqualTo(401);
    }

    @Test
    void theLiveStreamShowsProgressMoveFromSubmittedToApprovedAndSentWithoutTheBrowserAsking() throws Exception {
        String region = org.taama.support.Audiences.freshRegion(server.redis());
        List<String> numbers = subscribe(8, "fr", region);
        HttpResponse<String> created = call("POST", "/api/campaigns", volunteer,
                body(region, "Vos droits vous suivent partout.", "I ka hakɛw bɛ i bolo.").put("name", "Live").encode());
        String id = new JsonObject(created.body()).getString("id");
        assertThat(call("POST", "/api/campaigns/" + id + "/submit", volunteer, "{}").statusCode()).isEqualTo(200);
        // Another volunteer cannot watch it (as if it did not exist); nobody signed in either.
        assertThat(call("GET", "/api/campaigns/" + id + "/live", otherVolunteer, null).statusCode()).isEqualTo(404);
        assertThat(call("GET", "/api/campaigns/" + id + "/live", null, null).statusCode()).isEqualTo(401);

        HttpRequest req = HttpRequest.newBuilder(URI.create("http://localhost:" + server.port() + "/api/campaigns/" + id + "/live"))
                .header("Authorization", "Bearer " + volunteer).GET().build();
        HttpResponse<java.io.InputStream> stream = HTTP.send(req, HttpResponse.BodyHandlers.ofInputStream());
        assertThat(stream.statusCode()).isEqualTo(200);
        assertThat(stream.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
        List<JsonObject> seen = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
            JsonObject first = next(in, "campaign");
            assertThat(first.getString("status")).isEqualTo("submitted");
            assertThat(first.getJsonObject("counts").getLong("sent")).isZero();
            // Approved while the page is open: the stream follows without another request from the page.
            assertThat(call("POST", "/api/campaigns/" + id + "/approve", operator, "{}").statusCode()).isEqualTo(200);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (System.nanoTime() < deadline) {
                JsonObject e = next(in, "counts");
                seen.add(e);
                if (e.getJsonObject("counts").getLong("sent") == 8) break;
            }
        } finally {
            stream.body().close();
        }
        assertThat(seen).extracting(e -> e.getString("status")).contains("approved");
        JsonObject last = seen.get(seen.size() - 1).getJsonObject("counts");
        assertThat(last.getLong("sent")).isEqualTo(8);
        assertThat(last.getLong("audience")).isEqualTo(8);
        // At 4 a second, eight messages take two seconds: the page saw them on the way, not only at the end.
        assertThat(seen).anySatisfy(e -> assertThat(e.getJsonObject("counts").getLong("sent")).isBetween(1L, 7L));
        assertThat(fake.requests().stream().filter(r -> numbers.contains(r.field("To")))).hasSize(8);
    }

    // ---------------------------------------------------------------- helpers

    /** The data of the next event of that name (other events and comments skipped). */
    static JsonObject next(BufferedReader in, String event) throws Exception {
        String name = null;
        for (String line; (line = in.readLine()) != null; ) {
            if (line.startsWith("event: ")) name = line.substring(7);
            else if (line.startsWith("data: ") && event.equals(name)) return new JsonObject(line.substring(6));
            else if (line.isEmpty()) name = null;
        }
        throw new AssertionError("the stream ended before an event " + event);
    }

    static JsonObject body(String region, String fr, String bm) {
        return new JsonObject().put("name", "").put("channel", "sms")
                .put("texts", new JsonObject().put("fr", fr).put("bm", bm))
                .put("audience", new JsonObject().put("regions", List.of(region)).put("languages", List.of("fr", "bm")));
    }

    static List<String> codes(JsonObject preview) {
        return preview.getJsonArray("warnings").stream().map(w -> ((JsonObject) w).getString("code")).toList();
    }

    static List<String> subscribe(int n, String lang, String region) {
        ConsentStore consent = new ConsentStore(server.redis(), new NumberCipher(Base64.getDecoder().decode(TestServers.ENCRYPTION_KEY)),
                Clock.systemUTC());
        CallerHash callers = new CallerHash(Base64.getDecoder().decode(TestServers.HASH_KEY));
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String number = "+2237" + ThreadLocalRandom.current().nextInt(1_000_000, 9_999_999);
            Await.result(consent.optIn(callers.of(number), number, Channel.SMS, lang, region));
            out.add(number);
        }
        return out;
    }

    static String account(String admin, String role) throws Exception {
        String user = role.substring(0, 3) + "-" + UUID.randomUUID().toString().substring(0, 8);
        String pass = "live-pass-" + UUID.randomUUID();
        HttpResponse<String> r = call("POST", "/api/operators", admin,
                new JsonObject().put("username", user).put("password", pass).put("role", role).encode());
        assertThat(r.statusCode()).isEqualTo(201);
        return login(user, pass);
    }

    static String login(String user, String pass) throws Exception {
        HttpResponse<String> r = call("POST", "/api/login", null, new JsonObject().put("username", user).put("password", pass).encode());
        assertThat(r.statusCode()).isEqualTo(200);
        return new JsonObject(r.body()).getString("token");
    }

    static HttpResponse<String> call(String method, String path, String token, String body) throws Exception {
        HttpRequest.Builder req = HttpRequest.newBuilder(URI.create("http://localhost:" + server.port() + path)).timeout(Duration.ofSeconds(20))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) req.header("Authorization", "Bearer " + token);
        if (body != null) req.header("Content-Type", "application/json");
        return HTTP.send(req.build(), HttpResponse.BodyHandlers.ofString());
    }
}
