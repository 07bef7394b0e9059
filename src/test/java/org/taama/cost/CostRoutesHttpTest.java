package org.taama.cost;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.taama.config.Config;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** POST /api/text/cost over real HTTP on a router built here. */
@DisplayName("POST /api/text/cost")
class CostRoutesHttpTest {
    static Vertx vertx;
    static HttpServer server;
    static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        Router router = Router.router(vertx);
        CostRoutes.mount(router, new TextCost(Config.from(Map.of())));
        server = vertx.createHttpServer().requestHandler(router).listen(0)
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stop() throws Exception {
        if (vertx != null) vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    static HttpResponse<String> post(String body) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://localhost:" + server.actualPort() + CostRoutes.PATH))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                .build();
        return http.send(req, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    static Stream<Arguments> happy() {
        return Stream.of(
                // body, text, encoding, smsSegments, ussdScreens, billedAs
                arguments(new JsonObject().put("text", "Dɛmɛ").put("channel", "sms").put("lang", "bm"),
                        "Dèmè", "GSM-7", 1, 1, "segment"),
                arguments(new JsonObject().put("text", "Dɛmɛ").put("channel", "sms"),
                        "Dɛmɛ", "UCS-2", 1, 1, "segment"),
                arguments(new JsonObject().put("text", "Dɛmɛ").put("channel", "whatsapp").put("lang", "bm"),
                        "Dɛmɛ", "UCS-2", 1, 1, "message"),
                arguments(new JsonObject().put("text", "ɛ".repeat(71)).put("channel", "whatsapp").putNull("lang"),
                        "ɛ".repeat(71), "UCS-2", 2, 2, "message"),
                arguments(new JsonObject().put("text", "a".repeat(163)).put("channel", "ussd").put("lang", "fr"),
                        "a".repeat(163), "GSM-7", 2, 2, null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("happy")
    void answersTheCost(JsonObject body, String text, String encoding, int segments, int screens, String billedAs)
            throws Exception {
        HttpResponse<String> r = post(body.encode());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
        JsonObject j = new JsonObject(r.body());
        assertThat(j.getString("text")).isEqualTo(text);
        assertThat(j.getString("channel")).isEqualTo(body.getString("channel"));
        assertThat(j.getString("encoding")).isEqualTo(encoding);
        assertThat(j.getInteger("smsSegments")).isEqualTo(segments);
        assertThat(j.getInteger("ussdScreens")).isEqualTo(screens);
        assertThat(j.getInteger("utf16Units")).isEqualTo(text.length());
        assertThat(j.getInteger("characters")).isEqualTo(text.codePointCount(0, text.length()));
        assertThat(j.getString("billedAs")).isEqualTo(billedAs);
        if (encoding.equals("GSM-7")) {
            assertThat(j.getInteger("septets")).isEqualTo(text.length());
            assertThat(j.getJsonArray("nonGsm")).isEmpty();
        } else {
            assertThat(j.getValue("septets")).isNull();
            assertThat(j.getJsonArray("nonGsm").getList()).containsExactly("ɛ");
        }
    }

    static Stream<Arguments> bad() {
        return Stream.of(
                // name, body, status, reason fragment
                arguments("not JSON", "{text: ", 400, "JSON object"),
                arguments("empty body", "", 400, "JSON object"),
                arguments("JSON array", "[\"a\"]", 400, "JSON object"),
                arguments("JSON string", "\"a\"", 400, "JSON object"),
                arguments("text missing", "{\"channel\":\"sms\"}", 400, "text is required"),
                arguments("text null", "{\"text\":null,\"channel\":\"sms\"}", 400, "text is required"),
                arguments("text a number", "{\"text\":12,\"channel\":\"sms\"}", 400, "text must be a string"),
                arguments("text an object", "{\"text\":{},\"channel\":\"sms\"}", 400, "text must be a string"),
                arguments("channel missing", "{\"text\":\"a\"}", 400, "channel"),
                arguments("channel unknown", "{\"text\":\"a\",\"channel\":\"fax\"}", 400, "channel"),
                arguments("channel a number", "{\"text\":\"a\",\"channel\":1}", 400, "channel"),
                arguments("lang unknown", "{\"text\":\"a\",\"channel\":\"sms\",\"lang\":\"en\"}", 400, "lang"),
                arguments("lang a list", "{\"text\":\"a\",\"channel\":\"sms\",\"lang\":[\"fr\"]}", 400, "lang"),
                arguments("text over 10,000", new JsonObject().put("text", "a".repeat(10_001)).put("channel", "sms").encode(),
                        413, "10000"),
                arguments("body over 64 KiB", new JsonObject().put("text", "a".repeat(70_000)).put("channel", "sms").encode(),
                        413, "larger than"));
    }

    @ParameterizedTest(name = "{0} -> {2}")
    @MethodSource("bad")
    void refusesWithOneLine(String name, String body, int status, String reason) throws Exception {
        HttpResponse<String> r = post(body);
        assertThat(r.statusCode()).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
        JsonObject j = new JsonObject(r.body());
        assertThat(j.fieldNames()).containsExactly("error");
        assertThat(j.getString("error")).contains(reason).doesNotContain("\n").isNotBlank();
    }
}
