package org.taama.http;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.taama.directory.Directory;
import org.taama.server.Server;
import org.taama.support.Audiences;
import org.taama.support.TestServers;
import org.taama.support.Ussd;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A campaign's audience names the regions the subscribe menu offers, no other: every region of Mali
 * (Loi 2023-006) is accepted, a misspelt one is refused by name rather than silently reaching nobody,
 * and the console's editor reads the list with its names from the server.
 */
class CampaignRegionsHttpTest {
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    static final String ADMIN = "admin-" + UUID.randomUUID().toString().substring(0, 8);
    static final String ADMIN_PASS = "admin-password-" + UUID.randomUUID();
    static Server server;
    static String volunteer;

    @BeforeAll
    static void start() throws Exception {
        server = TestServers.start(Map.of("ADMIN_USERNAME", ADMIN, "ADMIN_PASSWORD", ADMIN_PASS));
        String admin = login(ADMIN, ADMIN_PASS);
        String user = "vol-" + UUID.randomUUID().toString().substring(0, 8);
        String pass = "campaign-pass-" + UUID.randomUUID();
        HttpResponse<String> made = call("POST", "/api/operators", admin,
                new JsonObject().put("username", user).put("password", pass).put("role", "volunteer").encode());
        assertThat(made.statusCode()).as(made.body()).isEqualTo(201);
        volunteer = login(user, pass);
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    @Test
    @DisplayName("GET /api/regions: the subscribe menu's regions in its order, with their names in French and Bambara, then 'none'; signed in only")
    void theEditorReadsTheRegionsOfTheMenu() throws Exception {
        assertThat(call("GET", "/api/regions", null, null).statusCode()).isEqualTo(401);
        assertThat(call("GET", "/api/regions", "not-a-token", null).statusCode()).isEqualTo(401);
        HttpResponse<String> r = call("GET", "/api/regions", volunteer, null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        List<JsonObject> regions = new JsonObject(r.body()).getJsonArray("regions").stream().map(JsonObject.class::cast).toList();
        List<String> ids = regions.stream().map(o -> o.getString("id")).toList();
        // The same twenty as the directory's menu, then the menu's "other region", then those who gave none.
        List<String> expected = new ArrayList<>(Directory.REGIONS);
        expected.addAll(List.of("other", "none"));
        assertThat(ids).containsExactlyElementsOf(expected);
        Map<String, JsonObject> byId = new java.util.HashMap<>();
        regions.forEach(o -> byId.put(o.getString("id"), o.getJsonObject("label")));
        assertThat(byId.get("segou").getString("fr")).isEqualTo("Ségou");
        assertThat(byId.get("segou").getString("bm")).isEqualTo("Segu");
        assertThat(byId.get("tombouctou").getString("fr")).isEqualTo("Tombouctou");
        assertThat(byId.get("tombouctou").getString("bm")).isEqualTo("Tumutu");
        assertThat(byId.get("menaka").getString("fr")).isEqualTo("Ménaka");
        assertThat(byId.get("dioila").getString("fr")).isEqualTo("Dioïla");
        assertThat(byId.get("other").getString("fr")).isEqualTo("Autre région");
        assertThat(byId.get("none").getString("fr")).startsWith("Sans région");
    }

    @Test
    @DisplayName("every region the menu offers is accepted in one audience; a misspelt, capitalised or unknown one is 400 naming it")
    void everyKnownRegionIsAcceptedAndAnUnknownOneIsRefusedByName() throws Exception {
        HttpResponse<String> all = call("POST", "/api/campaigns", volunteer, campaign(Audiences.REGIONS.ids()).encode());
        assertThat(all.statusCode()).as(all.body()).isEqualTo(201);
        assertThat(new JsonObject(all.body()).getJsonObject("audience").getJsonArray("regions").getList())
                .containsExactlyElementsOf(Audiences.REGIONS.ids());
        HttpResponse<String> twenty = call("POST", "/api/campaigns", volunteer, campaign(Directory.REGIONS).encode());
        assertThat(twenty.statusCode()).as("the twenty regions of Mali: " + twenty.body()).isEqualTo(201);
        assertThat(call("POST", "/api/campaigns/preview", volunteer, campaign(Directory.REGIONS).encode()).statusCode()).isEqualTo(200);

        for (String bad : List.of("segoo", "Bamako", "t1a2b3", "bamako ", "x".repeat(500), "kidal\u0000", "")) {
            for (String path : List.of("/api/campaigns", "/api/campaigns/preview")) {
                HttpResponse<String> r = call("POST", path, volunteer, campaign(List.of("bamako", bad)).encode());
                assertThat(r.statusCode()).as(path + " " + bad).isEqualTo(400);
                String error = new JsonObject(r.body()).getString("error");
                assertThat(error).as(path).startsWith("audience.regions: '").contains("is not a region subscribers choose")
                        .contains("/api/regions").hasSizeLessThan(200).doesNotContain("\u0000");
                if (bad.equals("segoo")) assertThat(error).contains("'segoo'");
            }
        }
        // More entries than there are regions: refused before any is read.
        List<String> many = new ArrayList<>(java.util.Collections.nCopies(Audiences.REGIONS.ids().size() + 1, "bamako"));
        HttpResponse<String> tooMany = call("POST", "/api/campaigns", volunteer, campaign(many).encode());
        assertThat(tooMany.statusCode()).isEqualTo(400);
        assertThat(new JsonObject(tooMany.body()).getString("error")).contains("at most " + Audiences.REGIONS.ids().size());
    }

    @Test
    @DisplayName("someone who subscribed on USSD in Koutiala (a region of 2023, third screen) is a recipient of a Koutiala campaign, not of a Ségou one")
    void aUssdSubscriberInANewRegionIsInItsCampaignsAudience() throws Exception {
        Audiences.empty(server.redis(), "koutiala");
        assertThat(recipients(List.of("koutiala"))).as("nobody yet").isZero();
        for (String lang : List.of("fr", "bm")) {
            Ussd phone = new Ussd(server.port(), Phone.freshSessionId("campaign-regions"), Phone.freshNumber());
            Screens.continues(phone.dial());
            Screens.continues(phone.type(lang.equals("fr") ? "1" : "2"));
            phone.type("5");                                // Messages
            List<String> screens = RegionsHttpTest.regionScreens(phone, phone.type("1"));
            assertThat(screens.get(2)).contains("3. Koutiala");
            assertThat(Screens.ends(phone.type("3")).screen()).as("subscribed").isNotBlank();
        }
        JsonObject preview = preview(List.of("koutiala"));
        assertThat(preview.getLong("recipients")).isEqualTo(2);
        assertThat(preview.getJsonArray("languages").stream().map(JsonObject.class::cast)
                .filter(l -> l.getLong("recipients") == 1).map(l -> l.getString("lang")).toList()).containsExactlyInAnyOrder("fr", "bm");
        HttpResponse<String> saved = call("POST", "/api/campaigns", volunteer, campaign(List.of("koutiala")).encode());
        assertThat(saved.statusCode()).isEqualTo(201);
        assertThat(new JsonObject(saved.body()).getJsonObject("counts").getLong("audience")).isEqualTo(2);
        long segou = recipients(List.of("segou"));
        assertThat(recipients(List.of("segou", "koutiala"))).isEqualTo(segou + 2);
    }

    static long recipients(List<String> regions) throws Exception {
        return preview(regions).getLong("recipients");
    }

    static JsonObject preview(List<String> regions) throws Exception {
        HttpResponse<String> r = call("POST", "/api/campaigns/preview", volunteer, campaign(regions).encode());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return new JsonObject(r.body());
    }

    static JsonObject campaign(List<String> regions) {
        return new JsonObject().put("name", "Régions").put("channel", "sms")
                .put("texts", new JsonObject().put("fr", "Vos droits vous suivent partout.").put("bm", "I ka hakɛw bɛ i bolo."))
                .put("audience", new JsonObject().put("regions", new JsonArray(new ArrayList<>(regions))).put("languages", List.of("fr", "bm")));
    }

    static String login(String user, String pass) throws Exception {
        HttpResponse<String> r = call("POST", "/api/login", null, new JsonObject().put("username", user).put("password", pass).encode());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return new JsonObject(r.body()).getString("token");
    }

    static HttpResponse<String> call(String method, String path, String token, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://localhost:" + server.port() + path))
                .timeout(Duration.ofSeconds(20))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) b.header("Content-Type", "application/json");
        if (token != null) b.header("Authorization", "Bearer " + token);
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
