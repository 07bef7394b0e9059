package org.taama.cases;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.taama.cases.CaseStoreTest.MovableClock;
import org.taama.redis.Redis;
import org.taama.support.TestRedis;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The audit on real Redis: bounded by age, never by count, with reads counted apart from the trail. */
class AuditTest {
    static Vertx vertx;
    static Redis redis;
    static final String REVEALED = "0123456789abcdef0123456789abcdef";

    final MovableClock clock = new MovableClock(Instant.parse("2026-01-10T08:15:00Z"));
    final String prefix = "taama:{test-audit-" + ThreadLocalRandom.current().nextInt(1_000_000_000) + "}";
    final Audit audit = new Audit(redis, clock, Duration.ofDays(400), prefix);

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

    @AfterEach
    void clean() {
        await(redis.del(audit.trailKey(), audit.readsKey(), audit.readsKey() + ":hours"));
    }

    @Test
    void aFloodOfReadsCannotPushARevealOut() {
        await(audit.record("amina", "reveal", REVEALED));
        long trailBefore = await(redis.zcard(audit.trailKey()));

        // 5,000 case lists and reads sent at once (Lettuce pipelines them on one connection).
        List<Future<Void>> flood = new ArrayList<>();
        for (int i = 0; i < 5_000; i++) {
            flood.add(i % 2 == 0 ? audit.count("moussa", "list", null) : audit.count("moussa", "read", REVEALED));
        }
        await(Future.all(flood));

        assertThat(await(redis.zcard(audit.trailKey()))).as("reads never enter the trail").isEqualTo(trailBefore);
        assertThat(await(audit.recent(0, 10))).singleElement().satisfies(e -> {
            assertThat(e.getString("operator")).isEqualTo("amina");
            assertThat(e.getString("action")).isEqualTo("reveal");
            assertThat(e.getString("case")).isEqualTo(REVEALED);
        });
        // Aggregated, not dropped: every one of the 5,000 is counted in its hour.
        List<JsonObject> reads = await(audit.reads(0, 100));
        assertThat(reads).extracting(r -> r.getString("action") + " " + r.getLong("count"))
                .containsExactlyInAnyOrder("list 2500", "read 2500");
        assertThat(reads).allSatisfy(r -> {
            assertThat(r.getString("hour")).isEqualTo("2026-01-10T08:00:00Z");
            assertThat(r.getString("operator")).isEqualTo("moussa");
        });
    }

    @Test
    void everyEntryIsKeptForTheRetentionAndDroppedAfter() {
        await(audit.record("amina", "reveal", REVEALED));
        await(audit.count("moussa", "read", REVEALED));
        clock.advance(Duration.ofDays(399));
        await(audit.record("amina", "claim", REVEALED));
        await(audit.count("moussa", "list", null));

        assertThat(await(audit.trim())).containsExactly(0, 0);
        assertThat(actions(await(audit.recent(0, 10)))).containsExactly("claim", "reveal");
        assertThat(actions(await(audit.reads(0, 10)))).containsExactly("list", "read");

        // 400 days and a bit after the first entries (their hour, 08:00–09:00, is wholly older).
        clock.advance(Duration.ofDays(1).plusHours(1));
        assertThat(await(audit.trim())).containsExactly(1, 1);
        assertThat(actions(await(audit.recent(0, 10)))).containsExactly("claim");
        assertThat(actions(await(audit.reads(0, 10)))).containsExactly("list");
    }

    @Test
    void aReadIsCountedUntilItsWholeHourIsOlderThanTheRetention() {
        clock.advance(Duration.ofMinutes(40)); // 08:55
        await(audit.count("moussa", "read", REVEALED));
        // 400 days later at 08:58: that read is older than 400 days, but its hour is not wholly; kept.
        clock.advance(Duration.ofDays(400).plusMinutes(3));
        await(audit.trim());
        assertThat(actions(await(audit.reads(0, 10)))).containsExactly("read");
        clock.advance(Duration.ofMinutes(5)); // 09:03: the 08:00 hour is all older now
        await(audit.trim());
        assertThat(await(audit.reads(0, 10))).isEmpty();
    }

    @Test
    void writingAlsoDropsWhatIsOlderThanTheRetention() {
        await(audit.record("amina", "reveal", REVEALED));
        await(audit.count("moussa", "read", REVEALED));
        clock.advance(Duration.ofDays(402));
        // No trim job ran: the next writes drop what is too old on their own.
        await(audit.record("amina", "login", null));
        await(audit.count("moussa", "list", null));
        assertThat(actions(await(audit.recent(0, 10)))).containsExactly("login");
        assertThat(actions(await(audit.reads(0, 10)))).containsExactly("list");
    }

    @Test
    void twoIdenticalActionsInOneMillisecondAreTwoEntries() {
        await(Future.all(audit.record("amina", "reveal", REVEALED), audit.record("amina", "reveal", REVEALED)));
        assertThat(await(audit.recent(0, 10))).hasSize(2);
    }

    @Test
    void theOldCappedListIsMovedIntoTheTrailOnce() {
        for (String[] e : new String[][] {{"2025-11-01T10:00:00Z", "reveal"}, {"2025-11-02T10:00:00Z", "claim"}, {"2025-11-03T10:00:00Z", "read"}}) {
            await(redis.pushCapped(Audit.LEGACY, new JsonObject().put("at", e[0]).put("operator", "amina").put("action", e[1])
                    .put("case", REVEALED).encode(), 100_000));
        }
        assertThat(await(audit.adoptLegacy())).isEqualTo(3);
        assertThat(await(audit.adoptLegacy())).isZero();
        assertThat(await(redis.range(Audit.LEGACY, 0, -1))).isEmpty();
        List<JsonObject> trail = await(audit.recent(0, 10));
        assertThat(actions(trail)).containsExactly("read", "claim", "reveal");
        assertThat(trail.get(2).getString("at")).isEqualTo("2025-11-01T10:00:00Z");
    }

    static List<String> actions(List<JsonObject> entries) {
        return entries.stream().map(e -> e.getString("action")).toList();
    }

    static <T> T await(Future<T> f) {
        return org.taama.support.Await.result(f);
    }
}
