package org.taama.consent;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import org.taama.privacy.NumberCipher;
import org.taama.redis.Redis;
import org.taama.stats.Events;
import org.taama.stats.Metric;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Who agreed to receive awareness messages, and who said stop. Stop wins at once, on every channel,
 * and drops the number we kept: a caller who opted out is known only by their hash from then on.
 *
 * <p>Keys (all under the caller's hash tag but the subscriber set):
 * <ul>
 *   <li>{@code taama:{caller}:consent} — hash: status (in|out), channel, lang, region, at, number
 *       (AES-GCM, only while status is in)</li>
 *   <li>{@code taama:{caller}:consent:log} — the newest {@value #LOG_KEEP} changes: time, channel, action</li>
 * </ul>
 * Both caller keys expire {@code CONSENT_TTL} after the last change; {@link Subscribers} lists the
 * subscribed callers by audience until that same moment, and forgets them then.
 */
public final class ConsentStore {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ConsentStore.class);
    static final int LOG_KEEP = 50;
    /** Long enough to honour a STOP for the life of any campaign; refreshed by every change. */
    public static final Duration CONSENT_TTL = Duration.ofDays(730);

    private final Redis redis;
    private final NumberCipher cipher;
    private final Clock clock;
    private final Subscribers subscribers;
    private final Events events;
    private int replicas;

    public ConsentStore(Redis redis, NumberCipher cipher, Clock clock) {
        this(redis, cipher, clock, Events.NONE);
    }

    /** As above, telling the dashboard of every opt-in and opt-out. */
    public ConsentStore(Redis redis, NumberCipher cipher, Clock clock, Events events) {
        this.events = events;
        this.redis = redis;
        this.cipher = cipher;
        this.clock = clock;
        this.subscribers = new Subscribers(redis, clock);
    }

    /**
     * Makes every opt-in and opt-out wait until {@code n} replicas hold it, at most {@link #REPLICA_WAIT},
     * before the caller is told: a Sentinel failover promotes a replica, and a change only the dead
     * master held would be lost (a STOP forgotten is a message sent to someone who refused it). Give
     * this store a connection of its own ({@link Redis#ownConnection}): WAIT holds its connection.
     * When the replicas do not answer in time the change stands on the master and a warning is logged:
     * a replica down must not stop callers from saying stop.
     */
    public ConsentStore awaitingReplicas(int n) {
        this.replicas = n;
        return this;
    }

    /** Short beside the USSD hop's budget; a live replica on the same network answers in about a millisecond. */
    static final Duration REPLICA_WAIT = Duration.ofMillis(250);
    /**
     * After a wait that timed out, how long changes stand on the master alone before the next one waits
     * again. Right after a failover the new master has no replica yet: were every change to wait, the
     * changes queued on this one connection would add up their waits and callers would read the apology.
     */
    static final Duration LONE_MASTER_PAUSE = Duration.ofSeconds(2);
    private volatile long waitAgainAt;

    private Future<Void> replicated() {
        if (replicas == 0 || clock.millis() < waitAgainAt) return Future.succeededFuture();
        return redis.awaitReplicas(replicas, REPLICA_WAIT).map(held -> {
            if (held < replicas) {
                waitAgainAt = clock.millis() + LONE_MASTER_PAUSE.toMillis();
                LOG.warn("a consent change reached {} of {} replicas in {} ms; changes for the next {} s stand on the master alone",
                        held, replicas, REPLICA_WAIT.toMillis(), LONE_MASTER_PAUSE.toSeconds());
            }
            return null;
        });
    }

    /** The audiences: who is subscribed, by channel, language and region, while their consent lasts. */
    public Subscribers subscribers() {
        return subscribers;
    }

    /** True when the caller is listed in an audience with live consent. */
    public Future<Boolean> listed(String caller) {
        return subscribers.listed(caller);
    }

    /** The current consent of a caller; status "none" when they never said anything. */
    public record Consent(String status, String channel, String lang, String region, String at) {
        public boolean optedOut() {
            return "out".equals(status);
        }

        public boolean subscribed() {
            return "in".equals(status);
        }
    }

    public static String key(String caller) {
        return "taama:{" + caller + "}:consent";
    }

    public static String logKey(String caller) {
        return "taama:{" + caller + "}:consent:log";
    }

    public Future<Consent> get(String caller) {
        return redis.hgetall(key(caller)).map(h -> new Consent(h.getOrDefault("status", "none"), h.get("channel"),
                h.get("lang"), h.get("region"), h.get("at")));
    }

    /** True when the caller said stop and has not said start since (one field read). */
    public Future<Boolean> optedOut(String caller) {
        return redis.hget(key(caller), "status").map("out"::equals);
    }

    /** Opts out at once: status out, number dropped, removed from every audience. */
    public Future<Void> optOut(String caller, Channel channel, String why) {
        String at = clock.instant().toString();
        return Future.all(List.of(
                        redis.hset(key(caller), Map.of("status", "out", "channel", channel.id(), "at", at)),
                        redis.hdel(key(caller), "number"),
                        subscribers.drop(caller),
                        log(caller, channel, "opt_out", why, at)))
                .compose(v -> expire(caller))
                .compose(v -> replicated())
                .onSuccess(v -> events.count(Metric.OPT_OUT, channel.id()));
    }

    /**
     * Opts in (START, or the subscribe option of a menu), keeping the number encrypted to send to,
     * with the language and region the caller chose. A null region keeps the one stored before.
     */
    public Future<Void> optIn(String caller, String number, Channel channel, String lang, String region) {
        String at = clock.instant().toString();
        Map<String, String> fields = new HashMap<>();
        fields.put("status", "in");
        fields.put("channel", channel.id());
        fields.put("at", at);
        fields.put("number", cipher.encrypt(number, caller));
        if (lang != null) fields.put("lang", lang);
        if (region != null) fields.put("region", region);
        return Future.all(List.of(
                        redis.hset(key(caller), fields),
                        log(caller, channel, "opt_in", region == null ? null : "region " + region, at)))
                .compose(v -> expire(caller))
                // The stored language and region (a null region kept the one chosen before).
                .compose(v -> redis.hmget(key(caller), "lang", "region"))
                .compose(lr -> subscribers.put(caller, Subscribers.segment(channel.id(), lr.get(0), lr.get(1)),
                        clock.millis() + CONSENT_TTL.toMillis()))
                .compose(v -> replicated())
                .onSuccess(v -> events.count(Metric.OPT_IN, channel.id()));
    }

    /**
     * Moves the subscribers of the old plain set ({@code taama:subscribers}, which kept hashes after
     * consent expired) into the audiences, each until its consent key expires; those whose consent is
     * gone or out are dropped. Deletes the old set; answers how many were moved. Run once at start.
     */
    public Future<Integer> adoptLegacySubscribers() {
        return redis.smembers(Subscribers.LEGACY).compose(callers -> callers.isEmpty() ? Future.succeededFuture(0)
                : adopt(List.copyOf(callers), 0, 0).compose(n -> redis.del(Subscribers.LEGACY).map(n)));
    }

    /** A batch at a time, so a large old set never puts thousands of commands in flight at once. */
    private Future<Integer> adopt(List<String> callers, int from, int done) {
        if (from >= callers.size()) return Future.succeededFuture(done);
        List<Future<Boolean>> each = new java.util.ArrayList<>();
        for (String caller : callers.subList(from, Math.min(callers.size(), from + 200))) {
            each.add(redis.hgetall(key(caller)).compose(h -> redis.ttlMillis(key(caller)).compose(ttl -> {
                if (!"in".equals(h.get("status")) || ttl == null || ttl <= 0) return Future.succeededFuture(false);
                return subscribers.put(caller, Subscribers.segment(h.get("channel"), h.get("lang"), h.get("region")),
                        clock.millis() + ttl).map(true);
            })));
        }
        return Future.all(each).compose(v -> adopt(callers, from + 200,
                done + (int) each.stream().filter(Future::result).count()));
    }

    /** The number to send to, or null when the caller is not subscribed. Never log what this returns. */
    public Future<String> number(String caller) {
        return redis.hgetall(key(caller)).map(h -> "in".equals(h.get("status")) && h.get("number") != null
                ? cipher.decrypt(h.get("number"), caller) : null);
    }

    /** The changes, newest first, as JSON objects {at, channel, action, note}. */
    public Future<List<JsonObject>> history(String caller) {
        return redis.range(logKey(caller), 0, LOG_KEEP - 1).map(l -> l.stream().map(JsonObject::new).toList());
    }

    private Future<Void> log(String caller, Channel channel, String action, String note, String at) {
        JsonObject e = new JsonObject().put("at", at).put("channel", channel.id()).put("action", action);
        if (note != null) e.put("note", note);
        return redis.pushCapped(logKey(caller), e.encode(), LOG_KEEP);
    }

    private Future<Void> expire(String caller) {
        return Future.all(redis.expire(key(caller), CONSENT_TTL), redis.expire(logKey(caller), CONSENT_TTL)).mapEmpty();
    }
}
