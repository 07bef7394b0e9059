package org.taama.support;

import org.taama.config.Config;
import org.taama.server.Server;

import java.util.HashMap;
import java.util.Map;

/** Starts real Taama servers on free ports, on the repository's own flows and texts, against test Redis. */
public final class TestServers {
    /** Fixed test keys (base64 of 32 bytes each); production keys come from the environment. */
    public static final String HASH_KEY = "dGVzdC1oYXNoLWtleS10ZXN0LWhhc2gta2V5LTAwMDA=";
    public static final String ENCRYPTION_KEY = "dGVzdC1lbmMta2V5LXRlc3QtZW5jLWtleS0wMDAwMDA=";

    private TestServers() {}

    public static Server start() throws Exception {
        return start(Map.of());
    }

    public static Server start(Map<String, String> overrides) throws Exception {
        Map<String, String> env = new HashMap<>();
        env.put("PORT", "0");
        env.put("REDIS_URL", TestRedis.url());
        env.put("REDIS_CLUSTER", Boolean.toString(TestRedis.cluster()));
        env.put("HASH_KEY", HASH_KEY);
        env.put("ENCRYPTION_KEY", ENCRYPTION_KEY);
        env.put("VERTICLES", "1");
        env.putAll(overrides);
        // A test that brings its own Redis (one it stops, one with a password) brings a standalone one unless it says so.
        if (overrides.containsKey("REDIS_URL") && !overrides.containsKey("REDIS_CLUSTER")) env.put("REDIS_CLUSTER", "false");
        return Server.start(Config.from(env));
    }
}
