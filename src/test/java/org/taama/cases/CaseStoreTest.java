package org.taama.cases;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.taama.privacy.CallerHash;
import org.taama.privacy.NumberCipher;
import org.taama.redis.Redis;
import org.taama.web.BadRequest;
import org.taama.support.TestRedis;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The case store on real Redis: storage, retention with a clock we move, and reads that need the audit. */
class CaseStoreTest {
    static final CallerHash CALLERS = new CallerHash("case-hash-key-case-hash-key-0000".getBytes(StandardCharsets.US_ASCII));
    static final NumberCipher CIPHER = new NumberCipher("case-enc-key-case-enc-key-000000".getBytes(StandardCharsets.US_ASCII));
    static Vertx vertx;
    static Redis redis;

    /** A clock the test moves by hand. */
    static final class MovableClock extends Clock {
        volatile Instant now;

        MovableClock(Instant start) {
            now = start;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        redis = Redis.connect(vertx, TestRedis.url(), TestRedis.cluster(), Duration.ofSeconds(5));
    }

    @AfterAll
    static void stop() throws Exception {
        redis.close();
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    static String number() {
        return "+2237" + ThreadLocalRandom.current().nextInt(1_000_000, 10_000_000);
    }

    static <T> T await(Future<T> f) {
        return org.taama.support.Await.result(f);
    }

    static Throwable failure(Future<?> f) {
        return org.taama.support.Await.failure(f);
    }

    @Test
    @DisplayName("a case whose index writes a dying node left undone is listed right again after repairIndexes")
    void repairPutsEveryCaseBackInItsIndexes() {
        MovableClock clock = new MovableClock(Instant.now());
        CaseStore cases = new CaseStore(redis, CIPHER, clock, CALLERS);
        String number = number();
        String caller = CALLERS.of(number);
        String lost = await(cases.open(caller, number, "morning", true, "fr", "ussd"));
        String stale = await(cases.open(caller, number, "evening", true, "fr", "ussd"));
        // As a node dying between the writes would leave them: one case in no status index and out of its
        // caller's, one also listed under a status it is not in.
        await(redis.zrem(CaseStore.statusKey("new"), lost));
        await(redis.srem(CaseStore.callerKey(caller), lost));
        await(redis.zadd(CaseStore.statusKey("closed"), 1, stale));
        assertThat(await(cases.repairIndexes())).as("nothing touched while the cases may still be being written").isZero();

        clock.advance(Duration.ofMinutes(2));
        assertThat(await(cases.repairIndexes())).isGreaterThanOrEqualTo(3);
        assertThat(await(redis.zrevrange(CaseStore.statusKey("new"), 0, -1))).contains(lost, stale);
        assertThat(await(redis.zrevrange(CaseStore.statusKey("closed"), 0, -1))).doesNotContain(stale);
        assertThat(await(redis.smembers(CaseStore.callerKey(caller)))).contains(lost, stale);
        assertThat(await(cases.repairIndexes())).as("a second pass finds nothing to do for these").isGreaterThanOrEqualTo(0);
        assertThat(await(redis.zrevrange(CaseStore.statusKey("new"), 0, -1))).contains(lost, stale);
    }

    @Test
    void openStoresTheNumberEncryptedUnderTheCaseIdAndIndexesIt() {
        CaseStore cases = new CaseStore(redis, CIPHER, Clock.systemUTC(), CALLERS);
        String number = number();
        String caller = CALLERS.of(number);
        String id = await(cases.open(caller, number, "afternoon", false, "fr", "whatsapp"));
        String id2 = await(cases.open(caller, number, "afternoon", false, "fr", "whatsapp"));
        assertThat(id).matches("[0-9a-f]{32}").isNotEqualTo(id2);
        Map<String, String> h = await(redis.hgetall(CaseStore.key(id)));
        assertThat(h).containsEntry("status", "new").containsEntry("window", "afternoon")
                .containsEntry("leave_message", "false").containsEntry("lang", "fr")
                .containsEntry("channel", "whatsapp").containsEntry("caller", caller)
                .containsKey("created_at").doesNotContainKey("number_hash");
        assertThat(h.toString()).doesNotContain(CallerHash.normalize(number));
        assertThat(CIPHER.decrypt(h.get("number"), id)).isEqualTo(number);
        assertThatThrownBy(() -> CIPHER.decrypt(h.get("number"), id2)).isInstanceOf(IllegalArgumentException.class);
        assertThat(await(redis.smembers(CaseStore.callerKey(caller)))).contains(id, id2);
        assertThat(await(redis.zrevrange(CaseStore.statusKey("new"), 0, -1))).contains(id, id2);
        Map<String, Long> counts = await(cases.counts());
        assertThat(counts.keySet()).containsExactly("new", "contacted", "referred", "closed");
        assertThat(counts.get("new")).isGreaterThanOrEqualTo(2);
        assertThat(await(cases.tallies()).get("opened")).isGreaterThanOrEqualTo(2);
        assertThat(await(redis.hgetall(CaseStore.STATS)).toString()).doesNotContain(id).doesNotContain(caller);
    }

    @Test
    void openRefusesBadInput() {
        CaseStore cases = new CaseStore(redis, CIPHER, Clock.systemUTC());
        String caller = CALLERS.of(number());
        assertThat(failure(cases.open(caller, number(), "night", true, "fr", "ussd"))).isInstanceOf(BadRequest.class);
        assertThat(failure(cases.open(caller, "12", "morning", true, "fr", "ussd"))).isInstanceOf(BadRequest.class);
        assertThat(failure(cases.open("taama:{x}", number(), "morning", true, "fr", "ussd"))).isInstanceOf(BadRequest.class);
        assertThat(failure(cases.open(caller, number(), "morning", true, "f}r", "ussd"))).isInstanceOf(BadRequest.class);
    }

    @Test
    void purgeRemovesClosedCasesOlderThanRetentionAndKeepsTheRest() {
        // Far in the past, so nothing another test closed today is old enough to go.
        MovableClock clock = new MovableClock(Instant.parse("2001-03-01T09:00:00Z"));
        CaseStore cases = new CaseStore(redis, CIPHER, clock, CALLERS);
        String op = "purger";
        String caller = CALLERS.of(number());
        String oldClosed = await(cases.open(caller, number(), "morning", true, "fr", "ussd"));
        String oldOpen = await(cases.open(caller, number(), "morning", true, "fr", "ussd"));
        await(cases.claim(op, oldClosed));
        await(cases.addNote(op, oldClosed, "no answer twice"));
        await(cases.transition(op, oldClosed, "contacted", null));
        await(cases.transition(op, oldClosed, "closed", "done"));
        clock.advance(Duration.ofDays(60));
        String newClosed = await(cases.open(caller, number(), "evening", true, "fr", "ussd"));
        await(cases.claim(op, newClosed));
        await(cases.transition(op, newClosed, "closed", null));
        clock.advance(Duration.ofDays(40)); // oldClosed closed 100 days ago, newClosed 40

        int purged = await(cases.purge(90));
        assertThat(purged).isEqualTo(1);
        assertThat(await(redis.hgetall(CaseStore.key(oldClosed)))).isEmpty();
        assertThat(await(redis.range(CaseStore.notesKey(oldClosed), 0, -1))).isEmpty();
        for (String s : CaseStore.STATUSES) assertThat(await(redis.zrevrange(CaseStore.statusKey(s), 0, -1))).doesNotContain(oldClosed);
        assertThat(await(redis.smembers(CaseStore.callerKey(caller)))).doesNotContain(oldClosed).contains(oldOpen, newClosed);
        // The open one (older still) and the recently closed one stay.
        assertThat(await(redis.hget(CaseStore.key(oldOpen), "status"))).isEqualTo("new");
        assertThat(await(redis.hget(CaseStore.key(newClosed), "status"))).isEqualTo("closed");
        assertThat(((BadRequest) failure(cases.get(op, oldClosed))).status()).isEqualTo(404);
        assertThat(await(cases.purge(90))).isZero();

        clock.advance(Duration.ofDays(60));
        assertThat(await(cases.purge(90))).isEqualTo(1);
        assertThat(await(redis.hgetall(CaseStore.key(newClosed)))).isEmpty();
        assertThat(await(redis.hget(CaseStore.key(oldOpen), "status"))).isEqualTo("new");
    }

    @Test
    void aReadFailsWhenTheAuditCannotBeWritten() {
        String prefix = "taama:{test-audit-" + ThreadLocalRandom.current().nextInt(1_000_000) + "}";
        Audit audit = new Audit(redis, Clock.systemUTC(), Duration.ofDays(400), prefix);
        // Neither part of the audit can be written now: WRONGTYPE.
        await(redis.setex(audit.trailKey(), "not a sorted set", Duration.ofMinutes(5)));
        await(redis.setex(audit.readsKey(), "not a hash", Duration.ofMinutes(5)));
        CaseStore good = new CaseStore(redis, CIPHER, Clock.systemUTC(), CALLERS);
        CaseStore broken = new CaseStore(redis, CIPHER, Clock.systemUTC(), CALLERS, audit);
        String number = number();
        String id = await(good.open(CALLERS.of(number), number, "morning", true, "fr", "ussd"));
        await(good.claim("op", id));

        for (Future<?> read : new Future<?>[] {broken.get("op", id), broken.reveal("op", id), broken.list("op", "new", 0, 10)}) {
            Throwable e = failure(read);
            assertThat(e).isInstanceOf(BadRequest.class);
            assertThat(((BadRequest) e).status()).isEqualTo(503);
            assertThat(e.getMessage()).contains("audit").doesNotContain(CallerHash.normalize(number));
        }
        assertThat(await(good.reveal("op", id))).isEqualTo(number);
        await(redis.del(audit.trailKey(), audit.readsKey()));
    }

    @Test
    void auditScrubReplacesOnlyTheGivenIds() {
        String prefix = "taama:{test-audit-" + ThreadLocalRandom.current().nextInt(1_000_000) + "}";
        MovableClock clock = new MovableClock(Instant.parse("2026-03-01T10:00:00Z"));
        Audit audit = new Audit(redis, clock, Duration.ofDays(400), prefix);
        String a = "a".repeat(32);
        String b = "b".repeat(32);
        await(audit.record("x", "claim", a));
        clock.advance(Duration.ofMillis(1));
        await(audit.record("y", "claim", b));
        clock.advance(Duration.ofMillis(1));
        await(audit.record("x", "reveal", a));
        await(audit.count("x", "read", a));
        await(audit.count("x", "read", a));
        await(audit.count("y", "read", b));
        assertThat(await(audit.scrub(java.util.List.of(a)))).isEqualTo(3L);
        var entries = await(audit.recent(0, 10));
        assertThat(entries).extracting(e -> e.getString("case")).containsExactly("erased", b, "erased");
        assertThat(entries).extracting(e -> e.getString("action")).containsExactly("reveal", "claim", "claim");
        assertThat(await(audit.reads(0, 10))).extracting(e -> e.getString("case") + "=" + e.getLong("count"))
                .containsExactlyInAnyOrder("erased=2", b + "=1");
        String raw = await(redis.zrevrange(audit.trailKey(), 0, -1)) + " " + await(redis.hgetall(audit.readsKey())).keySet();
        assertThat(raw).contains(b).doesNotContain(a);
        await(redis.del(audit.trailKey(), audit.readsKey(), audit.readsKey() + ":hours"));
    }

    @Test
    void notesAreEncryptedInRedisAndReadBackByOperators() {
        CaseStore cases = new CaseStore(redis, CIPHER, Clock.systemUTC(), CALLERS);
        String number = number();
        String id = await(cases.open(CALLERS.of(number), number, "evening", false, "bm", "ussd"));
        await(cases.claim("op-notes", id));
        String said = "She says the employer in Kayes keeps her passport";
        await(cases.addNote("op-notes", id, said));
        await(cases.transition("op-notes", id, "contacted", "Called at 19:00, safe to talk"));

        String raw = String.join("\n", await(redis.range(CaseStore.notesKey(id), 0, -1)));
        assertThat(raw).contains("op-notes").doesNotContain("passport").doesNotContain("Kayes").doesNotContain("19:00");
        String read = await(cases.get("op-notes", id)).encode();
        assertThat(read).contains(said).contains("Called at 19:00, safe to talk");
    }

    @Test
    void casesNobodyMovedForTheIdleLimitAreDeletedWithTheirNumber() {
        // Further in the past than any other test's cases, so only these two are old enough.
        MovableClock clock = new MovableClock(Instant.parse("1995-01-01T09:00:00Z"));
        CaseStore cases = new CaseStore(redis, CIPHER, clock, CALLERS);
        String forgotten = await(cases.open(CALLERS.of(number()), number(), "morning", false, "fr", "ussd"));
        clock.advance(Duration.ofDays(300));
        String recent = await(cases.open(CALLERS.of(number()), number(), "evening", false, "bm", "sms"));
        clock.advance(Duration.ofDays(100));                 // forgotten: 400 days idle; recent: 100

        assertThat(await(cases.expireIdle(365))).isGreaterThanOrEqualTo(1);
        assertThat(await(redis.hgetall(CaseStore.key(forgotten)))).isEmpty();
        assertThat(await(redis.hgetall(CaseStore.key(recent)))).containsEntry("status", "new").containsKey("number");
        await(cases.erase(java.util.List.of(recent)));
    }
}
