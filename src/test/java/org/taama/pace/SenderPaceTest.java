package org.taama.pace;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.taama.redis.EmbeddedRedis;
import org.taama.redis.Redis;
import org.taama.support.Await;
import org.taama.support.TestRedis;

import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/** The shared per-sender pace, on the real Redis, with two connections standing for two nodes. */
class SenderPaceTest {
    static Vertx vertx;
    static Redis redis;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        redis = Redis.connect(vertx, TestRedis.url(), TestRedis.cluster(), Duration.ofSeconds(2));
    }

    @AfterAll
    static void stop() throws Exception {
        redis.close();
        vertx.close().toCompletionStage().toCompletableFuture().get();
    }

    /** A sender no other test uses. */
    static String sender() {
        return "+1500" + Math.abs(UUID.randomUUID().getMostSignificantBits() % 10_000_000L);
    }

    @Test
    @DisplayName("a pause earns a burst; the next segment is told to wait one interval, less the time already gone")
    void burstThenThrottled() {
        SenderPace pace = new SenderPace(redis, 5, 5);
        String s = sender();
        long started = System.nanoTime();
        for (int i = 0; i < 5; i++) {
            assertThat(Await.result(pace.take(s, 1)).go()).as("take %d of the burst", i + 1).isTrue();
        }
        SenderPace.Answer sixth = Await.result(pace.take(s, 1));
        long elapsedMicros = (System.nanoTime() - started) / 1000;

        assertThat(sixth.go()).isFalse();
        assertThat(sixth.waitMicros()).isBetween(pace.intervalMicros() - elapsedMicros, pace.intervalMicros());
        assertThat(sixth.waitMillis()).isEqualTo((sixth.waitMicros() + 999) / 1000);
    }

    @Test
    @DisplayName("after waiting what it was told, the segment goes; a 'go' says when the next one could")
    void waitIsRight() throws Exception {
        // Intervals of 250 ms: far longer than a pause of the test JVM between two takes.
        SenderPace pace = new SenderPace(redis, 4, 2);
        String s = sender();
        long before = System.nanoTime();
        SenderPace.Answer first = Await.result(pace.take(s, 1));
        SenderPace.Answer second = Await.result(pace.take(s, 1));
        long elapsed = (System.nanoTime() - before) / 1000;
        assertThat(first.go()).isTrue();
        assertThat(first.waitMicros()).as("burst left: no wait for the next").isZero();
        assertThat(second.go()).isTrue();
        // The first segment's interval started when it went: what is left of it is the wait.
        assertThat(second.waitMicros()).as("burst spent: the next is one interval after the first")
                .isBetween(pace.intervalMicros() - elapsed, pace.intervalMicros());

        SenderPace.Answer third = Await.result(pace.take(s, 1));
        assertThat(third.go()).isFalse();
        Thread.sleep(third.waitMillis());
        assertThat(Await.result(pace.take(s, 1)).go()).as("asked again after the wait").isTrue();
    }

    @Test
    @DisplayName("two nodes hammering one sender together never get more than rate x time + burst")
    void twoNodesShareOneBudget() throws Exception {
        int rate = 50, burst = 5, inFlightPerNode = 2;
        long runMillis = 2000;
        String s = sender();
        Vertx otherVertx = Vertx.vertx();
        Redis other = Redis.connect(otherVertx, TestRedis.url(), TestRedis.cluster(), Duration.ofSeconds(2));
        try {
            List<SenderPace> nodes = List.of(new SenderPace(redis, rate, burst), new SenderPace(other, rate, burst));
            List<Vertx> loops = List.of(vertx, otherVertx);
            AtomicLong[] grants = {new AtomicLong(), new AtomicLong()};
            AtomicLong takes = new AtomicLong();
            AtomicReference<Throwable> failed = new AtomicReference<>();
            long start = System.nanoTime();
            long end = start + TimeUnit.MILLISECONDS.toNanos(runMillis);
            List<CompletableFuture<Void>> done = new ArrayList<>();
            for (int n = 0; n < 2; n++) {
                for (int k = 0; k < inFlightPerNode; k++) {
                    CompletableFuture<Void> d = new CompletableFuture<>();
                    done.add(d);
                    int node = n;
                    loops.get(n).runOnContext(v -> hammer(nodes.get(node), s, end, grants[node], takes, failed, d));
                }
            }
            CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
            double seconds = (System.nanoTime() - start) / 1e9;

            assertThat(failed.get()).isNull();
            long total = grants[0].get() + grants[1].get();
            double ceiling = rate * seconds + burst;
            assertThat(total).as("grants in %.3f s (%d takes)", seconds, takes.get()).isLessThanOrEqualTo((long) ceiling);
            // Without this the ceiling could hold because nobody asked: the budget was really spent.
            assertThat(total).as("grants in %.3f s", seconds).isGreaterThanOrEqualTo((long) (rate * runMillis / 1000.0 / 2));
            assertThat(takes.get()).as("the nodes asked far more often than they were let through").isGreaterThan(2 * total);
            assertThat(grants[0].get()).as("node 1 got some").isPositive();
            assertThat(grants[1].get()).as("node 2 got some").isPositive();
        } finally {
            other.close();
            otherVertx.close().toCompletionStage().toCompletableFuture().get();
        }
    }

    /** Asks again as soon as answered, ignoring the waits: the worst a buggy node could do. */
    private static void hammer(SenderPace pace, String sender, long end, AtomicLong grants, AtomicLong takes,
                               AtomicReference<Throwable> failed, CompletableFuture<Void> done) {
        if (System.nanoTime() >= end) {
            done.complete(null);
            return;
        }
        takes.incrementAndGet();
        pace.take(sender, 1).onComplete(r -> {
            if (r.failed()) {
                failed.set(r.cause());
                done.complete(null);
                return;
            }
            if (r.result().go()) grants.incrementAndGet();
            hammer(pace, sender, end, grants, takes, failed, done);
        });
    }

    @Test
    @DisplayName("booking: two nodes ask Redis once per message, and what they send never exceeds rate x time + burst")
    void twoNodesBookOncePerMessage() throws Exception {
        int rate = 50, burst = 5;
        long runMillis = 1500;
        String s = sender();
        Vertx otherVertx = Vertx.vertx();
        Redis other = Redis.connect(otherVertx, TestRedis.url(), TestRedis.cluster(), Duration.ofSeconds(2));
        try {
            List<SenderPace> nodes = List.of(new SenderPace(redis, rate, burst), new SenderPace(other, rate, burst));
            List<Vertx> loops = List.of(vertx, otherVertx);
            List<Long> sentAt = java.util.Collections.synchronizedList(new ArrayList<>());
            AtomicLong asks = new AtomicLong(), refused = new AtomicLong();
            AtomicReference<Throwable> failed = new AtomicReference<>();
            long start = System.nanoTime();
            long end = start + TimeUnit.MILLISECONDS.toNanos(runMillis);
            List<CompletableFuture<Void>> done = new ArrayList<>();
            for (int n = 0; n < 2; n++) {
                CompletableFuture<Void> d = new CompletableFuture<>();
                done.add(d);
                int node = n;
                loops.get(n).runOnContext(v -> sendLoop(loops.get(node), nodes.get(node), s, end, sentAt, asks, refused, failed, d));
            }
            CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);

            assertThat(failed.get()).isNull();
            assertThat(refused.get()).as("a slot within 200 ms was always free").isZero();
            assertThat(asks.get()).as("one ask per message sent").isEqualTo(sentAt.size());
            List<Long> times = new ArrayList<>(sentAt);
            java.util.Collections.sort(times);
            // However the sends fall, none of the windows from the start holds more than the pace allows.
            for (int i = 0; i < times.size(); i++) {
                double seconds = (times.get(i) - start) / 1e9;
                assertThat(i + 1L).as("sent by %.3f s", seconds).isLessThanOrEqualTo((long) (rate * seconds + burst));
            }
            assertThat(times.size()).as("the budget was really spent").isGreaterThanOrEqualTo((int) (rate * runMillis / 1000 / 2));
        } finally {
            other.close();
            otherVertx.close().toCompletionStage().toCompletableFuture().get();
        }
    }

    /** Book, wait the delay, "send", book the next; a refusal waits and asks again. */
    private static void sendLoop(Vertx vertx, SenderPace pace, String sender, long end, List<Long> sentAt, AtomicLong asks,
                                 AtomicLong refused, AtomicReference<Throwable> failed, CompletableFuture<Void> done) {
        if (System.nanoTime() >= end) {
            done.complete(null);
            return;
        }
        asks.incrementAndGet();
        pace.book(sender, 1, Duration.ofMillis(200)).onComplete(r -> {
            if (r.failed()) {
                failed.set(r.cause());
                done.complete(null);
                return;
            }
            Runnable next = () -> sendLoop(vertx, pace, sender, end, sentAt, asks, refused, failed, done);
            if (!r.result().booked()) refused.incrementAndGet();
            long delay = r.result().delayMillis();
            Runnable act = r.result().booked() ? () -> {
                sentAt.add(System.nanoTime());
                next.run();
            } : next;
            if (delay == 0) act.run();
            else vertx.setTimer(delay, t -> act.run());
        });
    }

    @Test
    @DisplayName("booking keeps a big message's place: it goes after what was booked before it, and before what comes after")
    void bookingIsFirstComeFirstServed() {
        SenderPace pace = new SenderPace(redis, 20, 3);
        long t = pace.intervalMicros();
        String s = sender();
        long before = System.nanoTime();
        for (int i = 0; i < 3; i++) assertThat(Await.result(pace.take(s, 1)).go()).isTrue();
        SenderPace.Booking big = Await.result(pace.book(s, 10, Duration.ofSeconds(1)));
        SenderPace.Booking after = Await.result(pace.book(s, 1, Duration.ofSeconds(1)));
        long elapsed = (System.nanoTime() - before) / 1000;

        assertThat(big.booked()).isTrue();
        // 10 > burst: it goes when the 3 before it are paid for.
        assertThat(big.delayMicros()).isBetween(3 * t - elapsed, 3 * t);
        assertThat(after.booked()).isTrue();
        // Then its own 10 intervals, less the burst of 3, plus this one: 3 + 10 - 3 + 1 = 11.
        assertThat(after.delayMicros()).isBetween(11 * t - elapsed, 11 * t);

        SenderPace.Booking tooFar = Await.result(pace.book(s, 1, Duration.ofMillis(100)));
        assertThat(tooFar.booked()).as("the next slot is ~600 ms away").isFalse();
        assertThat(tooFar.delayMicros()).as("ask again when it is 100 ms away")
                .isBetween(12 * t - 100_000 - (System.nanoTime() - before) / 1000, 12 * t - 100_000);
        SenderPace.Booking same = Await.result(pace.book(s, 1, Duration.ofSeconds(1)));
        assertThat(same.delayMicros()).as("the refusal counted nothing").isLessThanOrEqualTo(12 * t);
    }

    @Test
    @DisplayName("a booking horizon below zero, missing, or over a minute fails the future")
    void badHorizon() {
        SenderPace pace = new SenderPace(redis, 10, 2);
        for (Duration bad : new Duration[]{null, Duration.ofMillis(-1), SenderPace.MAX_AHEAD.plusMillis(1)}) {
            assertThat(Await.failure(pace.book(sender(), 1, bad))).as("%s", bad).isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(Await.failure(pace.book(sender(), 0, Duration.ZERO))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    @DisplayName("each sender has its own budget")
    void sendersDoNotShare() {
        SenderPace pace = new SenderPace(redis, 10, 3);
        String a = sender(), b = sender();
        for (int i = 0; i < 3; i++) assertThat(Await.result(pace.take(a, 1)).go()).isTrue();
        assertThat(Await.result(pace.take(a, 1)).go()).isFalse();
        for (int i = 0; i < 3; i++) assertThat(Await.result(pace.take(b, 1)).go()).as("b, take %d", i + 1).isTrue();
    }

    @Test
    @DisplayName("a message of several segments spends them all; one bigger than the burst goes when nothing is owed, and the next waits for all of it")
    void segmentsAndBigMessages() {
        SenderPace pace = new SenderPace(redis, 20, 3);
        long t = pace.intervalMicros();

        String s = sender();
        assertThat(Await.result(pace.take(s, 3)).go()).isTrue();
        assertThat(Await.result(pace.take(s, 1)).go()).as("the 3 segments spent the burst").isFalse();

        String big = sender();
        long before = System.nanoTime();
        assertThat(Await.result(pace.take(big, 10)).go()).as("10 segments > burst 3, nothing owed").isTrue();
        SenderPace.Answer next = Await.result(pace.take(big, 1));
        long elapsed = (System.nanoTime() - before) / 1000;
        assertThat(next.go()).isFalse();
        // Owes 10 intervals, may owe up to 3: the next segment waits 10 - 3 + 1 = 8 intervals.
        assertThat(next.waitMicros()).isBetween(8 * t - elapsed, 8 * t);

        String owing = sender();
        assertThat(Await.result(pace.take(owing, 1)).go()).isTrue();
        before = System.nanoTime();
        SenderPace.Answer bigWhileOwing = Await.result(pace.take(owing, 10));
        elapsed = (System.nanoTime() - before) / 1000;
        assertThat(bigWhileOwing.go()).as("a big message waits until nothing is owed").isFalse();
        assertThat(bigWhileOwing.waitMicros()).isBetween(t - elapsed - 1000, t);
    }

    @Test
    @DisplayName("bad segment counts and senders fail the future, count nothing, and never throw")
    void hostileInput() {
        SenderPace pace = new SenderPace(redis, 10, 2);
        String s = sender();
        for (int bad : new int[]{0, -1, Integer.MIN_VALUE, SenderPace.MAX_SEGMENTS + 1, Integer.MAX_VALUE}) {
            assertThat(Await.failure(pace.take(s, bad))).as("%d segments", bad).isInstanceOf(IllegalArgumentException.class);
        }
        for (String bad : new String[]{null, "", "   \t\n"}) {
            assertThat(Await.failure(pace.take(bad, 1))).isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(Await.result(redis.get(SenderPace.key(s)))).as("nothing counted").isNull();
        assertThat(Await.result(pace.take(s, SenderPace.MAX_SEGMENTS)).go()).as("the largest message allowed goes").isTrue();

        String huge = "x".repeat(100_000) + "\u0000\r\n{}";
        assertThat(Await.result(pace.take(huge, 1)).go()).isTrue();
        assertThat(SenderPace.key(huge)).matches("taama:pace:\\{[0-9a-f]{32}\\}");
    }

    @Test
    @DisplayName("a garbage value in a sender's key counts as nothing owed, and is overwritten")
    void garbageState() {
        SenderPace pace = new SenderPace(redis, 10, 2);
        String s = sender();
        Await.result(redis.setex(SenderPace.key(s), "not-a-time", Duration.ofMinutes(1)));
        assertThat(Await.result(pace.take(s, 1)).go()).isTrue();
        assertThat(Await.result(redis.get(SenderPace.key(s)))).matches("[0-9]{16,}");
    }

    @Test
    @DisplayName("the key names the sender by a digest, and lives only while the sender owes time")
    void keyAndExpiry() throws Exception {
        SenderPace pace = new SenderPace(redis, 20, 2);
        String s = "+22370000001";
        Await.result(redis.del(SenderPace.key(s)));
        String key = SenderPace.key(s);
        assertThat(key).matches("taama:pace:\\{[0-9a-f]{32}\\}").doesNotContain("70000001");
        assertThat(SenderPace.key(" " + s + " ")).isEqualTo(key);
        assertThat(SenderPace.key("whatsapp:" + s)).as("another channel, another sender").isNotEqualTo(key);

        assertThat(Await.result(pace.take(s, 2)).go()).isTrue();
        long ttl = Await.result(redis.ttlMillis(key));
        assertThat(ttl).as("owes 2 intervals of 50 ms").isBetween(1L, 2 * pace.intervalMicros() / 1000 + 1);
        Thread.sleep(ttl + 20);
        assertThat(Await.result(redis.get(key))).as("an idle sender leaves nothing").isNull();
        assertThat(Await.result(pace.take(s, 2)).go()).as("and has its whole burst back").isTrue();
    }

    @Test
    @DisplayName("Redis down: the future fails on the caller's context, nothing thrown; back up, the script is loaded again")
    void redisDown() throws Exception {
        var dir = Files.createTempDirectory("taama-pace-redis");
        EmbeddedRedis own = EmbeddedRedis.start(dir);
        int port = own.port();
        Redis r = Redis.connect(vertx, own.url(), false, Duration.ofMillis(500));
        try {
            SenderPace pace = new SenderPace(r, 10, 2);
            String s = sender();
            assertThat(Await.result(pace.take(s, 1)).go()).isTrue();
            own.close();

            Promise<Throwable> outcome = Promise.promise();
            AtomicReference<Throwable> thrown = new AtomicReference<>();
            vertx.runOnContext(v -> {
                try {
                    pace.take(s, 1).onComplete(a -> outcome.complete(a.failed() ? a.cause() : null));
                } catch (Throwable e) {
                    thrown.set(e);
                    outcome.complete(e);
                }
            });
            Throwable cause = Await.result(outcome.future());
            assertThat(thrown.get()).as("thrown on the caller's thread").isNull();
            assertThat(cause).as("the take failed").isNotNull().isNotInstanceOf(IllegalArgumentException.class);

            own = EmbeddedRedis.start(dir, port);
            // A fresh redis-server knows no script: EVALSHA answers NOSCRIPT and the body is sent once.
            SenderPace.Answer back = null;
            for (int i = 0; i < 100 && back == null; i++) {
                Future<SenderPace.Answer> f = pace.take(sender(), 1);
                try {
                    back = f.toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
                } catch (Exception reconnecting) {
                    Thread.sleep(50);
                }
            }
            assertThat(back).as("answered once Redis is back").isNotNull();
            assertThat(back.go()).isTrue();
        } finally {
            r.close();
            own.close();
        }
    }
}
