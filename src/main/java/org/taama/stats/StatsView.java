package org.taama.stats;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.taama.redis.Redis;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The dashboard's numbers for a {@link Range}: series per bucket for the charted metrics, totals of
 * every counter, the tiles, and the open cases by status and age.
 *
 * <p><b>Small cells.</b> Every number from 1 to 4 leaves the server as the string {@value #SMALL},
 * totals and tiles as much as each point of a series: a small region or a quiet minute must not
 * single a person out. Sums are made on the raw counts here, before that, never by the browser.
 *
 * <p>A bucket whose time is more than {@link #SETTLED_MS} past is settled (every node has flushed
 * into it) and kept in memory until it leaves the longest range, so a refresh reads only the last
 * few buckets: the whole 24 h (1,440 hashes) is read once per node.
 */
public final class StatsView {
    /** What a count from 1 to 4 is shown as. */
    public static final String SMALL = "<5";
    public static final int SMALL_BELOW = 5;
    /** After this, no node still writes into a bucket (flushes every second at most, clocks within a minute). */
    static final long SETTLED_MS = 2 * Buckets.MINUTE;
    /** How many of the last buckets a live update carries (the ones that may still change). */
    static final int TAIL_MINUTES = 3;
    static final int TAIL_DAYS = 2;
    static final List<Long> CASE_AGES = List.of(Buckets.DAY, 3 * Buckets.DAY, 7 * Buckets.DAY);
    static final List<String> CASE_BANDS = List.of("lt1d", "1to3d", "3to7d", "gt7d");

    private final Redis redis;
    private final Clock clock;
    private final CaseAges cases;
    private final Map<Long, Map<String, Long>> settledMinutes = new ConcurrentHashMap<>();
    private final Map<Long, Map<String, Long>> settledDays = new ConcurrentHashMap<>();

    public StatsView(Redis redis, Clock clock, CaseAges cases) {
        this.redis = redis;
        this.clock = clock;
        this.cases = cases;
    }

    /** A count as it may leave the server: 0, {@value #SMALL}, or the number from 5 up. */
    public static Object cell(long n) {
        return n > 0 && n < SMALL_BELOW ? SMALL : n;
    }

    /** Everything for this range. */
    public Future<JsonObject> view(Range range) {
        long now = clock.millis();
        return buckets(range, now).compose(b -> cases.count(now, CASE_AGES).map(c -> render(range, now, b, c, false)));
    }

    /** For each range: the last buckets (the ones still moving), with totals, tiles and cases, read once for all. */
    public Future<Map<Range, JsonObject>> tails(Set<Range> ranges) {
        long now = clock.millis();
        Map<Range, Future<List<Map<String, Long>>>> read = new EnumMap<>(Range.class);
        for (Range r : ranges) read.put(r, buckets(r, now));
        Future<Map<String, List<Long>>> ages = cases.count(now, CASE_AGES);
        List<Future<?>> all = new ArrayList<>(read.values());
        all.add(ages);
        return Future.all(all).map(v -> {
            Map<Range, JsonObject> out = new EnumMap<>(Range.class);
            read.forEach((r, f) -> out.put(r, render(r, now, f.result(), ages.result(), true)));
            return out;
        });
    }

    /** The range's buckets, oldest first: settled ones from memory, the rest from Redis in one pipelined burst. */
    private Future<List<Map<String, Long>>> buckets(Range range, long now) {
        long from = range.from(now);
        Map<Long, Map<String, Long>> settled = range.minutes() ? settledMinutes : settledDays;
        evict(settled, range.minutes() ? Range.DAY : Range.QUARTER, now);
        List<Future<Map<String, Long>>> each = new ArrayList<>(range.buckets());
        for (int i = 0; i < range.buckets(); i++) {
            long start = from + i * range.step();
            Map<String, Long> known = settled.get(start);
            if (known != null) {
                each.add(Future.succeededFuture(known));
                continue;
            }
            String key = range.minutes() ? Buckets.minuteKey(start) : Buckets.dayKey(start);
            boolean done = start + range.step() + SETTLED_MS <= now;
            each.add(redis.hgetall(key).map(h -> {
                Map<String, Long> counts = parse(h);
                if (done) settled.put(start, counts);
                return counts;
            }));
        }
        return Future.all(each).map(v -> {
            List<Map<String, Long>> out = new ArrayList<>(each.size());
            for (Future<Map<String, Long>> f : each) out.add(f.result());
            return out;
        });
    }

    private static void evict(Map<Long, Map<String, Long>> settled, Range longest, long now) {
        long oldest = longest.from(now);
        settled.keySet().removeIf(start -> start < oldest);
    }

    /** Only fields a metric makes, with whole positive counts: anything else in the hash is not ours to show. */
    private static Map<String, Long> parse(Map<String, String> h) {
        Map<String, Long> out = new HashMap<>();
        h.forEach((field, value) -> {
            if (Metric.ofField(field) == null) return;
            try {
                long n = Long.parseLong(value);
                if (n > 0) out.put(field, n);
            } catch (NumberFormatException ignored) {
                // not a counter
            }
        });
        return Map.copyOf(out);
    }

    private JsonObject render(Range range, long now, List<Map<String, Long>> buckets, Map<String, List<Long>> ages, boolean tail) {
        Map<String, Long> totals = new TreeMap<>();
        for (Map<String, Long> b : buckets) b.forEach((f, n) -> totals.merge(f, n, Long::sum));
        int first = tail ? Math.max(0, buckets.size() - (range.minutes() ? TAIL_MINUTES : TAIL_DAYS)) : 0;
        long from = range.from(now);
        JsonObject series = new JsonObject();
        for (String field : totals.keySet()) {
            if (!Metric.ofField(field).charted()) continue;
            JsonArray points = new JsonArray();
            for (int i = first; i < buckets.size(); i++) points.add(cell(buckets.get(i).getOrDefault(field, 0L)));
            series.put(field, points);
        }
        JsonObject shownTotals = new JsonObject();
        totals.forEach((f, n) -> shownTotals.put(f, cell(n)));
        return new JsonObject()
                .put("range", range.id())
                .put("step_ms", range.step())
                .put("from", from + first * range.step())
                .put("count", buckets.size() - first)
                .put("tail", tail)
                .put("now", Instant.ofEpochMilli(now).toString())
                .put("series", series)
                .put("totals", shownTotals)
                .put("tiles", tiles(totals))
                .put("cases", cases(ages));
    }

    private static JsonObject tiles(Map<String, Long> t) {
        long ok = t.getOrDefault("delivery:delivered", 0L) + t.getOrDefault("delivery:partially_delivered", 0L);
        long failed = t.getOrDefault("delivery:failed", 0L) + t.getOrDefault("delivery:undelivered", 0L);
        JsonObject tiles = new JsonObject()
                .put("ussd_sessions", cell(t.getOrDefault("ussd.sessions", 0L)))
                .put("ussd_hops", cell(t.getOrDefault("ussd.hops", 0L)))
                .put("messages_in", cell(sum(t, "in:")))
                .put("messages_out", cell(sum(t, "out:")))
                .put("delivered", cell(ok))
                .put("failed", cell(failed))
                .put("opt_ins", cell(sum(t, "optin:")))
                .put("opt_outs", cell(sum(t, "optout:")))
                .put("selfchecks", cell(t.getOrDefault("selfcheck.done", 0L)))
                .put("cases_opened", cell(t.getOrDefault("cases.opened", 0L)))
                .put("directory_views", cell(sum(t, "directory:")))
                .put("unavailable", cell(sum(t, "unavailable:")));
        // A rate over fewer than five outcomes would let one message be followed: not shown.
        tiles.put("delivery_rate", ok + failed >= SMALL_BELOW ? Math.round(1000.0 * ok / (ok + failed)) / 1000.0 : null);
        return tiles;
    }

    private static long sum(Map<String, Long> totals, String prefix) {
        long n = 0;
        for (Map.Entry<String, Long> e : totals.entrySet()) if (e.getKey().startsWith(prefix)) n += e.getValue();
        return n;
    }

    private static JsonObject cases(Map<String, List<Long>> ages) {
        JsonObject out = new JsonObject().put("bands", new JsonArray(CASE_BANDS));
        ages.forEach((status, counts) -> {
            JsonArray a = new JsonArray();
            long total = 0;
            for (long n : counts) {
                a.add(cell(n));
                total += n;
            }
            out.put(status, new JsonObject().put("by_age", a).put("total", cell(total)));
        });
        return out;
    }
}
