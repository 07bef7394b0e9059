package org.taama.campaign;

import io.vertx.core.json.JsonObject;
import org.taama.support.TwilioSigner;
import org.taama.support.Ussd;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The campaign walk over real HTTP against any running node (in this JVM or another process): accounts,
 * a campaign drafted by a volunteer and approved by an operator, its counts, and texts "from a phone"
 * signed as Twilio signs them.
 */
final class CampaignApi {
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final String base;

    CampaignApi(String base) {
        this.base = base;
    }

    CampaignApi(int port) {
        this("http://localhost:" + port);
    }

    String base() {
        return base;
    }

    HttpResponse<String> call(String method, String path, String token, String body) throws Exception {
        HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(20))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) req.header("Authorization", "Bearer " + token);
        if (body != null) req.header("Content-Type", "application/json");
        return HTTP.send(req.build(), HttpResponse.BodyHandlers.ofString());
    }

    String login(String user, String pass) throws Exception {
        HttpResponse<String> r = call("POST", "/api/login", null, new JsonObject().put("username", user).put("password", pass).encode());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return new JsonObject(r.body()).getString("token");
    }

    /** A new account of this role, made by the admin; its token. */
    String account(String admin, String role) throws Exception {
        String user = role.substring(0, 3) + "-" + UUID.randomUUID().toString().substring(0, 8);
        String pass = "campaign-pass-" + UUID.randomUUID();
        HttpResponse<String> r = call("POST", "/api/operators", admin,
                new JsonObject().put("username", user).put("password", pass).put("role", role).encode());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return login(user, pass);
    }

    /** An SMS campaign with these texts and audience, drafted by the volunteer, submitted, approved by the operator. */
    String approved(String volunteer, String operator, String fr, String bm, List<String> regions) throws Exception {
        JsonObject body = new JsonObject().put("name", "Droits").put("channel", "sms")
                .put("texts", new JsonObject().put("fr", fr).put("bm", bm))
                .put("audience", new JsonObject().put("regions", regions).put("languages", List.of("fr", "bm")));
        HttpResponse<String> created = call("POST", "/api/campaigns", volunteer, body.encode());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String id = new JsonObject(created.body()).getString("id");
        assertThat(call("POST", "/api/campaigns/" + id + "/submit", volunteer, "{}").statusCode()).isEqualTo(200);
        assertThat(call("POST", "/api/campaigns/" + id + "/approve", operator, "{}").statusCode()).isEqualTo(200);
        return id;
    }

    /** The campaign's live counts (null before its audience is queued). */
    JsonObject counts(String id, String token) throws Exception {
        HttpResponse<String> r = call("GET", "/api/campaigns/" + id, token, null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return new JsonObject(r.body()).getJsonObject("counts");
    }

    /** Queued, and every recipient accounted for. */
    static boolean finished(JsonObject c) {
        return c != null && c.getLong("queued") == 0 && c.getLong("audience") > 0 && c.getLong("audience")
                == c.getLong("sent") + c.getLong("failed") + c.getLong("opted_out") + c.getLong("skipped");
    }

    /** A text from {@code number} to our SMS number, signed as Twilio signs it for {@code publicBase}; the TwiML answer. */
    Ussd.Reply text(String token, String publicBase, String number, String body) {
        String sid = "SM" + UUID.randomUUID().toString().replace("-", "");
        Map<String, String> form = new java.util.TreeMap<>(Map.of("MessageSid", sid, "SmsSid", sid, "AccountSid", "AC" + "0".repeat(32),
                "From", number, "To", "+22320000000", "Body", body, "NumMedia", "0", "ApiVersion", "2010-04-01"));
        String path = "/twilio/messages";
        return Ussd.postAt(base + path, form, Map.of("X-Twilio-Signature", TwilioSigner.sign(token, publicBase + path, form)));
    }

    interface Check {
        boolean ok() throws Exception;
    }

    static void until(Duration within, Check check, String what) throws Exception {
        long end = System.nanoTime() + within.toNanos();
        while (!check.ok()) {
            if (System.nanoTime() > end) throw new AssertionError("timed out after " + within + " waiting: " + what);
            Thread.sleep(50);
        }
    }
}
