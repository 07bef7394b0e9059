package org.taama.http;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.taama.redis.EmbeddedRedis;
import org.taama.server.Server;
import org.taama.support.TestServers;
import org.taama.support.Ussd;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.taama.http.Screens.continues;
import static org.taama.http.Screens.ends;

/** A server on its own Redis, which the test stops and starts again under it. */
@DisplayName("When Redis goes down")
class RedisOutageHttpTest {
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    static final long POLITE_BOUND_MILLIS = 2000;

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
    @DisplayName("callers get a polite END in under 2 s, /ready says 503, and service resumes when Redis is back")
    void politeEndThenRecovery(@TempDir Path dir) throws Exception {
        int redisPort;
        try (ServerSocket s = new ServerSocket(0)) {
            redisPort = s.getLocalPort();
        }
        Path data = dir.resolve("redis");
        redis = EmbeddedRedis.start(data, redisPort);
        server = TestServers.start(Map.of("REDIS_URL", redis.url()));
        int port = server.port();
        assertThat(ready().statusCode()).isEqualTo(200);

        Phone midCall = new Phone(Phone.freshSessionId("outage-mid"), Phone.freshNumber());
        continues(midCall.dial(port));
        assertThat(continues(midCall.type(port, "1")).screen()).startsWith("Taama: migration et droits");

        redis.close();
        redis = null;

        // A caller in the middle of a session, and a caller who just dialled.
        Ussd.Reply midReply = timedWithinBound(() -> midCall.type(port, "1"));
        Phone newCaller = new Phone(Phone.freshSessionId("outage-new"), Phone.freshNumber());
        Ussd.Reply newReply = timedWithinBound(() -> newCaller.dial(port));
        for (Ussd.Reply r : new Ussd.Reply[]{midReply, newReply}) {
            ends(r);
            // Both languages, since the caller's language cannot be read.
            assertThat(r.screen()).contains("Service indisponible", "rappelez plus tard", "Hakèto");
        }

        HttpResponse<String> notReady = ready();
        assertThat(notReady.statusCode()).isEqualTo(503);
        assertThat(new JsonObject(notReady.body()).getString("status")).isEqualTo("NOT_READY");

        redis = EmbeddedRedis.start(data, redisPort);
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        int status = ready().statusCode();
        while (status != 200 && System.nanoTime() < deadline) {
            Thread.sleep(100);
            status = ready().statusCode();
        }
        assertThat(status).as("/ready within 10 s of Redis coming back").isEqualTo(200);

        Phone afterwards = new Phone(Phone.freshSessionId("outage-after"), Phone.freshNumber());
        assertThat(continues(afterwards.dial(port)).screen()).contains("Choisir la langue");
        assertThat(continues(afterwards.type(port, "2")).screen()).startsWith("Taama: tunkarankew ka kunnafoni");
        assertThat(continues(afterwards.type(port, "4")).screen()).startsWith("Dèmè nimòròw Mali la");
        assertThat(continues(afterwards.type(port, "1")).screen()).contains("80 00 11 15");
        Phone secondCall = new Phone(Phone.freshSessionId("outage-again"), afterwards.number());
        // Language and place remembered: offered (in Bambara) to continue at the police screen.
        assertThat(continues(secondCall.dial(port)).screen()).startsWith("I bè se ka segin");
        assertThat(continues(secondCall.type(port, "1")).screen()).contains("80 00 11 15");
    }

    private static Ussd.Reply timedWithinBound(java.util.function.Supplier<Ussd.Reply> call) {
        long start = System.nanoTime();
        Ussd.Reply r = call.get();
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertThat(millis).as("wall time of the callback while Redis is down (ms)").isLessThan(POLITE_BOUND_MILLIS);
        return r;
    }

    private HttpResponse<String> ready() throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(Phone.base(server.port()) + "/ready"))
                .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }
}
