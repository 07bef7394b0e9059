package org.taama.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Every setting of the server, read from the environment in this one place, each with the default a
 * developer wants on a laptop. README.md lists them.
 */
public record Config(
        int port,
        String redisUrl,
        boolean redisCluster,
        Duration redisTimeout,
        Path dataDir,
        String publicBaseUrl,
        String hashKey,
        String encryptionKey,
        Duration sessionTtl,
        Duration languageTtl,
        String defaultLang,
        boolean ussdGsmSafe,
        String bmPalatal,
        Path flowsDir,
        Path localesDir,
        int verticles) {

    public static Config fromEnv() {
        return from(System.getenv());
    }

    public static Config from(Map<String, String> env) {
        Duration sessionTtl = Duration.ofSeconds(integer(env, "SESSION_TTL_SECONDS", 300));
        if (sessionTtl.toSeconds() < 180) {
            // A USSD session lives up to 180 s at the operator; state must outlive it.
            throw new IllegalArgumentException("SESSION_TTL_SECONDS must be at least 180");
        }
        return new Config(
                integer(env, "PORT", 8080),
                blankToNull(env.get("REDIS_URL")),
                bool(env, "REDIS_CLUSTER", false),
                Duration.ofMillis(integer(env, "REDIS_TIMEOUT_MS", 1000)),
                Path.of(env.getOrDefault("DATA_DIR", "data")),
                env.getOrDefault("PUBLIC_BASE_URL", "http://localhost:8080"),
                blankToNull(env.get("HASH_KEY")),
                blankToNull(env.get("ENCRYPTION_KEY")),
                sessionTtl,
                Duration.ofDays(integer(env, "LANG_TTL_DAYS", 365)),
                env.getOrDefault("DEFAULT_LANG", "fr"),
                bool(env, "USSD_GSM_SAFE", true),
                env.getOrDefault("BM_GSM_PALATAL", "ny"),
                Path.of(env.getOrDefault("FLOWS_DIR", "flows")),
                Path.of(env.getOrDefault("LOCALES_DIR", "locales")),
                integer(env, "VERTICLES", Runtime.getRuntime().availableProcessors()));
    }

    /** True when the server starts its own Redis (development and tests). */
    public boolean embeddedRedis() {
        return redisUrl == null;
    }

    public Config withRedisUrl(String url) {
        return new Config(port, url, redisCluster, redisTimeout, dataDir, publicBaseUrl, hashKey, encryptionKey,
                sessionTtl, languageTtl, defaultLang, ussdGsmSafe, bmPalatal, flowsDir, localesDir, verticles);
    }

    public Config withPort(int p) {
        return new Config(p, redisUrl, redisCluster, redisTimeout, dataDir, publicBaseUrl, hashKey, encryptionKey,
                sessionTtl, languageTtl, defaultLang, ussdGsmSafe, bmPalatal, flowsDir, localesDir, verticles);
    }

    public Config withSecrets(String hash, String encryption) {
        return new Config(port, redisUrl, redisCluster, redisTimeout, dataDir, publicBaseUrl, hash, encryption,
                sessionTtl, languageTtl, defaultLang, ussdGsmSafe, bmPalatal, flowsDir, localesDir, verticles);
    }

    private static int integer(Map<String, String> env, String name, int dflt) {
        String v = blankToNull(env.get(name));
        if (v == null) return dflt;
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a whole number, not '" + v + "'");
        }
    }

    private static boolean bool(Map<String, String> env, String name, boolean dflt) {
        String v = blankToNull(env.get(name));
        return v == null ? dflt : v.trim().equalsIgnoreCase("true") || v.trim().equals("1");
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
