package org.taama.pace;

import io.lettuce.core.ScriptOutputType;
import io.vertx.core.Future;
import org.taama.config.Config;
import org.taama.redis.Redis;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;

/**
 * How fast one sender (one of our Twilio numbers) may send, held by Redis for every node together:
 * {@code rate} segments a second with up to {@code burst} at once after a pause (GCRA: one stored
 * "theoretical arrival time" per sender, no background refill).
 *
 * <p>{@link #take} never blocks and never sleeps: it answers "go" or "wait N ms", and the caller sets a
 * Vert.x timer and asks again. The decision is one Lua script on one key, clocked by Redis {@code TIME},
 * so nodes with skewed clocks still share one budget and two nodes asking at once cannot both spend
 * the same slot.
 *
 * <p>A message of more segments than the burst is still sendable: it goes once the sender owes nothing
 * (the bucket is empty), and the debt it leaves makes the next message wait for all of it. The
 * long-run rate holds; the burst is exceeded by that one message only.
 */
public final class SenderPace {
    /**
     * The most segments one take may ask for: Twilio refuses a body over 1,600 characters, which is
     * 24 UCS-2 segments of 67 characters. More is a bug or an attack, and would stall the sender for
     * as long as it "owes".
     */
    public static final int MAX_SEGMENTS = 24;

    /**
     * KEYS[1] the sender's key; ARGV interval (µs per segment), burst, segments, how far ahead (µs) the
     * caller accepts a booked slot (0: now or not at all). Answers {counted, µs until these segments
     * may go, µs until one more segment may go after them}; counted is 0 when the slot is further
     * ahead than accepted, and then nothing is written. Redis ≥ 5 replicates a script's
     * effects rather than the script, so TIME is allowed before a write without replicate_commands().
     * µs since 1970 (~1.8e15) fit a Lua double exactly; %.0f keeps them whole in the string.
     */
    private static final Redis.Script GCRA = Redis.Script.of("""
            local interval = tonumber(ARGV[1])
            local burst = tonumber(ARGV[2])
            local n = tonumber(ARGV[3])
            local ahead = tonumber(ARGV[4])
            local clock = redis.call('TIME')
            local now = tonumber(clock[1]) * 1000000 + tonumber(clock[2])
            local tat = tonumber(redis.call('GET', KEYS[1]) or '')
            if tat == nil or tat < now then tat = now end
            local after = tat + n * interval
            local earliest = after - math.max(burst, n) * interval
            local delay = math.max(0, earliest - now)
            if delay > ahead then return {0, delay, 0} end
            redis.call('SET', KEYS[1], string.format('%.0f', after), 'PX', math.floor((after - now) / 1000) + 1)
            return {1, delay, math.max(0, after + interval - burst * interval - now)}
            """);

    private final Redis redis;
    private final long intervalMicros;
    private final int burst;

    /** @param rate segments per second per sender (≥ 1); @param burst segments at once after a pause (≥ 1) */
    public SenderPace(Redis redis, int rate, int burst) {
        if (rate < 1 || rate > 1_000_000) throw new IllegalArgumentException("rate must be 1 to 1,000,000 a second");
        if (burst < 1) throw new IllegalArgumentException("burst must be at least 1");
        this.redis = redis;
        this.intervalMicros = Math.round(1_000_000.0 / rate);
        this.burst = burst;
    }

    public static SenderPace from(Redis redis, Config config) {
        return new SenderPace(redis, config.senderRate(), config.senderBurst());
    }

    /**
     * The answer to one take.
     *
     * @param go         true: send now (the segments are counted)
     * @param waitMicros when {@code go}, how long until one more segment could go (0 while burst is
     *                   left; a hint so a sending loop asks again neither too early nor too late); when
     *                   not, how long until these segments may go. Nothing is counted for a wait.
     */
    public record Answer(boolean go, long waitMicros) {
        /** The wait rounded up to whole milliseconds (a Vert.x timer's unit), at least 1 when not 0. */
        public long waitMillis() {
            return (waitMicros + 999) / 1000;
        }
    }

    /**
     * Asks whether {@code segments} may be sent now from {@code sender}. Fails (never throws) on bad
     * input or when Redis does not answer; the caller then tries again later, nothing was counted
     * (or, after a lost answer, a slot was spent: the pace errs on the slow side).
     */
    public Future<Answer> take(String sender, int segments) {
        return ask(sender, segments, 0).map(r -> r.get(0) == 1L ? new Answer(true, r.get(2)) : new Answer(false, r.get(1)));
    }

    /**
     * A slot booked ahead.
     *
     * @param booked       true: the segments are counted; send them after {@code delayMicros} without
     *                     asking again. False: the next free slot is further ahead than accepted; nothing
     *                     is counted, ask again after {@code delayMicros}.
     */
    public record Booking(boolean booked, long delayMicros) {
        public long delayMillis() {
            return (delayMicros + 999) / 1000;
        }
    }

    /**
     * Like {@link #take}, but books the next free slot when it is at most {@code maxAhead} away, so a
     * sending node asks Redis once per message however many nodes send for this sender, and a message
     * of many segments keeps its place behind the ones booked before it instead of losing every race
     * to smaller ones. A node that dies between booking and sending wastes its slot: the pace only
     * errs on the slow side. {@code maxAhead} bounds how much time one node can hold.
     */
    public Future<Booking> book(String sender, int segments, Duration maxAhead) {
        if (maxAhead == null || maxAhead.isNegative() || maxAhead.compareTo(MAX_AHEAD) > 0) {
            return Future.failedFuture(new IllegalArgumentException("maxAhead must be 0 to " + MAX_AHEAD));
        }
        long ahead = maxAhead.toNanos() / 1000;
        return ask(sender, segments, ahead).map(r -> r.get(0) == 1L
                ? new Booking(true, r.get(1))
                : new Booking(false, r.get(1) - ahead));
    }

    /** The furthest a booking may reach: beyond it a crashed node would hold a sender silent too long. */
    public static final Duration MAX_AHEAD = Duration.ofMinutes(1);

    private Future<List<Long>> ask(String sender, int segments, long aheadMicros) {
        if (sender == null || sender.isBlank()) return Future.failedFuture(new IllegalArgumentException("no sender"));
        if (segments < 1 || segments > MAX_SEGMENTS) {
            return Future.failedFuture(new IllegalArgumentException(
                    "segments must be 1 to " + MAX_SEGMENTS + ", not " + segments));
        }
        try {
            return redis.run(GCRA, ScriptOutputType.MULTI, new String[]{key(sender)}, Long.toString(intervalMicros),
                    Integer.toString(burst), Integer.toString(segments), Long.toString(aheadMicros));
        } catch (RuntimeException e) {
            // Lettuce may refuse a command at once (closed connection): still a failed future, not a throw.
            return Future.failedFuture(e);
        }
    }

    /**
     * {@code taama:pace:{<digest>}}: a sender is our own (public) number, but no number is ever a Redis
     * key, so it is named by a SHA-256 digest, cut to 128 bits. The braces are the hash tag: on Redis
     * Cluster the one key is the script's one slot. The key lives only while the sender owes time
     * (at most max(burst, segments) ÷ rate), so an idle sender leaves nothing behind.
     */
    public static String key(String sender) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(sender.strip().getBytes(StandardCharsets.UTF_8));
            return "taama:pace:{" + HexFormat.of().formatHex(d, 0, 16) + "}";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    public int burst() {
        return burst;
    }

    public long intervalMicros() {
        return intervalMicros;
    }
}
