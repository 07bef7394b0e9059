package org.taama.http;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.junit5.Checkpoint;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.taama.server.Server;
import org.taama.support.TestServers;
import org.taama.support.Ussd;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.taama.http.Screens.readable;

/**
 * 200 callers at once, each on its own number and session, each walking its own way through the
 * menus: every one sees exactly the screens its own choices lead to, never a screen from another call.
 */
@ExtendWith(VertxExtension.class)
@DisplayName("Concurrent sessions")
class ConcurrentSessionsHttpTest {
    static final int SESSIONS = 200;
    static final String[] LAST = {"98", "0", "00"};
    static Server server;

    @BeforeAll
    static void start() throws Exception {
        // Several event loops sharing one Redis connection, as in production.
        server = TestServers.start(Map.of("VERTICLES", "4"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) server.close();
    }

    /** The inputs of caller i after dialling: language, a main-menu choice, a sub-menu choice, a navigation key. */
    static List<String> path(int i) {
        return List.of(i % 2 == 0 ? "1" : "2", String.valueOf(1 + (i / 2) % 4), String.valueOf(1 + (i / 8) % 4),
                LAST[(i / 32) % LAST.length]);
    }

    /** What each distinct path shows, walked alone, one hop at a time, by a caller of its own. */
    static Map<List<String>, List<String>> screensWalkedAlone() {
        Map<List<String>, List<String>> expected = new HashMap<>();
        for (int i = 0; i < SESSIONS; i++) {
            List<String> path = path(i);
            if (expected.containsKey(path)) continue;
            Phone phone = new Phone(Phone.freshSessionId("alone"), Phone.freshNumber());
            List<String> screens = new ArrayList<>();
            screens.add(readable(phone.dial(server.port())).body());
            for (String in : path) screens.add(readable(phone.type(server.port(), in)).body());
            expected.put(path, screens);
        }
        return expected;
    }

    @Test
    @Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
    @DisplayName("200 interleaved sessions do not cross: each sees the screens of its own choices")
    void sessionsDoNotCross(Vertx vertx, VertxTestContext ctx) {
        Map<List<String>, List<String>> expected = screensWalkedAlone();
        // The paths lead to many different screens, so a crossed session could not go unnoticed.
        Set<String> lastScreens = new HashSet<>();
        expected.values().forEach(s -> lastScreens.add(s.get(s.size() - 1)));
        assertThat(expected).hasSize(96);
        assertThat(new HashSet<>(expected.values())).as("distinct walks").hasSize(96);
        assertThat(lastScreens).hasSizeGreaterThan(30);

        HttpClient client = vertx.createHttpClient(
                new HttpClientOptions().setDefaultHost("localhost").setDefaultPort(server.port()),
                new PoolOptions().setHttp1MaxSize(SESSIONS));
        Checkpoint sessionDone = ctx.checkpoint(SESSIONS);
        Checkpoint trulyInterleaved = ctx.checkpoint();
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger maxInFlight = new AtomicInteger();
        int base = ThreadLocalRandom.current().nextInt(9_000_000);
        List<Future<Void>> walks = new ArrayList<>();
        for (int i = 0; i < SESSIONS; i++) {
            String number = "+2237" + String.format("%07d", base + i);
            String sessionId = Phone.freshSessionId("crowd" + i);
            List<String> path = path(i);
            Future<Void> walk = walk(client, sessionId, number, path, expected.get(path), 0, "", inFlight, maxInFlight);
            walk.onComplete(ctx.succeeding(v -> sessionDone.flag()));
            walks.add(walk);
        }
        Future.all(walks).onSuccess(v -> ctx.verify(() -> {
            assertThat(maxInFlight.get()).as("requests in flight at once").isGreaterThanOrEqualTo(SESSIONS / 4);
            trulyInterleaved.flag();
        }));
    }

    /** Hop {@code hop} of a session, then the next once it answered, comparing each answer as it comes. */
    private static Future<Void> walk(HttpClient client, String sessionId, String number, List<String> path,
                                     List<String> screens, int hop, String history,
                                     AtomicInteger inFlight, AtomicInteger maxInFlight) {
        String text = hop == 0 ? "" : history.isEmpty() ? path.get(hop - 1) : history + "*" + path.get(hop - 1);
        inFlight.incrementAndGet();
        maxInFlight.accumulateAndGet(inFlight.get(), Math::max);
        return post(client, sessionId, number, text).compose(reply -> {
            inFlight.decrementAndGet();
            String want = screens.get(hop);
            if (reply.status() != 200 || !reply.body().equals(want)) {
                return Future.failedFuture(new AssertionError("session " + sessionId + " hop " + hop + " (path "
                        + path + ") expected:\n" + want + "\nbut got " + reply.status() + ":\n" + reply.body()));
            }
            if (hop == path.size()) return Future.succeededFuture();
            return walk(client, sessionId, number, path, screens, hop + 1, text, inFlight, maxInFlight);
        });
    }

    private static Future<Ussd.Reply> post(HttpClient client, String sessionId, String number, String text) {
        StringJoiner body = new StringJoiner("&");
        Map<String, String> form = Map.of("sessionId", sessionId, "serviceCode", "*123#", "phoneNumber", number,
                "networkCode", "61002", "text", text);
        form.forEach((k, v) -> body.add(enc(k) + "=" + enc(v)));
        return client.request(new RequestOptions().setMethod(HttpMethod.POST).setURI("/ussd/africastalking")
                        .putHeader("Content-Type", "application/x-www-form-urlencoded"))
                .compose(req -> req.send(Buffer.buffer(body.toString())))
                .compose(resp -> resp.body().map(b -> new Ussd.Reply(resp.statusCode(),
                        String.valueOf(resp.getHeader("Content-Type")), b.toString(StandardCharsets.UTF_8))));
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
