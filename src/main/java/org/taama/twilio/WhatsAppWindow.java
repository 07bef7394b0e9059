package org.taama.twilio;

import io.vertx.core.Future;
import org.taama.redis.Redis;

import java.time.Duration;

/**
 * WhatsApp's 24-hour customer service window: every inbound WhatsApp message opens or renews it;
 * while it is open we may send free-form text, afterwards only an approved template (Twilio 63016).
 *
 * <p>Key: {@code taama:{caller}:wa:window}, value "1", expiring {@link #WINDOW} after the last inbound message.
 */
public final class WhatsAppWindow {
    public static final Duration WINDOW = Duration.ofHours(24);

    private final Redis redis;

    public WhatsAppWindow(Redis redis) {
        this.redis = redis;
    }

    public static String key(String caller) {
        return "taama:{" + caller + "}:wa:window";
    }

    /** Call on every inbound WhatsApp message from this caller (hash). */
    public Future<Void> touch(String caller) {
        return redis.setex(key(caller), "1", WINDOW);
    }

    public Future<Boolean> isOpen(String caller) {
        return redis.get(key(caller)).map(v -> v != null);
    }
}
