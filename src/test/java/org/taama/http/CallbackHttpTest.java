package org.taama.http;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.taama.server.Server;
import org.taama.support.TestServers;
import org.taama.support.Ussd;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A caller asks for a confidential call-back over USSD; an operator finds the case, claims it and
 * reveals the number to call — and the number shows nowhere else.
 */
class CallbackHttpTest {
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static Server server;

    @BeforeAll
    static void start() throws Exception {
        server = TestServers.start(Map.of("ADMIN_USERNAME", "admin", "ADMIN_PASSWORD", "a-long-admin-password"));
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    @Test
    @DisplayName("USSD: afternoon, no message, another number → a case the operator can claim and call")
    void callbackToAnotherNumber() throws Exception {
        String token = new JsonObject(post("/api/login", null,
                new JsonObject().put("username", "admin").put("password", "a-long-admin-password")).body())
                .getString("token");
        java.util.Set<String> before = new java.util.HashSet<>();
        new JsonObject(get("/api/cases?status=new", token).body()).getJsonArray("cases")
                .forEach(c -> before.add(((JsonObject) c).getString("id")));
        Ussd phone = new Ussd(server.port(), Phone.freshSessionId("cb"), Phone.freshNumber());
        phone.dial();
        phone.type("1");                                               // Français
        assertThat(phone.type("6").screen()).contains("rappeler");     // Etre rappelé
        assertThat(phone.type("1").screen()).contains("sans danger");  // Demander un appel
        assertThat(phone.type("2").screen()).contains("message");      // L'après-midi
        assertThat(phone.type("2").screen()).contains("Quel num");     // Non: no message
        assertThat(phone.type("2").screen()).contains("Tapez le num"); // Un autre numéro
        Ussd.Reply wrong = phone.type("not a number");
        assertThat(wrong.screen()).startsWith("Choix invalide").contains("Tapez le num");
        String local = Phone.freshNumber().substring(4);             // 8 digits, as callers type them
        String other = "+223" + local;
        Ussd.Reply check = Screens.continues(phone.type(local.substring(0, 2) + " " + local.substring(2, 4) + " "
                + local.substring(4, 6) + " " + local.substring(6)));
        assertThat(check.screen()).contains("+223 " + local.substring(0, 2) + " " + local.substring(2, 4) + " "
                + local.substring(4, 6) + " " + local.substring(6), "1. Oui, appeler ce num", "2. Taper un autre");
        Ussd.Reply done = Screens.ends(phone.type("1"));
        assertThat(done.screen()).contains("Demande enregistr");

        HttpResponse<String> list = get("/api/cases?status=new", token);
        assertThat(list.statusCode()).isEqualTo(200);
        assertThat(list.body()).doesNotContain(local);
        JsonObject ours = null;
        JsonArray cases = new JsonObject(list.body()).getJsonArray("cases");
        for (int i = 0; i < cases.size(); i++) {
            JsonObject c = cases.getJsonObject(i);
            // Another run of this test on the same Redis (its Cluster twin) leaves a case just like it.
            if ("afternoon".equals(c.getString("window")) && "ussd".equals(c.getString("channel"))
                    && !before.contains(c.getString("id"))) ours = c;
        }
        assertThat(ours).as("the new case in the list: " + list.body()).isNotNull();
        assertThat(ours.getString("leave_message")).isIn("false", "no");
        String id = ours.getString("id");

        assertThat(post("/api/cases/" + id + "/claim", token, new JsonObject()).statusCode()).isEqualTo(200);
        HttpResponse<String> revealed = post("/api/cases/" + id + "/reveal", token, new JsonObject());
        assertThat(revealed.statusCode()).isEqualTo(200);
        assertThat(new JsonObject(revealed.body()).getString("number")).as("stored in the canonical form").isEqualTo(other);
        assertThat(get("/api/audit", token).body()).contains(id).doesNotContain(local);
    }

    private static HttpResponse<String> post(String path, String token, JsonObject body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://localhost:" + server.port() + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.encode()));
        if (token != null) b.header("Authorization", "Bearer " + token);
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> get(String path, String token) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + server.port() + path))
                .header("Authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.ofString());
    }
}
