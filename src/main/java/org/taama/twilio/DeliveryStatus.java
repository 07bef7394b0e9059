package org.taama.twilio;

import io.lettuce.core.ScriptOutputType;
import io.vertx.core.Future;
import org.taama.redis.Redis;
import org.taama.stats.Events;
import org.taama.stats.Metric;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The delivery status of each message we sent, from Twilio's status callbacks, in
 * {@code taama:msg:{sid}} (hash: status, errorCode, updatedAt; kept {@link #TTL}).
 *
 * <p>Callbacks arrive out of order, so a status only ever moves forward:
 * queued/accepted/scheduled &lt; sending &lt; sent &lt; delivered/undelivered/failed/partially_delivered
 * &lt; read. A later status of the same or a lower rank is ignored (the first final status wins;
 * only read may follow delivered). {@code canceled} is accepted only before a final status and is
 * itself final. The compare-and-set runs as one Lua script, so concurrent callbacks cannot race.
 */
public final class DeliveryStatus {
    public static final Duration TTL = Duration.ofDays(7);

    /** Every value of Twilio's Message.Status (twilio-java 13.0.1). */
    public static final List<String> STATUSES = List.of("queued", "sending", "sent", "failed", "delivered",
            "undelivered", "receiving", "received", "accepted", "scheduled", "read", "partially_delivered", "canceled");

    /** What {@link #record} did. */
    public enum Outcome { RECORDED, IGNORED_OUT_OF_ORDER, UNKNOWN_STATUS }

    // Ranks: 1 initial, 2 in flight, 3 sent, 4 final, 5 read, 9 canceled (final, only before rank 4).
    static final String SCRIPT = """
            local ranks = {queued=1, accepted=1, scheduled=1, sending=2, receiving=2, sent=3,
              delivered=4, undelivered=4, failed=4, partially_delivered=4, received=4, read=5, canceled=9}
            local new = ARGV[1]
            local nr = ranks[new]
            if not nr then return {-1, ''} end
            local cur = redis.call('HGET', KEYS[1], 'status')
            local cr = 0
            if cur then
              cr = ranks[cur] or 0
              if cr == 9 then return {0, ''} end
              if nr == 9 then
                if cr >= 4 then return {0, ''} end
              elseif nr <= cr then
                return {0, ''}
              end
            end
            redis.call('HSET', KEYS[1], 'status', new, 'updatedAt', ARGV[3])
            if ARGV[2] ~= '' then redis.call('HSET', KEYS[1], 'errorCode', ARGV[2]) end
            redis.call('PEXPIRE', KEYS[1], ARGV[4])
            if nr >= 4 and cr < 4 then return {1, redis.call('HGET', KEYS[1], 'counts') or ''} end
            return {1, ''}
            """;
    /** By EVALSHA: every outbound message and every status callback runs it, so its body is not sent each time. */
    private static final org.taama.redis.Redis.Script RECORD = org.taama.redis.Redis.Script.of(SCRIPT);


    private final Redis redis;
    private final Clock clock;

    private final Events events;

    public DeliveryStatus(Redis redis, Clock clock) {
        this(redis, clock, Events.NONE);
    }

    /** As above, counting for the dashboard each status recorded (each once per message: statuses only move forward). */
    public DeliveryStatus(Redis redis, Clock clock, Events events) {
        this.redis = redis;
        this.clock = clock;
        this.events = events;
    }

    public static String key(String sid) {
        return "taama:msg:{" + sid + "}";
    }

    /**
     * Records a status unless it would move the message backwards.
     *
     * @param errorCode Twilio's ErrorCode, or null/blank when none (a stored code is then kept)
     */
    public Future<Outcome> record(String sid, String status, String errorCode) {
        String s = status.trim().toLowerCase(Locale.ROOT);
        if (!STATUSES.contains(s)) return Future.succeededFuture(Outcome.UNKNOWN_STATUS);
        String code = errorCode == null ? "" : errorCode.trim();
        return redis.<List<Object>>run(RECORD, ScriptOutputType.MULTI, new String[]{key(sid)},
                        s, code, clock.instant().toString(), Long.toString(TTL.toMillis()))
                .compose(r -> {
                    long done = (Long) r.get(0);
                    Outcome o = done == 1L ? Outcome.RECORDED : done == 0L ? Outcome.IGNORED_OUT_OF_ORDER : Outcome.UNKNOWN_STATUS;
                    if (o == Outcome.RECORDED) events.count(Metric.DELIVERY, s);
                    String counts = r.size() > 1 && r.get(1) != null ? r.get(1).toString() : "";
                    // Only the callback that made the message final gets here, so a count moves once and never back.
                    if (counts.isEmpty()) return Future.succeededFuture(o);
                    String field = s.equals("delivered") || s.equals("partially_delivered") || s.equals("received") || s.equals("read")
                            ? "n_delivered" : "n_failed";
                    return redis.hincrby(counts, field, 1).map(o);
                });
    }

    /**
     * Asks that this message's final status be counted in the hash {@code countsKey} (field
     * {@code n_delivered} or {@code n_failed}): how a campaign's counts follow its status callbacks.
     */
    public Future<Void> countInto(String sid, String countsKey) {
        return redis.hset(key(sid), Map.of("counts", countsKey)).compose(v -> redis.expire(key(sid), TTL)).mapEmpty();
    }

    /** The stored fields (status, errorCode, updatedAt); empty when unknown or expired. */
    public Future<Map<String, String>> get(String sid) {
        return redis.hgetall(key(sid));
    }
}
