package org.taama.operators;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import org.taama.cases.Audit;
import org.taama.cases.CaseStore;
import org.taama.consent.Subscribers;
import org.taama.privacy.CallerHash;
import org.taama.redis.Redis;
import org.taama.web.BadRequest;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * Erases everything Taama holds about one number: every key under its caller hash tag
 * ({@code taama:{hash}:*}, found with SCAN), its place in the audiences ({@code taama:{subscribers}:*}), and every case in
 * {@code taama:{hash}:cases} (hash, notes, index entries; its id in the audit log becomes "erased").
 * The erasure itself is audited ("erase", no number, no hash, no case id).
 */
public final class Erasure {
    private final Redis redis;
    private final CallerHash callers;
    private final Audit audit;
    private final Subscribers subscribers;

    public Erasure(Redis redis, CallerHash callers) {
        this(redis, callers, Clock.systemUTC());
    }

    public Erasure(Redis redis, CallerHash callers, Clock clock) {
        this(redis, callers, new Audit(redis, clock));
    }

    /** With the audit the whole server shares. */
    public Erasure(Redis redis, CallerHash callers, Audit audit) {
        this.redis = redis;
        this.callers = callers;
        this.audit = audit;
        this.subscribers = new Subscribers(redis, java.time.Clock.systemUTC());
    }

    /** What was removed: keys under the caller's tag, cases, and whether they were a subscriber. */
    public record Result(int keys, int cases, boolean subscriber) {
        public JsonObject toJson() {
            return new JsonObject().put("keys", keys).put("cases", cases).put("subscriber", subscriber);
        }
    }

    /**
     * Erases a person given by their number (any spelling: +223…, 00223…, the 8 local digits) or by
     * the WhatsApp id Twilio gave for them ("whatsapp:US.1234").
     */
    public Future<Result> erase(String operator, String number) {
        boolean scopedId = CallerHash.isScopedId(number);
        if (!scopedId && (number == null || number.length() > 32 || !CallerHash.plausible(number))) {
            return Future.failedFuture(new BadRequest("number must hold 6 to 15 digits, or be a WhatsApp id like whatsapp:US.1234"));
        }
        String caller = callers.ofAddress(number);
        return redis.smembers(CaseStore.callerKey(caller))
                .compose(ids -> CaseStore.erase(redis, audit, new ArrayList<>(ids)))
                .compose(cases -> redis.scan("taama:{" + caller + "}:*")
                        .compose(keys -> keys.isEmpty() ? Future.succeededFuture(0L) : deleteAll(keys))
                        .compose(keys -> subscribers.listed(caller).compose(was -> subscribers.drop(caller)
                                .map(v -> new Result(keys.intValue(), cases, was)))))
                .compose(r -> audit.record(operator, "erase", null).map(r));
    }

    /** One DEL per key: on Redis Cluster they share a slot anyway, and this stays correct if one did not. */
    private Future<Long> deleteAll(List<String> keys) {
        List<Future<Long>> dels = keys.stream().map(k -> redis.del(k)).toList();
        return Future.all(dels).map(v -> dels.stream().mapToLong(Future::result).sum());
    }
}
