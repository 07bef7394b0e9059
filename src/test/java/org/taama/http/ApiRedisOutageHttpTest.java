package org.taama.http;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.taama.redis.EmbeddedRedis;
import org.taama.server.Server;
import org.taama.support.TestServers;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The operator API on a server whose Redis the test stops under it. */
@DisplayName("When Redis goes down, the operator API")
class ApiRedisOutageHttpTest {
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    static final String ADMIN = "outage-admin";
    static final String PASSWORD = "outage-admin-password";

    EmbeddedRedis redis;
    Server server;

    @AfterEach
    void stop() throws Exception {
        try {
            if (server != null) server.close();
        } finally {
            if (redis != null) redis.close();
        }
    }

    @Test
    @DisplayName("answers 503 with Retry-After on every route, never 500, and works again when Redis is back")
    void answers503WithRetryAfter(@TempDir Path dir) throws Exception {
        redis = EmbeddedRedis.start(dir.resolve("redis"));
        server = TestServers.start(Map.of("REDIS_URL", redis.url(), "ADMIN_USERNAME", ADMIN, "ADMIN_PASSWORD", PASSWORD));
        String token = new JsonObject(call("POST", "/api/login", null, login()).body()).getString("token");
        assertThat(call("GET", "/api/cases", token, null).statusCode()).isEqualTo(200);

        redis.close();
        redis = null;

        String someCase = "0123456789abcdef0123456789abcdef";
        String[][] requests = {
                {"POST", "/api/login", null, login()},
                {"GET", "/api/cases?status=new", token, null},
                {"GET", "/api/cases/" + someCase, token, null},
                {"POST", "/api/cases/" + someCase + "/claim", token, null},
                {"POST", "/api/cases/" + someCase + "/reveal", token, null},
                {"POST", "/api/cases/" + someCase + "/notes", token, "{\"note\":\"called\"}"},
                {"GET", "/api/audit", token, null},
                {"GET", "/api/audit/reads", token, null},
                {"POST", "/api/operators", token, "{\"username\":\"x-op\",\"password\":\"long-enough-pass\",\"role\":\"operator\"}"},
                {"POST", "/api/erase", token, "{\"number\":\"+22370000001\"}"},
                {"POST", "/api/logout", token, null},
        };
        for (String[] r : requests) {
            long start = System.nanoTime();
            HttpResponse<String> reply = call(r[0], r[1], r[2], r[3]);
            long millis = (System.nanoTime() - start) / 1_000_000;
            String what = r[0] + " " + r[1];
            assertThat(reply.statusCode()).as(what + ": " + reply.body()).isEqualTo(503);
            assertThat(reply.headers().firstValue("Retry-After")).as(what).hasValueSatisfying(v ->
                    assertThat(Long.parseLong(v)).isPositive());
            assertThat(new JsonObject(reply.body()).getString("error")).as(what).contains("try again");
            assertThat(millis).as(what + " answered while Redis is down (ms)").isLessThan(3000);
        }

        redis = EmbeddedRedis.start(dir.resolve("redis"), Integer.parseInt(server.config().redisUrl().replaceAll(".*:", "")));
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        int status = call("GET", "/api/cases", token, null).statusCode();
        while (status != 200 && System.nanoTime() < deadline) {
            Thread.sleep(100);
            status = call("GET", "/api/cases", token, null).statusCode();
        }
        assertThat(status).as("the API within 10 s of Redis coming back").isEqualTo(200);
    }

    static String login() {
        return new JsonObject().put("username", ADMIN).put("password", PASSWORD).encode();
    }

    HttpResponse<String> call(String method, String path, String token, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(Phone.base(server.port()) + path))
                .timeout(Duration.ofSeconds(10))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) b.header("Content-Type", "application/json");
        if (token != null) b.header("Authorization", "Bearer " + token);
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
