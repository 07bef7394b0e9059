package org.taama.consent;

import io.lettuce.core.ScriptOutputType;
import io.vertx.core.Future;
import org.taama.redis.Redis;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Who may receive a campaign, as counts an audience can be asked for, forgotten when consent expires.
 *
 * <p>Keys (all under the {@code {subscribers}} hash tag, so each script touches one slot on Redis Cluster):
 * <ul>
 *   <li>{@code taama:{subscribers}:<channel>:<lang>:<region>} — sorted set of caller hashes scored by
 *       the time their consent expires (epoch ms); members past it are dropped whenever the set is counted</li>
 *   <li>{@code taama:{subscribers}:where} — hash: caller hash → its segment ({@code channel:lang:region}),
 *       so a new choice or a STOP moves or drops the caller in one place</li>
 *   <li>{@code taama:{subscribers}:segments} — set of the segments that exist (a few dozen at most: two
 *       channels, two languages, the regions of the subscribe menu)</li>
 * </ul>
 * The channel is where a campaign would reach the caller: SMS for those who subscribed on USSD or SMS,
 * WhatsApp for those on WhatsApp. A caller who gave no region is in region {@code none}.
 */
public final class Subscribers {
    public static final String PREFIX = "taama:{subscribers}:";
    public static final String WHERE = PREFIX + "where";
    public static final String SEGMENTS = PREFIX + "segments";
    /** Where subscribers were kept before: a plain set of caller hashes that outlived their consent. */
    public static final String LEGACY = "taama:subscribers";

    /** Moves a caller to a segment if it is still where the caller was read to be (else 0: read again). */
    private static final String PUT = """
            local was = redis.call('HGET', KEYS[1], ARGV[1]) or ''
            if was ~= ARGV[3] then return 0 end
            if was ~= '' and was ~= ARGV[2] then redis.call('ZREM', KEYS[3], ARGV[1]) end
            redis.call('ZADD', KEYS[4], ARGV[4], ARGV[1])
            redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
            redis.call('SADD', KEYS[2], ARGV[2])
            return 1
            """;

    /** Drops a caller from a segment if it is still there (else 0: read again). */
    private static final String DROP = """
            local was = redis.call('HGET', KEYS[1], ARGV[1])
            if not was then return 1 end
            if was ~= ARGV[2] then return 0 end
            redis.call('ZREM', KEYS[2], ARGV[1])
            redis.call('HDEL', KEYS[1], ARGV[1])
            return 1
            """;

    /**
     * Counts each segment (KEYS[2..], ARGV[i] its name) after dropping, a batch at a time, the callers
     * whose consent expired before ARGV[1]; 'where' loses them too unless they moved on since.
     */
    private static final String COUNT = """
            local out = {}
            for i = 2, #KEYS do
              local gone = redis.call('ZRANGEBYSCORE', KEYS[i], '-inf', '(' .. ARGV[1], 'LIMIT', 0, 1000)
              for _, c in ipairs(gone) do
                if redis.call('HGET', KEYS[1], c) == ARGV[i] then redis.call('HDEL', KEYS[1], c) end
              end
              if #gone > 0 then redis.call('ZREM', KEYS[i], unpack(gone)) end
              out[#out + 1] = redis.call('ZCOUNT', KEYS[i], ARGV[1], '+inf')
            end
            return out
            """;

    private final Redis redis;
    private final Clock clock;

    public Subscribers(Redis redis, Clock clock) {
        this.redis = redis;
        this.clock = clock;
    }

    /** The campaign channel that reaches someone who subscribed on {@code channel}. */
    public static String audienceChannel(String channel) {
        return "whatsapp".equals(channel) ? "whatsapp" : "sms";
    }

    public static String segment(String channel, String lang, String region) {
        return audienceChannel(channel) + ":" + (lang == null ? "none" : lang) + ":" + (region == null ? "none" : region);
    }

    public static String key(String segment) {
        return PREFIX + segment;
    }

    /** Lists the caller in {@code segment} until {@code expiresAtMs}. */
    public Future<Void> put(String caller, String segment, long expiresAtMs) {
        return put(caller, segment, expiresAtMs, 5);
    }

    private Future<Void> put(String caller, String segment, long expiresAtMs, int tries) {
        return redis.hget(WHERE, caller).compose(was -> redis.<Long>eval(PUT, ScriptOutputType.INTEGER,
                new String[] {WHERE, SEGMENTS, key(was == null ? segment : was), key(segment)},
                caller, segment, was == null ? "" : was, Long.toString(expiresAtMs))).compose(ok -> ok == 1L || tries <= 1
                ? Future.succeededFuture() : put(caller, segment, expiresAtMs, tries - 1));
    }

    /** Takes the caller out of every audience. */
    public Future<Void> drop(String caller) {
        return drop(caller, 5);
    }

    private Future<Void> drop(String caller, int tries) {
        return redis.hget(WHERE, caller).compose(was -> was == null ? Future.succeededFuture(1L)
                : redis.<Long>eval(DROP, ScriptOutputType.INTEGER, new String[] {WHERE, key(was)}, caller, was))
                .compose(ok -> ok == 1L || tries <= 1 ? Future.succeededFuture() : drop(caller, tries - 1));
    }

    /** True when the caller is in an audience and their consent has not expired. */
    public Future<Boolean> listed(String caller) {
        return redis.hget(WHERE, caller).compose(was -> was == null ? Future.succeededFuture(false)
                : redis.<String>eval("return redis.call('ZSCORE', KEYS[1], ARGV[1])", ScriptOutputType.VALUE,
                        new String[] {key(was)}, caller)
                        .map(score -> score != null && Double.parseDouble(score) >= clock.millis()));
    }

    /**
     * How many callers with live consent a campaign on {@code channel} ("sms" or "whatsapp") would reach
     * in these languages and regions (no region: every region, those who gave none included).
     */
    public Future<java.util.Map<String, Long>> countByLang(String channel, Collection<String> langs, Collection<String> regions) {
        return redis.smembers(SEGMENTS).compose(all -> {
            List<String> chosen = new ArrayList<>();
            for (String s : all) {
                String[] p = s.split(":", 3);
                if (p.length != 3 || !p[0].equals(channel) || !langs.contains(p[1])) continue;
                if (!regions.isEmpty() && !regions.contains(p[2])) continue;
                chosen.add(s);
            }
            java.util.Map<String, Long> out = new java.util.TreeMap<>();
            for (String l : langs) out.put(l, 0L);
            if (chosen.isEmpty()) return Future.succeededFuture(out);
            String[] keys = new String[chosen.size() + 1];
            String[] args = new String[chosen.size() + 1];
            keys[0] = WHERE;
            args[0] = Long.toString(clock.millis());
            for (int i = 0; i < chosen.size(); i++) {
                keys[i + 1] = key(chosen.get(i));
                args[i + 1] = chosen.get(i);
            }
            return redis.<List<Long>>eval(COUNT, ScriptOutputType.MULTI, keys, args).map(counts -> {
                for (int i = 0; i < chosen.size(); i++) out.merge(chosen.get(i).split(":", 3)[1], counts.get(i), Long::sum);
                return out;
            });
        });
    }

    /** The segments a campaign on {@code channel} reaches in these languages and regions, in name order. */
    public Future<List<String>> segments(String channel, Collection<String> langs, Collection<String> regions) {
        return redis.smembers(SEGMENTS).map(all -> {
            List<String> chosen = new ArrayList<>();
            for (String s : all) {
                String[] p = s.split(":", 3);
                if (p.length != 3 || !p[0].equals(channel) || !langs.contains(p[1])) continue;
                if (!regions.isEmpty() && !regions.contains(p[2])) continue;
                chosen.add(s);
            }
            chosen.sort(null);
            return chosen;
        });
    }

    /** The language of a segment's subscribers. */
    public static String lang(String segment) {
        String[] p = segment.split(":", 3);
        return p.length == 3 ? p[1] : "none";
    }

    /**
     * One page of a segment in its order (consent expiry, then caller hash): from score {@code from}
     * on, after skipping {@code skip} of them, with their scores, so a reader can note where it stopped.
     */
    public Future<List<io.lettuce.core.ScoredValue<String>>> page(String segment, long from, long skip, int limit) {
        return Future.fromCompletionStage(redis.commands().zrangebyscoreWithScores(key(segment),
                        io.lettuce.core.Range.create((double) from, Double.POSITIVE_INFINITY),
                        io.lettuce.core.Limit.create(skip, limit)), redis.vertx().getOrCreateContext());
    }

    /** Drops expired consents from every segment (run now and then, so nobody's hash outlives their consent). */
    public Future<Long> sweep() {
        return countByLang("sms", List.of("fr", "bm", "none"), List.of())
                .compose(a -> countByLang("whatsapp", List.of("fr", "bm", "none"), List.of())
                        .map(b -> a.values().stream().mapToLong(Long::longValue).sum()
                                + b.values().stream().mapToLong(Long::longValue).sum()));
    }
}
