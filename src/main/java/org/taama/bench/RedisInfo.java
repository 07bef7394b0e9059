package org.taama.bench;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;

import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/** Short blocking looks at a redis-server from the benchmark's own thread, each on a connection of its own. */
final class RedisInfo {
    private RedisInfo() {}

    static <T> T with(String url, Function<RedisCommands<String, String>, T> look) {
        RedisClient client = RedisClient.create(url);
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            return look.apply(c.sync());
        } finally {
            client.shutdown();
        }
    }

    static long pid(String url) {
        return field(url, "server", "process_id");
    }

    static long usedMemory(String url) {
        return field(url, "memory", "used_memory");
    }

    static long dbsize(String url) {
        return with(url, RedisCommands::dbsize);
    }

    /**
     * Every key grouped by its shape (what is between braces, and runs of digits or hex, folded), most
     * numerous first: kind → {keys, keys without expiry}.
     */
    static Map<String, long[]> keyKinds(String url) {
        return with(url, c -> {
            Map<String, long[]> kinds = new HashMap<>();
            ScanCursor cursor = ScanCursor.INITIAL;
            do {
                KeyScanCursor<String> page = c.scan(cursor, ScanArgs.Builder.limit(1000));
                for (String key : page.getKeys()) {
                    long[] n = kinds.computeIfAbsent(shape(key), k -> new long[2]);
                    n[0]++;
                    if (c.ttl(key) == -1) n[1]++;
                }
                cursor = page;
            } while (!cursor.isFinished());
            Map<String, long[]> sorted = new LinkedHashMap<>();
            kinds.entrySet().stream().sorted((x, y) -> Long.compare(y.getValue()[0], x.getValue()[0]))
                    .forEach(e -> sorted.put(e.getKey(), e.getValue()));
            return sorted;
        });
    }

    private static String shape(String key) {
        return key.replaceAll("\\{[^}]*}", "{…}").replaceAll("[0-9a-f]{8,}", "…").replaceAll("[0-9]+", "N");
    }

    private static long field(String url, String section, String name) {
        for (String line : with(url, c -> c.info(section)).split("\r?\n")) {
            if (line.startsWith(name + ":")) return Long.parseLong(line.substring(name.length() + 1).strip());
        }
        throw new IllegalStateException("INFO " + section + " has no " + name);
    }
}
