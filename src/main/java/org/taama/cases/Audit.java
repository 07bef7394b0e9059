package org.taama.cases;

import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.ScoredValue;
import io.lettuce.core.ScriptOutputType;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.taama.redis.Redis;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Who did what, and when, kept for {@code AUDIT_RETENTION_DAYS} (400) whatever else happens: bounded
 * by age, never by count, so no flood of anything can push an entry out.
 *
 * <p>Two parts, so that cheap, repeatable actions cannot crowd out the ones that matter:
 * <ul>
 *   <li>the <b>trail</b> {@code taama:{audit}:trail} — a sorted set scored by time (epoch ms), one
 *       JSON member per change, reveal, erasure, sign-in, refusal to a signed-in operator...:
 *       {@code {"at","operator","action","case"?,"status"?,"route"?,"subject"?,"from"?,"entry"}}
 *       ({@code entry} is random, so two identical actions in one millisecond stay two entries);</li>
 *   <li>the <b>read counts</b> {@code taama:{audit}:reads} — a hash: for every hour, operator, action
 *       and case, how many times (listing cases, reading one, refusals nobody signed in for);
 *       {@code taama:{audit}:reads:hours} scores each such field by its hour so that whole hours can be
 *       dropped. A read is counted, never dropped, until its hour is older than the retention.</li>
 * </ul>
 * Never a number, never a note's text, never a caller hash. The keys share the {@code {audit}} hash
 * tag, so each script touches one slot on Redis Cluster.
 */
public final class Audit {
    public static final String PREFIX = "taama:{audit}";
    public static final int DEFAULT_RETENTION_DAYS = 400;
    static final long HOUR_MS = Duration.ofHours(1).toMillis();
    private static final int TRIM_BATCH = 500;

    /** Adds one trail entry and drops those older than the retention (cheap when there are none). */
    private static final String RECORD = """
            redis.call('ZADD', KEYS[1], ARGV[1], ARGV[2])
            redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[3])
            return 1
            """;

    /** Counts one read in its hour, then drops a few hours that are wholly older than the retention. */
    private static final String COUNT = """
            local n = redis.call('HINCRBY', KEYS[1], ARGV[1], 1)
            if n == 1 then redis.call('ZADD', KEYS[2], ARGV[2], ARGV[1]) end
            local old = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', '(' .. ARGV[3], 'LIMIT', 0, tonumber(ARGV[4]))
            if #old > 0 then
              redis.call('HDEL', KEYS[1], unpack(old))
              redis.call('ZREM', KEYS[2], unpack(old))
            end
            return n
            """;

    /** Drops what is older than the retention: trail entries, then up to a batch of hours of counts. */
    private static final String TRIM = """
            local trail = redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[1])
            local old = redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', '(' .. ARGV[2], 'LIMIT', 0, tonumber(ARGV[3]))
            if #old > 0 then
              redis.call('HDEL', KEYS[2], unpack(old))
              redis.call('ZREM', KEYS[3], unpack(old))
            end
            return {trail, #old}
            """;

    /** Rewrites one trail member in place (same score), if it is still there. */
    private static final String REPLACE_ENTRY = """
            local score = redis.call('ZSCORE', KEYS[1], ARGV[1])
            if not score then return 0 end
            redis.call('ZREM', KEYS[1], ARGV[1])
            redis.call('ZADD', KEYS[1], score, ARGV[2])
            return 1
            """;

    /** Moves one read count to another field (adding to it if present), keeping its hour. */
    private static final String REPLACE_COUNT = """
            local n = redis.call('HGET', KEYS[1], ARGV[1])
            if not n then return 0 end
            local hour = redis.call('ZSCORE', KEYS[2], ARGV[1])
            redis.call('HDEL', KEYS[1], ARGV[1])
            redis.call('ZREM', KEYS[2], ARGV[1])
            redis.call('HINCRBY', KEYS[1], ARGV[2], tonumber(n))
            redis.call('ZADD', KEYS[2], hour or 0, ARGV[2])
            return 1
            """;

    private final Redis redis;
    private final Clock clock;
    private final Duration retention;
    private final String trail;
    private final String reads;
    private final String hours;
    private final SecureRandom random = new SecureRandom();

    public Audit(Redis redis, Clock clock) {
        this(redis, clock, Duration.ofDays(DEFAULT_RETENTION_DAYS));
    }

    public Audit(Redis redis, Clock clock, Duration retention) {
        this(redis, clock, retention, PREFIX);
    }

    /** Under other keys (tests); {@code prefix} should hold a hash tag such as {@code taama:{test-1}}. */
    Audit(Redis redis, Clock clock, Duration retention, String prefix) {
        if (retention.isNegative() || retention.isZero()) throw new IllegalArgumentException("audit retention must be positive");
        this.redis = redis;
        this.clock = clock;
        this.retention = retention;
        this.trail = prefix + ":trail";
        this.reads = prefix + ":reads";
        this.hours = prefix + ":reads:hours";
    }

    public String trailKey() {
        return trail;
    }

    public String readsKey() {
        return reads;
    }

    public Duration retention() {
        return retention;
    }

    // ---------------------------------------------------------------- writing

    /** One trail entry; the future fails when Redis did not take it (and callers must then fail too). */
    public Future<Void> record(String operator, String action, String caseId) {
        return record(operator, action, caseId, null);
    }

    /**
     * One trail entry with more about it: {@code status} (a refusal's HTTP status), {@code route},
     * {@code subject} (the account created), {@code from} (the sign-in's network). Only what the
     * server itself chose or checked goes here, never free text from a request.
     */
    public Future<Void> record(String operator, String action, String caseId, Map<String, Object> more) {
        Instant now = clock.instant();
        JsonObject e = new JsonObject().put("at", now.toString()).put("operator", operator).put("action", action);
        if (caseId != null) e.put("case", caseId);
        if (more != null) more.forEach((k, v) -> {
            if (v != null) e.put(k, v);
        });
        byte[] b = new byte[8];
        random.nextBytes(b);
        e.put("entry", HexFormat.of().formatHex(b));
        long ms = now.toEpochMilli();
        return redis.<Long>eval(RECORD, ScriptOutputType.INTEGER, new String[] {trail},
                Long.toString(ms), e.encode(), Long.toString(cutoff(ms))).mapEmpty();
    }

    /**
     * Counts one read (or one refusal nobody signed in for) in the current hour. Fails when Redis did
     * not take it; a read that cannot be counted must not be shown.
     */
    public Future<Void> count(String operator, String action, String caseId) {
        long ms = clock.millis();
        long hour = Math.floorDiv(ms, HOUR_MS) * HOUR_MS;
        String field = new JsonArray().add(Instant.ofEpochMilli(hour).toString()).add(operator).add(action)
                .add(caseId).encode();
        return redis.<Long>eval(COUNT, ScriptOutputType.INTEGER, new String[] {reads, hours},
                field, Long.toString(hour), Long.toString(cutoff(ms) - HOUR_MS), Integer.toString(TRIM_BATCH)).mapEmpty();
    }

    private long cutoff(long nowMs) {
        return nowMs - retention.toMillis();
    }

    // ---------------------------------------------------------------- reading

    /** Trail entries newest first. */
    public Future<List<JsonObject>> recent(long offset, int limit) {
        return redis.zrevrange(trail, offset, offset + limit - 1).map(l -> l.stream().map(JsonObject::new).toList());
    }

    /** Read counts, newest hour first: {@code {"hour","operator","action","case"?,"count"}}. */
    public Future<List<JsonObject>> reads(long offset, int limit) {
        return redis.zrevrange(hours, offset, offset + limit - 1).compose(fields -> fields.isEmpty()
                ? Future.succeededFuture(List.of())
                : redis.hmget(reads, fields.toArray(String[]::new)).map(counts -> {
                    List<JsonObject> out = new ArrayList<>(fields.size());
                    for (int i = 0; i < fields.size(); i++) {
                        if (counts.get(i) == null) continue; // trimmed between the two reads
                        JsonArray f = new JsonArray(fields.get(i));
                        JsonObject o = new JsonObject().put("hour", f.getString(0)).put("operator", f.getString(1))
                                .put("action", f.getString(2));
                        if (f.getString(3) != null) o.put("case", f.getString(3));
                        out.add(o.put("count", Long.parseLong(counts.get(i))));
                    }
                    return out;
                }));
    }

    // ---------------------------------------------------------------- the list this replaces

    /** Where the audit was kept before: a list capped at 100,000 entries, newest first. */
    public static final String LEGACY = "taama:audit";

    /**
     * Moves the entries of the old capped list into the trail (same JSON, scored by their time, an
     * entry id derived from their content so a second run adds nothing twice), then deletes the list.
     * Answers how many were moved. Run once at start; a no-op when there is no such list.
     */
    public Future<Integer> adoptLegacy() {
        return adoptFrom(0, 0);
    }

    private Future<Integer> adoptFrom(long start, int done) {
        int batch = 1000;
        return redis.range(LEGACY, start, start + batch - 1).compose(items -> {
            if (items.isEmpty()) return done == 0 ? Future.succeededFuture(0) : redis.del(LEGACY).map(done);
            List<Future<Long>> adds = new ArrayList<>();
            for (int i = 0; i < items.size(); i++) {
                JsonObject e;
                try {
                    e = new JsonObject(items.get(i));
                } catch (RuntimeException bad) {
                    continue; // not ours; nothing to keep
                }
                long ms;
                try {
                    ms = Instant.parse(e.getString("at", "")).toEpochMilli();
                } catch (RuntimeException bad) {
                    ms = clock.millis();
                }
                byte[] d = org.taama.privacy.Digests.sha256((start + i) + ":" + items.get(i));
                e.put("entry", HexFormat.of().formatHex(d, 0, 8));
                adds.add(redis.zadd(trail, ms, e.encode()));
            }
            return Future.all(adds).compose(v -> adoptFrom(start + batch, done + adds.size()));
        });
    }

    // ---------------------------------------------------------------- retention and erasure

    /** Drops everything older than the retention; answers {trail entries, hours of counts} dropped. */
    public Future<long[]> trim() {
        long ms = clock.millis();
        return trimFrom(ms, new long[2]);
    }

    private Future<long[]> trimFrom(long ms, long[] done) {
        return redis.<List<Long>>eval(TRIM, ScriptOutputType.MULTI, new String[] {trail, reads, hours},
                Long.toString(cutoff(ms)), Long.toString(cutoff(ms) - HOUR_MS), Integer.toString(TRIM_BATCH)).compose(r -> {
                    done[0] += r.get(0);
                    done[1] += r.get(1);
                    return r.get(1) < TRIM_BATCH ? Future.succeededFuture(done) : trimFrom(ms, done);
                });
    }

    /**
     * Unlinks erased cases from the audit: every entry or count naming one of the ids keeps its time,
     * operator and action, but its case becomes "erased". One ZSCAN and one HSCAN pass whatever the
     * number of ids, so Redis is never blocked by a long walk; answers how many entries and counts changed.
     */
    public Future<Long> scrub(Collection<String> caseIds) {
        java.util.Set<String> ids = new java.util.HashSet<>();
        for (String id : caseIds) if (CaseStore.isId(id)) ids.add(id);
        if (ids.isEmpty()) return Future.succeededFuture(0L);
        String only = ids.size() == 1 ? ids.iterator().next() : null;
        ScanArgs trailArgs = ScanArgs.Builder.matches(only == null ? "*\"case\":\"*" : "*\"case\":\"" + only + "\"*").limit(1000);
        ScanArgs readsArgs = ScanArgs.Builder.matches(only == null ? "*\"]" : "*\"" + only + "\"]").limit(1000);
        return scrubTrail(ids, trailArgs, ScanCursor.INITIAL, 0).compose(n -> scrubReads(ids, readsArgs, ScanCursor.INITIAL, n));
    }

    private Future<Long> scrubTrail(java.util.Set<String> ids, ScanArgs args, ScanCursor cursor, long done) {
        return redis.zscan(trail, cursor, args).compose(page -> {
            List<Future<Long>> each = new ArrayList<>();
            for (ScoredValue<String> v : page.getValues()) {
                JsonObject e = new JsonObject(v.getValue());
                if (!ids.contains(e.getString("case"))) continue;
                e.put("case", "erased");
                each.add(redis.eval(REPLACE_ENTRY, ScriptOutputType.INTEGER, new String[] {trail}, v.getValue(), e.encode()));
            }
            return Future.all(each).compose(x -> {
                long n = done + each.stream().mapToLong(Future::result).sum();
                return page.isFinished() ? Future.succeededFuture(n) : scrubTrail(ids, args, page, n);
            });
        });
    }

    private Future<Long> scrubReads(java.util.Set<String> ids, ScanArgs args, ScanCursor cursor, long done) {
        return redis.hscan(reads, cursor, args).compose(page -> {
            List<Future<Long>> each = new ArrayList<>();
            for (String field : page.getMap().keySet()) {
                JsonArray f = new JsonArray(field);
                if (!ids.contains(f.getString(3))) continue;
                f.set(3, "erased");
                each.add(redis.eval(REPLACE_COUNT, ScriptOutputType.INTEGER, new String[] {reads, hours}, field, f.encode()));
            }
            return Future.all(each).compose(x -> {
                long n = done + each.stream().mapToLong(Future::result).sum();
                return page.isFinished() ? Future.succeededFuture(n) : scrubReads(ids, args, page, n);
            });
        });
    }
}
