package org.taama.redis;

import redis.embedded.RedisExecProvider;
import redis.embedded.RedisServer;
import redis.embedded.util.OsArchitecture;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;

/**
 * A real redis-server (7.0, shipped inside the embedded-redis jar) on a free loopback port, keeping
 * its data in a folder so a restart keeps callers' choices. For development and tests only:
 * production sets REDIS_URL.
 *
 * <p>The folder holds what callers left (sessions, consent, cases), so only this user may read it:
 * the folder is 0700 and every file in it 0600.
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
        var builder = RedisServer.builder()
                .port(port)
                .bind("127.0.0.1")
                .setting("dir " + dir)
                .setting("appendonly yes")
                .setting("appendfsync everysec")
                .setting("save 60 1")
                .setting("protected-mode yes");
        if (posix()) {
            restrict(dir);
            builder.redisExecProvider(withPrivateUmask());
        }
        RedisServer server = builder.build();
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

    private static boolean posix() {
        return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    }

    /** The folder 0700, and whatever an earlier run left in it 0700 (folders) or 0600 (files). */
    private static void restrict(Path dir) throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.toList()) {
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(
                        Files.isDirectory(p) ? "rwx------" : "rw-------"));
            }
        }
    }

    /**
     * Redis has no setting for the mode of the files it writes: it creates dump.rdb and the
     * append-only files with the umask it inherits, afresh (write, then rename) on every save, so
     * fixing modes after a save would not last. The library lets us name the program it starts,
     * so it starts a two-line launcher that sets umask 077 and then becomes the real redis-server
     * (exec: same process, same pid).
     */
    private static RedisExecProvider withPrivateUmask() throws IOException {
        Path binary = RedisExecProvider.defaultProvider().get().toPath().toAbsolutePath();
        Path folder = Files.createTempDirectory("taama-redis-launcher");
        Path launcher = folder.resolve("redis-server");
        String quoted = "'" + binary.toString().replace("'", "'\\''") + "'";
        Files.writeString(launcher, "#!/bin/sh\numask 077\nexec " + quoted + " \"$@\"\n", StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwx------"));
        folder.toFile().deleteOnExit(); // deleted last: the JVM deletes in the reverse order
        launcher.toFile().deleteOnExit();
        OsArchitecture here = OsArchitecture.detect();
        return RedisExecProvider.defaultProvider().override(here.os(), here.arch(), launcher.toString());
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
