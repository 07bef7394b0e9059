package org.taama.stats;

import io.lettuce.core.ScriptOutputType;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.taama.metrics.Meters;
import org.taama.redis.Redis;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/**
 * Counts in memory and writes to Redis every {@code STATS_FLUSH_MS}: one script per flush adds every
 * counter that moved to the minute's and the day's hash (HINCRBY, expiry set), appends the message
 * log's new entries (a capped stream) and publishes one "changed" notice, whatever the number of
 * events. An event costs a map increment on the caller's thread and no Redis round trip of its own;
 * a node sends at most one write and one notice a flush interval.
 *
 * <p>The pending counters are one per field, and fields come only from the {@link Vocabulary}, so
 * memory is bounded; the log waiting for a flush is capped at {@value #LOG_PENDING_MAX} entries.
 * A flush that fails (Redis down) drops its counts rather than risk counting them twice, and says so
 * in {@code taama_stats_dropped_total}.
 */
public final class Recorder implements Events, AutoCloseable {
    /** Entries the message log keeps (approximately: Redis trims whole stream nodes). */
    public static final int LOG_KEEP = 1000;
    /** The log expires this long after its last entry; readers skip older entries too. */
    public static final Duration LOG_TTL = Duration.ofHours(24);
    static final int LOG_PENDING_MAX = 500;
    private static final Set<String> DIRECTIONS = Set.of("in", "out");
    private static final Pattern CALLER = Pattern.compile("[0-9a-f]{16,64}");
    private static final Pattern STATUS = Pattern.compile("[a-z][a-z_]{0,23}");
    /** How much of the caller hash the log keeps: enough to follow one conversation, not to find a key. */
    public static final int MASK_CHARS = 8;

    private static final Redis.Script FLUSH = Redis.Script.of("""
            local i = 7
            local n = tonumber(ARGV[6])
            for k = 1, n do
              redis.call('HINCRBY', KEYS[1], ARGV[i], ARGV[i + 1])
              redis.call('HINCRBY', KEYS[2], ARGV[i], ARGV[i + 1])
              i = i + 2
            end
            if n > 0 then
              redis.call('PEXPIREAT', KEYS[1], ARGV[1])
              redis.call('PEXPIREAT', KEYS[2], ARGV[2])
            end
            local logs = tonumber(ARGV[i])
            i = i + 1
            for k = 1, logs do
              redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[3], '*', 'at', ARGV[i], 'ch', ARGV[i + 1],
                'dir', ARGV[i + 2], 'who', ARGV[i + 3], 'st', ARGV[i + 4])
              i = i + 5
            end
            if logs > 0 then redis.call('PEXPIRE', KEYS[3], ARGV[4]) end
            redis.call('PUBLISH', ARGV[5], 'changed')
            return n + logs
            """);

    private final Redis redis;
    private final Vocabulary vocabulary;
    private final Clock clock;
    private final Meters meters;
    private final Map<String, AtomicLong> pending = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<String[]> logs = new ConcurrentLinkedQueue<>();
    private final AtomicInteger logsWaiting = new AtomicInteger();
    private final AtomicBoolean dirty = new AtomicBoolean();
    private final AtomicBoolean flushing = new AtomicBoolean();
    private Vertx vertx;
    private long timer = -1;

    public Recorder(Redis redis, Vocabulary vocabulary, Clock clock, Meters meters) {
        this.redis = redis;
        this.vocabulary = vocabulary;
        this.clock = clock;
        this.meters = meters;
    }

    public Vocabulary vocabulary() {
        return vocabulary;
    }

    /** Flushes every {@code every} from now on. */
    public Recorder start(Vertx vertx, Duration every) {
        this.vertx = vertx;
        this.timer = vertx.setPeriodic(every.toMillis(), t -> flush());
        return this;
    }

    @Override
    public void count(Metric metric, String... dimensions) {
        String field = vocabulary.field(metric, dimensions);
        if (field == null) {
            meters.counter("taama_stats_rejected_total", "metric", metric.id()).increment();
            return;
        }
        pending.computeIfAbsent(field, k -> new AtomicLong()).incrementAndGet();
        dirty.set(true);
    }

    @Override
    public void log(String channel, String direction, String caller, String status) {
        if (!vocabulary.allows(Metric.Dimension.CHANNEL, channel) || !DIRECTIONS.contains(direction)
                || caller == null || !CALLER.matcher(caller).matches() || status == null || !STATUS.matcher(status).matches()) {
            meters.counter("taama_stats_rejected_total", "metric", "log").increment();
            return;
        }
        if (logsWaiting.incrementAndGet() > LOG_PENDING_MAX) {
            logsWaiting.decrementAndGet();
            meters.counter("taama_stats_dropped_total", "what", "log").increment();
            return;
        }
        logs.add(new String[] {Long.toString(clock.millis()), channel, direction, caller.substring(0, MASK_CHARS), status});
        dirty.set(true);
    }

    @Override
    public void shown(String channel, String fromScreen, String toScreen, String lang, boolean langKnown) {
        boolean ussd = "ussd".equals(channel);
        if (ussd) count(Metric.USSD_HOPS);
        if (fromScreen == null && ussd) count(Metric.USSD_SESSIONS);
        if (langKnown) count(Metric.LANGUAGE, lang);
        if (toScreen == null || toScreen.equals(fromScreen)) return;
        count(Metric.SCREEN, toScreen);
        String[] list = vocabulary.directoryList(toScreen);
        if (list != null) count(Metric.DIRECTORY, list[0], list[1]);
        if (vocabulary.completes(toScreen)) count(Metric.SELFCHECK_DONE);
    }

    /** Writes what was counted since the last flush (nothing when nothing was); for the timer and tests. */
    public Future<Integer> flush() {
        if (!dirty.get() || !flushing.compareAndSet(false, true)) return Future.succeededFuture(0);
        dirty.set(false);
        long now = clock.millis();
        long minute = Buckets.minuteOf(now);
        long day = Buckets.dayOf(now);
        List<String> args = new ArrayList<>();
        args.add(Long.toString(Buckets.minuteExpiry(minute)));
        args.add(Long.toString(Buckets.dayExpiry(day)));
        args.add(Integer.toString(LOG_KEEP));
        args.add(Long.toString(LOG_TTL.toMillis()));
        args.add(Buckets.CHANGED);
        args.add("0");
        long events = 0;
        int fields = 0;
        for (Map.Entry<String, AtomicLong> e : pending.entrySet()) {
            long n = e.getValue().getAndSet(0);
            if (n == 0) continue;
            args.add(e.getKey());
            args.add(Long.toString(n));
            fields++;
            events += n;
        }
        args.set(5, Integer.toString(fields));
        List<String[]> taken = new ArrayList<>();
        for (String[] entry; taken.size() < LOG_PENDING_MAX && (entry = logs.poll()) != null; ) {
            logsWaiting.decrementAndGet();
            taken.add(entry);
        }
        if (fields == 0 && taken.isEmpty()) {
            flushing.set(false);
            return Future.succeededFuture(0);
        }
        args.add(Integer.toString(taken.size()));
        for (String[] entry : taken) args.addAll(List.of(entry));
        long counted = events;
        int logged = taken.size();
        return redis.<Long>run(FLUSH, ScriptOutputType.INTEGER,
                        new String[] {Buckets.minuteKey(minute), Buckets.dayKey(day), Buckets.LOG}, args.toArray(String[]::new))
                .map(r -> {
                    meters.counter("taama_stats_flushes_total").increment();
                    return r.intValue();
                })
                .recover(e -> {
                    meters.counter("taama_stats_flush_failures_total").increment();
                    meters.counter("taama_stats_dropped_total", "what", "counts").increment(counted);
                    meters.counter("taama_stats_dropped_total", "what", "log").increment(logged);
                    return Future.succeededFuture(0);
                })
                .onComplete(ar -> flushing.set(false));
    }

    @Override
    public void close() {
        if (vertx != null && timer >= 0) vertx.cancelTimer(timer);
    }
}
