package org.taama.chat;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.taama.consent.ConsentStore;
import org.taama.i18n.Spelling;
import org.taama.lint.Content;
import org.taama.i18n.Locales;
import org.taama.redis.EmbeddedRedis;
import org.taama.server.Server;
import org.taama.support.Await;
import org.taama.support.RedisProcess;
import org.taama.support.TestServers;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A STOP that arrives while Redis stalls must not be lost. The server runs on its own embedded Redis,
 * which the test freezes with SIGSTOP while the STOP is answered, then thaws: whatever the server sent
 * meanwhile now runs. Twilio's retry of the same MessageSid must then opt the number out.
 */
@DisplayName("STOP while Redis stalls")
class StopDuringRedisStallHttpTest {
    static final Spelling SMS = Spelling.gsmSafe("ny");

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
    @DisplayName("is answered 503 during the stall; the retry with the same MessageSid opts out, and later retries change nothing")
    void stopIsNotLost(@TempDir Path dir) throws Exception {
        redis = EmbeddedRedis.start(dir.resolve("redis"));
        server = TestServers.start(Map.of("REDIS_URL", redis.url(), "REDIS_TIMEOUT_MS", "500",
                "TWILIO_AUTH_TOKEN", Twilio.TOKEN, "PUBLIC_BASE_URL", Twilio.PUBLIC_BASE));
        Locales locales = Content.load(Path.of("flows"), Path.of("locales")).locales();
        String stopped = SMS.apply(locales.text("fr", "consent.stopped"));
        int port = server.port();
        TwilioChatHttpTest.Texter t = TwilioChatHttpTest.Texter.sms();
        Twilio.post(port, t.form(TwilioChatHttpTest.Texter.freshSid(), "Salut")).message();
        Twilio.post(port, t.form(TwilioChatHttpTest.Texter.freshSid(), "1")).message();
        Twilio.post(port, t.form(TwilioChatHttpTest.Texter.freshSid(), "START")).message();
        String consentKey = ConsentStore.key(TwilioChatHttpTest.caller(t.number));
        assertThat(Await.result(server.redis().hgetall(consentKey))).containsEntry("status", "in");

        Map<String, String> stop = t.form(TwilioChatHttpTest.Texter.freshSid(), "STOP");
        try (RedisProcess process = RedisProcess.of(server.redis())) {
            process.pause();
            Twilio.Reply during = Twilio.post(port, stop);
            assertThat(during.status()).as(during.body()).isEqualTo(503);
        }
        // Thawed: the commands sent during the stall run now. None of them may pass for an answer.

        Twilio.Reply retry = Twilio.post(port, stop);
        assertThat(retry.message()).isEqualTo(stopped);
        Map<String, String> consent = Await.result(server.redis().hgetall(consentKey));
        assertThat(consent).containsEntry("status", "out").doesNotContainKey("number");
        assertThat(Await.result(server.redis().sismember(ConsentStore.SUBSCRIBERS, TwilioChatHttpTest.caller(t.number))))
                .isFalse();
        long optOuts = optOuts(t.number);

        assertThat(Twilio.post(port, stop).message()).as("a later retry").isEqualTo(stopped);
        assertThat(optOuts(t.number)).as("not opted out twice").isEqualTo(optOuts);
        assertThat(Twilio.post(port, t.form(TwilioChatHttpTest.Texter.freshSid(), "1")).messages())
                .as("and nothing else is answered").isEmpty();
    }

    private long optOuts(String number) {
        List<String> log = Await.result(server.redis().range(
                ConsentStore.logKey(TwilioChatHttpTest.caller(number)), 0, -1));
        return log.stream().map(JsonObject::new).filter(e -> e.getString("action").equals("opt_out")).count();
    }
}
