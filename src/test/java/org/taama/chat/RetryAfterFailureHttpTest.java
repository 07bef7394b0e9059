package org.taama.chat;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.taama.consent.ConsentStore;
import org.taama.i18n.Locales;
import org.taama.i18n.Spelling;
import org.taama.lint.Content;
import org.taama.redis.EmbeddedRedis;
import org.taama.server.Server;
import org.taama.support.Await;
import org.taama.support.RedisProcess;
import org.taama.support.TestServers;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A message whose answer failed leaves nothing that passes for an answer, so Twilio's retry of the
 * same MessageSid does what it asked for; once answered, retries change nothing. Each test runs a
 * server on its own embedded Redis: one freezes it (SIGSTOP) while a STOP is answered, then thaws it,
 * so whatever the server sent meanwhile runs late; the other makes the call-back store refuse a write.
 */
@DisplayName("Twilio's retry after a failed answer")
class RetryAfterFailureHttpTest {
    static final Spelling SMS = Spelling.gsmSafe("ny");
    static final Locales LOCALES = Content.load(Path.of("flows"), Path.of("locales")).locales();

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

    private int startOwnServer(Path dir) throws Exception {
        redis = EmbeddedRedis.start(dir.resolve("redis"));
        // A short Redis timeout keeps the stall short.
        server = TestServers.start(Map.of("REDIS_URL", redis.url(), "REDIS_TIMEOUT_MS", "500",
                "TWILIO_AUTH_TOKEN", Twilio.TOKEN, "PUBLIC_BASE_URL", Twilio.PUBLIC_BASE));
        return server.port();
    }

    private static String text(String key) {
        return SMS.apply(LOCALES.text("fr", key));
    }

    private static String send(int port, TwilioChatHttpTest.Texter t, String body) {
        return Twilio.post(port, t.form(TwilioChatHttpTest.Texter.freshSid(), body)).message();
    }

    @Test
    @DisplayName("a STOP answered 503 while Redis stalls: the retry with the same MessageSid opts out, later retries change nothing")
    void stopDuringAStallIsNotLost(@TempDir Path dir) throws Exception {
        int port = startOwnServer(dir);
        TwilioChatHttpTest.Texter t = TwilioChatHttpTest.Texter.sms();
        send(port, t, "Salut");
        send(port, t, "1");
        send(port, t, "START");
        String caller = TwilioChatHttpTest.caller(t.number);
        assertThat(Await.result(server.redis().hgetall(ConsentStore.key(caller)))).containsEntry("status", "in");

        Map<String, String> stop = t.form(TwilioChatHttpTest.Texter.freshSid(), "STOP");
        try (RedisProcess process = RedisProcess.of(server.redis())) {
            process.pause();
            Twilio.Reply during = Twilio.post(port, stop);
            assertThat(during.status()).as(during.body()).isEqualTo(503);
        }
        // Thawed: the commands sent during the stall run now. None of them may pass for an answer.

        assertThat(Twilio.post(port, stop).message()).isEqualTo(text("consent.stopped"));
        assertThat(Await.result(server.redis().hgetall(ConsentStore.key(caller))))
                .containsEntry("status", "out").doesNotContainKey("number");
        assertThat(Await.result(new org.taama.consent.Subscribers(server.redis(), java.time.Clock.systemUTC()).listed(caller))).isFalse();
        long optOuts = optOuts(caller);

        assertThat(Twilio.post(port, stop).message()).as("a later retry").isEqualTo(text("consent.stopped"));
        assertThat(optOuts(caller)).as("not opted out twice").isEqualTo(optOuts);
        assertThat(Twilio.post(port, t.form(TwilioChatHttpTest.Texter.freshSid(), "1")).messages())
                .as("and nothing else is answered").isEmpty();
    }

    @Test
    @DisplayName("a call-back request that could not be stored is not reported done, and the retry stores it once")
    void failedEffectRunsAgainOnRetry(@TempDir Path dir) throws Exception {
        int port = startOwnServer(dir);
        TwilioChatHttpTest.Texter t = TwilioChatHttpTest.Texter.sms();
        send(port, t, "Salut");
        send(port, t, "1");                                  // Français
        send(port, t, "6");                                  // a call-back
        send(port, t, "1");
        send(port, t, "1");                                  // morning
        assertThat(send(port, t, "1")).startsWith(text("callback.which"));
        // The caller's case index holds something that is not a set: storing the case fails.
        String index = "taama:{" + TwilioChatHttpTest.caller(t.number) + "}:cases";
        Await.result(server.redis().setex(index, "not a set", Duration.ofMinutes(5)));

        Map<String, String> thisNumber = t.form(TwilioChatHttpTest.Texter.freshSid(), "1");
        String failed = Twilio.post(port, thisNumber).message();
        assertThat(failed).isEqualTo(text("common.unavailable"));

        Await.result(server.redis().del(index));
        String retried = Twilio.post(port, thisNumber).message();
        assertThat(retried).startsWith(text("callback.done"));
        assertThat(Await.result(server.redis().smembers(index))).hasSize(1);
        assertThat(Twilio.post(port, thisNumber).message()).as("a later retry").isEqualTo(retried);
        assertThat(Await.result(server.redis().smembers(index))).as("opened once").hasSize(1);
    }

    private long optOuts(String caller) {
        List<String> log = Await.result(server.redis().range(ConsentStore.logKey(caller), 0, -1));
        return log.stream().map(JsonObject::new).filter(e -> e.getString("action").equals("opt_out")).count();
    }
}
