package org.taama.http;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.taama.privacy.CallerHash;
import org.taama.privacy.Secrets;
import org.taama.server.Server;
import org.taama.support.RedisDump;
import org.taama.support.Sse;
import org.taama.support.TestServers;
import org.taama.support.TwilioSigner;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.taama.http.Screens.continues;

/** The message log: the latest events with the caller masked, never the number, in the API or in Redis. */
@DisplayName("Message log: latest inbound and outbound events, callers masked")
class MessageLogHttpTest {
    static final String TWILIO_TOKEN = "log-test-auth-token-0123456789";
    static final String PUBLIC = "https://taama.example.org";
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static Server server;
    static String token;
    static final CallerHash CALLERS = new CallerHash(Secrets.decode("HASH_KEY", TestServers.HASH_KEY, 32));

    @BeforeAll
    static void start() throws Exception {
        server = TestServers.start(Map.of("ADMIN_USERNAME", "admin", "ADMIN_PASSWORD", "a-long-admin-password",
                "TWILIO_AUTH_TOKEN", TWILIO_TOKEN, "PUBLIC_BASE_URL", PUBLIC));
        token = DashboardHttpTest.login(server, "admin", "a-long-admin-password");
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) server.close();
    }

    @Test
    @DisplayName("a USSD session and an SMS show in the log as channel, direction, a hash prefix and status; the number is nowhere")
    void maskedCallersOnly() throws Exception {
        String number = Phone.freshNumber();
        Phone p = new Phone(Phone.freshSessionId("log"), number);
        continues(p.dial(server.port()));
        continues(p.type(server.port(), "1"));
        String texter = Phone.freshNumber();
        assertThat(sms(texter, "MENU", "SMlog" + Long.toHexString(System.nanoTime())).statusCode()).isEqualTo(200);

        String mask = CALLERS.of(number).substring(0, 8);
        String textMask = CALLERS.of(texter).substring(0, 8);
        JsonArray entries = waitForEntries(e -> mask.equals(e.getString("caller")) && e.getString("status").equals("language_set")
                || textMask.equals(e.getString("caller")) && e.getString("direction").equals("out"));
        assertThat(entries.stream().map(o -> (JsonObject) o).filter(e -> mask.equals(e.getString("caller"))))
                .extracting(e -> e.getString("channel") + " " + e.getString("direction") + " " + e.getString("status"))
                .contains("ussd in started", "ussd in language_set");
        assertThat(entries.stream().map(o -> (JsonObject) o).filter(e -> textMask.equals(e.getString("caller"))))
                .extracting(e -> e.getString("channel") + " " + e.getString("direction") + " " + e.getString("status"))
                .contains("sms in started", "sms out reply");
        JsonObject one = entries.getJsonObject(0);
        assertThat(one.fieldNames()).containsExactlyInAnyOrder("id", "at", "channel", "direction", "caller", "status");
        assertThat(one.getString("caller")).matches("[0-9a-f]{8}");

        String answer = get("/api/log?limit=1000").body();
        String everything = RedisDump.everything(server.redis());
        for (String n : List.of(number, texter)) {
            for (String form : List.of(n, n.substring(1), n.substring(4))) {
                assertThat(answer).doesNotContain(form);
                assertThat(everything).doesNotContain(form);
            }
            // Only a prefix of the caller hash: not the key Redis holds the caller's data under.
            assertThat(answer).doesNotContain(CALLERS.of(n));
        }
    }

    @Test
    @DisplayName("newest first, as many as asked, and a live stream pushes new events as they happen")
    void newestFirstAndLive() throws Exception {
        for (int i = 0; i < 3; i++) continues(new Phone(Phone.freshSessionId("log"), Phone.freshNumber()).dial(server.port()));
        waitForEntries(e -> true);
        JsonArray two = new JsonObject(get("/api/log?limit=2").body()).getJsonArray("entries");
        assertThat(two).hasSize(2);
        assertThat(two.getJsonObject(0).getString("id")).isGreaterThan(two.getJsonObject(1).getString("id"));

        try (Sse live = Sse.open("http://localhost:" + server.port() + "/api/log/live?limit=5", token)) {
            assertThat(live.status()).isEqualTo(200);
            assertThat(live.next(e -> e.name().equals("log"), Duration.ofSeconds(15))).isNotNull();
            String number = Phone.freshNumber();
            continues(new Phone(Phone.freshSessionId("log-live"), number).dial(server.port()));
            String mask = CALLERS.of(number).substring(0, 8);
            Sse.Event more = live.next(e -> e.name().equals("more") && e.data().contains(mask), Duration.ofSeconds(15));
            assertThat(more).as("the new session pushed to the open log").isNotNull();
            assertThat(more.data()).doesNotContain(number.substring(1));
        }
    }

    static JsonArray waitForEntries(java.util.function.Predicate<JsonObject> wanted) throws Exception {
        long deadline = System.currentTimeMillis() + 15_000;
        while (true) {
            JsonArray entries = new JsonObject(get("/api/log?limit=200").body()).getJsonArray("entries");
            if (entries.stream().map(o -> (JsonObject) o).anyMatch(wanted)) return entries;
            if (System.currentTimeMillis() > deadline) throw new AssertionError("never logged: " + entries);
            Thread.sleep(100);
        }
    }

    static HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + server.port() + path))
                .header("Authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> sms(String from, String body, String sid) throws Exception {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("MessageSid", sid);
        form.put("From", from);
        form.put("To", "+15550001111");
        form.put("Body", body);
        StringJoiner j = new StringJoiner("&");
        form.forEach((k, v) -> j.add(URLEncoder.encode(k, StandardCharsets.UTF_8) + "=" + URLEncoder.encode(v, StandardCharsets.UTF_8)));
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + server.port() + "/twilio/messages"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("X-Twilio-Signature", TwilioSigner.sign(TWILIO_TOKEN, PUBLIC + "/twilio/messages", form))
                .POST(HttpRequest.BodyPublishers.ofString(j.toString())).build(), HttpResponse.BodyHandlers.ofString());
    }
}
