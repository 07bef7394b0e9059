package org.taama.support;

import io.lettuce.core.Range;
import io.vertx.core.Future;
import org.taama.redis.Redis;

/**
 * Everything Redis holds, every key and every value of every type, as one text: what a privacy
 * test searches for a number, a hash or a case id that should not be there.
 */
public final class RedisDump {
    private RedisDump() {}

    public static String everything(Redis redis) {
        var c = redis.commands();
        StringBuilder out = new StringBuilder();
        for (String key : Await.result(redis.scan("*"))) {
            out.append(key).append('\n');
            String type = Await.result(Future.fromCompletionStage(c.type(key)));
            Object value = switch (type) {
                case "string" -> Await.result(Future.fromCompletionStage(c.get(key)));
                case "hash" -> Await.result(Future.fromCompletionStage(c.hgetall(key)));
                case "list" -> Await.result(Future.fromCompletionStage(c.lrange(key, 0, -1)));
                case "set" -> Await.result(Future.fromCompletionStage(c.smembers(key)));
                case "zset" -> Await.result(Future.fromCompletionStage(c.zrange(key, 0, -1)));
                case "stream" -> Await.result(Future.fromCompletionStage(c.xrange(key, Range.create("-", "+"))));
                case "none" -> ""; // expired between SCAN and TYPE
                default -> throw new AssertionError("unexpected Redis type " + type + " for " + key);
            };
            out.append(value).append('\n');
        }
        return out.toString();
    }
}
