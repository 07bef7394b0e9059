package org.taama.support;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import redis.embedded.RedisExecProvider;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * One real redis-server process (the 7.0 binary embedded-redis ships) on a loopback port, in a folder
 * of its own, for the Cluster and Sentinel topologies of the tests. It can be killed (SIGKILL, as a
 * crash) and started again on the same port with the same folder (its AOF and nodes file kept).
 */
public final class RedisNode implements AutoCloseable {
    private final int port;
    private final Path dir;
    private final List<String> args;
    private Process process;

    private RedisNode(int port, Path dir, List<String> args) {
        this.port = port;
        this.dir = dir;
        this.args = List.copyOf(args);
    }

    /** Starts redis-server with these settings (each "--name value ...") on {@code port}, data in {@code dir}. */
    public static RedisNode start(int port, Path dir, String... settings) throws IOException {
        Files.createDirectories(dir);
        List<String> a = new ArrayList<>(List.of("--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--dir", dir.toAbsolutePath().toString(), "--protected-mode", "no", "--save", ""));
        a.addAll(List.of(settings));
        RedisNode n = new RedisNode(port, dir, a);
        n.launch(null);
        return n;
    }

    /** A sentinel: its configuration file is written in {@code dir} (sentinels rewrite it as they learn). */
    public static RedisNode sentinel(int port, Path dir, String config) throws IOException {
        Files.createDirectories(dir);
        Path conf = dir.resolve("sentinel.conf");
        Files.writeString(conf, "port " + port + "\nbind 127.0.0.1\nprotected-mode no\ndir " + dir.toAbsolutePath() + "\n" + config);
        RedisNode n = new RedisNode(port, dir, List.of("--sentinel"));
        n.launch(conf.toAbsolutePath().toString());
        return n;
    }

    private void launch(String configFile) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(binary().getAbsolutePath());
        if (configFile != null) cmd.add(configFile);
        cmd.addAll(args);
        process = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("redis.log").toFile())).start();
        waitUntil(Duration.ofSeconds(10), "redis-server on " + port + " to answer PING", () -> {
            if (!process.isAlive()) throw new IllegalStateException("redis-server on " + port + " exited; see " + dir.resolve("redis.log"));
            try (RedisClient c = client(); StatefulRedisConnection<String, String> conn = c.connect()) {
                return "PONG".equals(conn.sync().ping());
            } catch (RuntimeException e) {
                return false;
            }
        });
    }

    private static synchronized File binary() throws IOException {
        return RedisExecProvider.defaultProvider().get();
    }

    public int port() {
        return port;
    }

    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    public long pid() {
        return process.pid();
    }

    public boolean alive() {
        return process != null && process.isAlive();
    }

    /** SIGKILL: no shutdown, no last save, connections cut, as when a machine dies. */
    public void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Starts it again on the same port and folder, as a restarted machine would. */
    public void restart() throws IOException {
        if (alive()) kill();
        launch(args.contains("--sentinel") ? dir.resolve("sentinel.conf").toAbsolutePath().toString() : null);
    }

    /** Runs something on a short-lived connection of its own (set-up and checks, never the server's path). */
    public <T> T with(java.util.function.Function<RedisCommands<String, String>, T> work) {
        try (RedisClient c = client(); StatefulRedisConnection<String, String> conn = c.connect()) {
            return work.apply(conn.sync());
        }
    }

    private RedisClient client() {
        RedisClient c = RedisClient.create(RedisURI.builder().withHost("127.0.0.1").withPort(port)
                .withTimeout(Duration.ofSeconds(2)).build());
        return c;
    }

    /** A port that is free, and whose cluster bus port (+10000) is free too. */
    public static int freePort() throws IOException {
        for (int i = 0; i < 200; i++) {
            int p = ThreadLocalRandom.current().nextInt(20_000, 45_000);
            if (free(p) && free(p + 10_000)) return p;
        }
        throw new IOException("no free port pair found");
    }

    private static boolean free(int port) {
        try (ServerSocket s = new ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
            s.setReuseAddress(true);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Polls (every 50 ms) until the check holds, or fails naming what was awaited. */
    public static void waitUntil(Duration atMost, String what, java.util.function.BooleanSupplier check) {
        long end = System.nanoTime() + atMost.toNanos();
        while (!check.getAsBoolean()) {
            if (System.nanoTime() > end) throw new IllegalStateException("timed out waiting for " + what);
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    static <T> boolean holds(T value, Predicate<T> p) {
        return value != null && p.test(value);
    }

    @Override
    public void close() {
        if (process != null && process.isAlive()) kill();
    }
}
