package org.taama.http;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.taama.server.Server;
import org.taama.support.TestServers;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.taama.http.Screens.continues;

@DisplayName("Operations endpoints")
class OperationsEndpointsHttpTest {
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    static Server server;

    @BeforeAll
    static void start() throws Exception {
        server = TestServers.start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) server.close();
    }

    static HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(Phone.base(server.port()) + path))
                .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    @DisplayName("/health answers 200 JSON")
    void health() throws Exception {
        HttpResponse<String> r = get("/health");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
        assertThat(new JsonObject(r.body()).getString("status")).isEqualTo("UP");
    }

    @Test
    @DisplayName("/ready answers 200 JSON while Redis is up")
    void ready() throws Exception {
        HttpResponse<String> r = get("/ready");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
        JsonObject body = new JsonObject(r.body());
        assertThat(body.getString("status")).isEqualTo("READY");
        assertThat(body.getString("redis")).isEqualTo("up");
    }

    @Test
    @DisplayName("/metrics exposes taama_ussd_hops_total, counting the hops served")
    void metrics() throws Exception {
        Phone phone = new Phone(Phone.freshSessionId("metrics"), Phone.freshNumber());
        continues(phone.dial(server.port()));
        continues(phone.type(server.port(), "1"));
        HttpResponse<String> r = get("/metrics");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/plain"));
        assertThat(r.body()).contains("# TYPE taama_ussd_hops_total counter")
                .containsPattern("taama_ussd_hops_total\\{[^}]*gateway=\"africastalking\"[^}]*outcome=\"started\"[^}]*} [1-9]")
                .containsPattern("taama_ussd_hops_total\\{[^}]*outcome=\"language_set\"[^}]*} [1-9]");
    }
}
