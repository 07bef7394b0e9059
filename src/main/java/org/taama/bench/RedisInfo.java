package org.taama.bench;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;

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

    private static long field(String url, String section, String name) {
        for (String line : with(url, c -> c.info(section)).split("\r?\n")) {
            if (line.startsWith(name + ":")) return Long.parseLong(line.substring(name.length() + 1).strip());
        }
        throw new IllegalStateException("INFO " + section + " has no " + name);
    }
}
