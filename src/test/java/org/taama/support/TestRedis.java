package org.taama.support;

import org.taama.redis.EmbeddedRedis;

import java.nio.file.Files;

/**
 * The real Redis every test uses: {@code REDIS_URL} when set, else one embedded redis-server for
 * the whole test run. Tests keep apart by using their own callers and session ids.
 */
public final class TestRedis {
    private static String url;

    private TestRedis() {}

    public static synchronized String url() {
        if (url != null) return url;
        String env = System.getenv("REDIS_URL");
        if (env != null && !env.isBlank()) return url = env;
        try {
            EmbeddedRedis redis = EmbeddedRedis.start(Files.createTempDirectory("taama-test-redis"));
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    redis.close();
                } catch (Exception ignored) {
                    // the test JVM is exiting
                }
            }));
            return url = redis.url();
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the embedded Redis for tests", e);
        }
    }
}
