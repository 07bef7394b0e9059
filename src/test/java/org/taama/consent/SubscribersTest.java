package org.taama.consent;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.taama.privacy.NumberCipher;
import org.taama.redis.Redis;
import org.taama.support.Await;
import org.taama.support.TestRedis;

import io.vertx.core.Vertx;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** The audiences on real Redis: moved on a new choice, dropped on STOP, forgotten when consent expires, migrated from the old set. */
class SubscribersTest {
    static Vertx vertx;
    static Redis redis;
    static final NumberCipher CIPHER = new NumberCipher("subs-enc-key-subs-enc-key-000000".getBytes(StandardCharsets.US_ASCII));

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        redis = Redis.connect(vertx, TestRedis.url(), TestRedis.cluster(), Duration.ofSeconds(5));
    }

    @AfterAll
    static void stop() {
        redis.close();
        vertx.close();
    }

    static String id() {
        return Long.toString(ThreadLocalRandom.current().nextLong(1L << 40), 36);
    }

    @Test
    void aNewChoiceMovesTheCallerAndStopDropsThem() {
        ConsentStore consent = new ConsentStore(redis, CIPHER, Clock.systemUTC());
        Subscribers subs = consent.subscribers();
        String a = "r" + id();
        String b = "r" + id();
        String caller = "test-" + id();
        Await.result(consent.optIn(caller, "+22370000001", Channel.USSD, "bm", a));
        assertThat(Await.result(subs.countByLang("sms", List.of("bm"), List.of(a)))).isEqualTo(Map.of("bm", 1L));
        Await.result(consent.optIn(caller, "+22370000001", Channel.USSD, "fr", b));
        assertThat(Await.result(subs.countByLang("sms", List.of("fr", "bm"), List.of(a)))).isEqualTo(Map.of("fr", 0L, "bm", 0L));
        assertThat(Await.result(subs.countByLang("sms", List.of("fr", "bm"), List.of(b)))).isEqualTo(Map.of("fr", 1L, "bm", 0L));
        // START by SMS without a region keeps the region chosen before.
        Await.result(consent.optIn(caller, "+22370000001", Channel.SMS, "fr", null));
        assertThat(Await.result(subs.countByLang("sms", List.of("fr"), List.of(b)))).isEqualTo(Map.of("fr", 1L));
        assertThat(Await.result(consent.listed(caller))).isTrue();
        Await.result(consent.optOut(caller, Channel.SMS, "STOP"));
        assertThat(Await.result(subs.countByLang("sms", List.of("fr"), List.of(b)))).isEqualTo(Map.of("fr", 0L));
        assertThat(Await.result(consent.listed(caller))).isFalse();
    }

    @Test
    void anExpiredConsentIsNotCountedAndIsSweptAway() {
        String region = "r" + id();
        Instant past = Instant.now().minus(Duration.ofDays(731));
        ConsentStore then = new ConsentStore(redis, CIPHER, Clock.fixed(past, ZoneOffset.UTC));
        String gone = "test-" + id();
        Await.result(then.optIn(gone, "+22370000002", Channel.WHATSAPP, "bm", region));
        Subscribers now = new Subscribers(redis, Clock.systemUTC());
        assertThat(Await.result(redis.hget(Subscribers.WHERE, gone))).isNotNull(); // listed, but expired
        assertThat(Await.result(now.listed(gone))).isFalse();
        assertThat(Await.result(now.countByLang("whatsapp", List.of("bm"), List.of(region)))).isEqualTo(Map.of("bm", 0L));
        // Counting dropped it: no hash outlives its consent.
        assertThat(Await.result(redis.hget(Subscribers.WHERE, gone))).isNull();
        assertThat(Await.result(redis.zcard(Subscribers.key(Subscribers.segment("whatsapp", "bm", region))))).isZero();
    }

    @Test
    void theOldSetIsMovedByConsentExpiryAndDeleted() {
        String region = "r" + id();
        ConsentStore consent = new ConsentStore(redis, CIPHER, Clock.systemUTC());
        String live = "test-" + id();
        String expired = "test-" + id();
        String out = "test-" + id();
        // As the old code left them: consent hashes and the plain set, one hash whose consent key is gone.
        Await.result(redis.hset(ConsentStore.key(live), Map.of("status", "in", "channel", "sms", "lang", "bm", "region", region)));
        Await.result(redis.expire(ConsentStore.key(live), Duration.ofDays(100)));
        Await.result(redis.hset(ConsentStore.key(out), Map.of("status", "out", "channel", "sms", "lang", "bm", "region", region)));
        Await.result(redis.sadd(Subscribers.LEGACY, live, expired, out));
        assertThat(Await.result(consent.adoptLegacySubscribers())).isEqualTo(1);
        assertThat(Await.result(redis.smembers(Subscribers.LEGACY))).isEmpty();
        assertThat(Await.result(consent.listed(live))).isTrue();
        assertThat(Await.result(consent.listed(expired))).isFalse();
        assertThat(Await.result(consent.listed(out))).isFalse();
        String score = Await.result(redis.<String>eval("return redis.call('ZSCORE', KEYS[1], ARGV[1])",
                io.lettuce.core.ScriptOutputType.VALUE, new String[] {Subscribers.key(Subscribers.segment("sms", "bm", region))}, live));
        // Listed until the consent key itself expires, not a day longer.
        assertThat(Double.parseDouble(score)).isBetween((double) Instant.now().plus(Duration.ofDays(99)).toEpochMilli(),
                (double) Instant.now().plus(Duration.ofDays(100)).toEpochMilli());
        assertThat(Await.result(consent.adoptLegacySubscribers())).isZero(); // a second start moves nothing
    }

    @Test
    void aLargeOldSetIsMovedWhole() {
        String region = "r" + id();
        ConsentStore consent = new ConsentStore(redis, CIPHER, Clock.systemUTC());
        List<String> callers = java.util.stream.IntStream.range(0, 450).mapToObj(i -> "test-" + id()).toList();
        for (String c : callers) {
            Await.result(redis.hset(ConsentStore.key(c), Map.of("status", "in", "channel", "whatsapp", "lang", "fr", "region", region)));
            Await.result(redis.expire(ConsentStore.key(c), Duration.ofDays(30)));
        }
        Await.result(redis.sadd(Subscribers.LEGACY, callers.toArray(String[]::new)));
        assertThat(Await.result(consent.adoptLegacySubscribers())).isEqualTo(450);
        assertThat(Await.result(consent.subscribers().countByLang("whatsapp", List.of("fr"), List.of(region))))
                .isEqualTo(Map.of("fr", 450L));
    }
}
