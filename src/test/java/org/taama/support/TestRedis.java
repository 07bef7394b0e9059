package org.taama.support;

import org.taama.redis.EmbeddedRedis;

import java.nio.file.Files;

/**
 * The real Redis every test uses: {@code REDIS_URL} when set, else the topology the system property
 * {@code taama.redis} names — {@code standalone} (default: one embedded redis-server), {@code cluster}
 * (a real three-master Redis Cluster) or {@code sentinel} (a master, a replica and three sentinels) —
 * each started once per test JVM, the first time a test asks. Tests keep apart by using their own
 * callers and session ids. Run the whole suite on a cluster with {@code mvn -B test -Dtaama.redis=cluster};
 * a class of its own picks one with {@link #use}.
 */
public final class TestRedis {
    public enum Topology { STANDALONE, CLUSTER, SENTINEL }

    private static Topology current = fromProperty();
    private static String standalone;
    private static RedisClusterNodes cluster;
    private static RedisSentinelSet sentinel;

    private TestRedis() {}

    private static Topology fromProperty() {
        String p = System.getProperty("taama.redis", "standalone").strip().toUpperCase(java.util.Locale.ROOT);
        return p.isEmpty() ? Topology.STANDALONE : Topology.valueOf(p);
    }

    /** The topology the next servers use (a *ClusterTest sets it in its @BeforeAll and puts it back after). */
    public static synchronized Topology use(Topology topology) {
        Topology was = current;
        current = topology;
        return was;
    }

    public static synchronized Topology topology() {
        return current;
    }

    /** What REDIS_CLUSTER must say for {@link #url()}. */
    public static synchronized boolean cluster() {
        return System.getenv("REDIS_URL") == null && current == Topology.CLUSTER;
    }

    public static synchronized String url() {
        String env = System.getenv("REDIS_URL");
        if (env != null && !env.isBlank()) return env;
        try {
            return switch (current) {
                case STANDALONE -> standalone();
                case CLUSTER -> clusterNodes().url();
                case SENTINEL -> sentinelSet().url();
            };
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the " + current + " Redis for tests", e);
        }
    }

    /** The JVM's Redis Cluster (started on first use). */
    public static synchronized RedisClusterNodes clusterNodes() throws Exception {
        if (cluster == null) {
            cluster = RedisClusterNodes.start(3);
            onExit(cluster);
        }
        return cluster;
    }

    /** The JVM's Sentinel set (started on first use). */
    public static synchronized RedisSentinelSet sentinelSet() throws Exception {
        if (sentinel == null) {
            sentinel = RedisSentinelSet.start();
            onExit(sentinel);
        }
        return sentinel;
    }

    private static String standalone() throws Exception {
        if (standalone != null) return standalone;
        EmbeddedRedis redis = EmbeddedRedis.start(Files.createTempDirectory("taama-test-redis"));
        onExit(redis);
        return standalone = redis.url();
    }

    private static void onExit(AutoCloseable c) {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                c.close();
            } catch (Exception ignored) {
                // the test JVM is exiting
            }
        }));
    }
}
