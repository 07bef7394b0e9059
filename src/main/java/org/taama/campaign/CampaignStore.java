package org.taama.campaign;

import io.lettuce.core.ScriptOutputType;
import io.vertx.core.Future;
import org.taama.redis.Redis;
import org.taama.web.BadRequest;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Campaigns in Redis.
 *
 * <p>Keys:
 * <ul>
 *   <li>{@code taama:campaign:{<id>}} — hash: owner, status, spec (the checked JSON the author wrote),
 *       created_at, updated_at, version, parent (the approved campaign a new draft was made from),
 *       submitted_at, decided_by, decided_at, reason (of a rejection). Kept until deleted by hand.</li>
 *   <li>{@code taama:campaigns:{index}:status:<status>} and {@code taama:campaigns:{index}:owner:<username>}
 *       — sorted sets of ids scored by creation time (epoch ms).</li>
 * </ul>
 * Each campaign is its own hash tag, so every change is one script on one slot of a Redis Cluster
 * and compares-and-sets the status and version it was decided on; the indexes share another tag and
 * follow the change (a reader checks each listed campaign's own status, so a lagging index only lists).
 */
public final class CampaignStore {
    private static final Pattern ID = Pattern.compile("[0-9a-f]{20}");
    private static final String INDEX = "taama:campaigns:{index}:";

    private static final String CREATE = """
            if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
            redis.call('HSET', KEYS[1], unpack(ARGV))
            return 1
            """;

    /** Sets fields if the status and version are still those read; else answers the status now ('' if gone). */
    private static final String CHANGE = """
            local s = redis.call('HGET', KEYS[1], 'status')
            if not s then return '' end
            if s ~= ARGV[1] or redis.call('HGET', KEYS[1], 'version') ~= ARGV[2] then return s end
            local f = {}
            for i = 3, #ARGV do f[#f + 1] = ARGV[i] end
            redis.call('HSET', KEYS[1], unpack(f))
            return 'OK'
            """;

    private final Redis redis;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    public CampaignStore(Redis redis, Clock clock) {
        this.redis = redis;
        this.clock = clock;
    }

    public static boolean isId(String id) {
        return id != null && ID.matcher(id).matches();
    }

    public static String key(String id) {
        return "taama:campaign:{" + id + "}";
    }

    public static String statusIndex(Campaign.Status s) {
        return INDEX + "status:" + s.id();
    }

    public static String ownerIndex(String owner) {
        return INDEX + "owner:" + owner;
    }

    /** A new draft of {@code owner}'s, made from {@code parent} when it is a change to a frozen one. */
    public Future<Campaign> create(String owner, CampaignSpec spec, String parent) {
        byte[] b = new byte[10];
        random.nextBytes(b);
        String id = HexFormat.of().formatHex(b);
        String now = clock.instant().toString();
        Map<String, String> h = new LinkedHashMap<>();
        h.put("owner", owner);
        h.put("status", Campaign.Status.DRAFT.id());
        h.put("spec", spec.toJson().encode());
        h.put("created_at", now);
        h.put("updated_at", now);
        h.put("version", "1");
        if (parent != null) h.put("parent", parent);
        List<String> args = new ArrayList<>();
        h.forEach((k, v) -> {
            args.add(k);
            args.add(v);
        });
        long ms = clock.millis();
        return redis.<Long>eval(CREATE, ScriptOutputType.INTEGER, new String[] {key(id)}, args.toArray(String[]::new))
                .compose(ok -> ok == 1L ? Future.succeededFuture()
                        : Future.failedFuture(new IllegalStateException("campaign id collision")))
                .compose(v -> Future.all(redis.zadd(statusIndex(Campaign.Status.DRAFT), ms, id), redis.zadd(ownerIndex(owner), ms, id)))
                .map(v -> new Campaign(id, owner, Campaign.Status.DRAFT, spec, now, now, 1, parent, null, null, null, null, null));
    }

    /** The campaign, or null when there is none by that id. */
    public Future<Campaign> get(String id) {
        if (!isId(id)) return Future.succeededFuture(null);
        return redis.hgetall(key(id)).map(h -> h.isEmpty() ? null : Campaign.fromHash(id, h));
    }

    /**
     * Writes {@code fields} (and the new status, version and time) if the campaign is still as
     * {@code read}; 409 if it moved in between.
     */
    public Future<Campaign> change(Campaign read, Campaign.Status to, Map<String, String> fields) {
        String now = clock.instant().toString();
        List<String> args = new ArrayList<>(List.of(read.status().id(), Long.toString(read.version()),
                "status", to.id(), "version", Long.toString(read.version() + 1), "updated_at", now));
        fields.forEach((k, v) -> {
            args.add(k);
            args.add(v);
        });
        return redis.<String>eval(CHANGE, ScriptOutputType.VALUE, new String[] {key(read.id())}, args.toArray(String[]::new))
                .compose(r -> {
                    if (!"OK".equals(r)) {
                        return Future.failedFuture(new BadRequest(409, "the campaign changed meanwhile (it is "
                                + (r == null || r.isEmpty() ? "gone" : r) + "); read it again"));
                    }
                    if (to == read.status()) return Future.succeededFuture();
                    long ms = java.time.Instant.parse(read.createdAt()).toEpochMilli();
                    return Future.all(redis.zrem(statusIndex(read.status()), read.id()), redis.zadd(statusIndex(to), ms, read.id())).mapEmpty();
                })
                .compose(v -> get(read.id()));
    }

    /** Moves a campaign's id from one status index to another (after its status moved, or to repair a lagging index). */
    public Future<Void> reindex(Campaign c, Campaign.Status from, Campaign.Status to) {
        long ms = java.time.Instant.parse(c.createdAt()).toEpochMilli();
        return Future.all(redis.zrem(statusIndex(from), c.id()), redis.zadd(statusIndex(to), ms, c.id())).mapEmpty();
    }

    /** The names of the live counts, each kept as {@code n_<name>} on the campaign's hash by the sender. */
    public static final List<String> COUNTS = List.of("audience", "queued", "sent", "delivered", "failed", "opted_out", "skipped");

    /** The live counts, or null while the audience is not snapshotted. */
    public Future<io.vertx.core.json.JsonObject> counts(String id) {
        return redis.hmget(key(id), COUNTS.stream().map(n -> "n_" + n).toArray(String[]::new)).map(l -> {
            if (l.get(0) == null) return null;
            io.vertx.core.json.JsonObject o = new io.vertx.core.json.JsonObject();
            for (int i = 0; i < COUNTS.size(); i++) o.put(COUNTS.get(i), l.get(i) == null ? 0L : Math.max(0L, Long.parseLong(l.get(i))));
            return o;
        });
    }

    /** Ids newest first in an index. */
    public Future<List<Campaign>> list(String index, int offset, int limit) {
        return redis.zrevrange(index, offset, offset + limit - 1L).compose(ids -> {
            List<Future<Campaign>> each = ids.stream().map(this::get).toList();
            return Future.all(each).map(v -> each.stream().map(Future::result).filter(java.util.Objects::nonNull).toList());
        });
    }
}
