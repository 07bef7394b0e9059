package org.taama.cases;

import io.lettuce.core.ScriptOutputType;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import org.taama.redis.Redis;

import java.time.Clock;
import java.util.Collection;
import java.util.List;

/**
 * Who did what to which case, and when: {@code taama:audit}, a list capped at the newest
 * {@value #KEEP} entries, each JSON {@code {"at","operator","action","case"}} (case absent for actions
 * on no one case: list, erase). Never a number, never a note's text, never a caller hash.
 */
public final class Audit {
    public static final String KEY = "taama:audit";
    public static final int KEEP = 100_000;

    /**
     * Unlinks erased cases from the trail: every entry naming one of the ids keeps its time, operator
     * and action, but its case becomes "erased". One atomic pass over the list (erasure is rare).
     */
    private static final String SCRUB = """
            local items = redis.call('LRANGE', KEYS[1], 0, -1)
            local changed = 0
            for i, v in ipairs(items) do
              local nv = v
              for j = 1, #ARGV do
                local needle = '"case":"' .. ARGV[j] .. '"'
                local s, e = string.find(nv, needle, 1, true)
                if s then nv = string.sub(nv, 1, s - 1) .. '"case":"erased"' .. string.sub(nv, e + 1) end
              end
              if nv ~= v then
                redis.call('LSET', KEYS[1], i - 1, nv)
                changed = changed + 1
              end
            end
            return changed
            """;

    private final Redis redis;
    private final Clock clock;
    private final String key;

    public Audit(Redis redis, Clock clock) {
        this(redis, clock, KEY);
    }

    /** Another list (tests). */
    Audit(Redis redis, Clock clock, String key) {
        this.redis = redis;
        this.clock = clock;
        this.key = key;
    }

    /** Appends one entry; the future fails when Redis did not take it (and callers must then fail too). */
    public Future<Void> record(String operator, String action, String caseId) {
        JsonObject e = new JsonObject().put("at", clock.instant().toString()).put("operator", operator).put("action", action);
        if (caseId != null) e.put("case", caseId);
        return redis.pushCapped(key, e.encode(), KEEP);
    }

    /** Entries newest first. */
    public Future<List<JsonObject>> recent(long offset, int limit) {
        return redis.range(key, offset, offset + limit - 1).map(l -> l.stream().map(JsonObject::new).toList());
    }

    /** Replaces the given case ids with "erased" in every entry; answers how many entries changed. */
    public Future<Long> scrub(Collection<String> caseIds) {
        if (caseIds.isEmpty()) return Future.succeededFuture(0L);
        return redis.eval(SCRUB, ScriptOutputType.INTEGER, new String[] {key}, caseIds.toArray(String[]::new));
    }
}
