package org.taama.redis;

import redis.embedded.RedisServer;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A real redis-server (7.0, shipped inside the embedded-redis jar) on a free loopback port, keeping
 * its data in a folder so a restart keeps callers' choices. For development and tests only:
 * production sets REDIS_URL.
 */
public final class EmbeddedRedis implements AutoCloseable {
    private final RedisServer server;
    private final int port;

    private EmbeddedRedis(RedisServer server, int port) {
        this.server = server;
        this.port = port;
    }

    public static EmbeddedRedis start(Path dataDir) throws IOException {
        return start(dataDir, freePort());
    }

    /** On a given port: a test that stops Redis starts it again where the server expects it. */
    public static EmbeddedRedis start(Path dataDir, int port) throws IOException {
        Path dir = dataDir.toAbsolutePath();
        Files.createDirectories(dir);
        RedisServer server = RedisServer.builder()
                .port(port)
                .bind("127.0.0.1")
                .setting("dir " + dir)
                .setting("appendonly yes")
                .setting("appendfsync everysec")
                .setting("save 60 1")
                .setting("protected-mode yes")
                .build();
        server.start();
        return new EmbeddedRedis(server, port);
    }

    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    @Override
    public void close() throws IOException {
        server.stop();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
