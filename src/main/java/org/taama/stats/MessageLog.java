package org.taama.stats;

import io.lettuce.core.Limit;
import io.lettuce.core.StreamMessage;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import org.taama.redis.Redis;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The latest inbound and outbound events, newest first, from the capped stream {@link Buckets#LOG}
 * (written by {@link Recorder}): time, channel, direction, the first {@value Recorder#MASK_CHARS}
 * characters of the caller hash, status. Never a number, never what anyone wrote.
 */
public final class MessageLog {
    public static final int MAX = 1000;

    private final Redis redis;
    private final Clock clock;

    public MessageLog(Redis redis, Clock clock) {
        this.redis = redis;
        this.clock = clock;
    }

    /** The newest {@code limit} entries of the last 24 h. */
    public Future<List<JsonObject>> latest(int limit) {
        long since = clock.millis() - Recorder.LOG_TTL.toMillis();
        return Future.fromCompletionStage(redis.commands().xrevrange(Buckets.LOG,
                        io.lettuce.core.Range.create(since + "-0", "+"), Limit.create(0, limit)), redis.vertx().getOrCreateContext())
                .map(MessageLog::entries);
    }

    /** The entries after {@code afterId}, oldest first (at most {@code limit}). */
    public Future<List<JsonObject>> after(String afterId, int limit) {
        return Future.fromCompletionStage(redis.commands().xrange(Buckets.LOG,
                        io.lettuce.core.Range.create("(" + afterId, "+"), Limit.create(0, limit)), redis.vertx().getOrCreateContext())
                .map(MessageLog::entries);
    }

    private static List<JsonObject> entries(List<StreamMessage<String, String>> messages) {
        List<JsonObject> out = new ArrayList<>(messages.size());
        for (StreamMessage<String, String> m : messages) {
            Map<String, String> b = m.getBody();
            long at;
            try {
                at = Long.parseLong(b.getOrDefault("at", ""));
            } catch (NumberFormatException e) {
                continue;
            }
            out.add(new JsonObject().put("id", m.getId()).put("at", Instant.ofEpochMilli(at).toString())
                    .put("channel", b.get("ch")).put("direction", b.get("dir")).put("caller", b.get("who"))
                    .put("status", b.get("st")));
        }
        return out;
    }
}
