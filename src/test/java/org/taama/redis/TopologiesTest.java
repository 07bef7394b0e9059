package org.taama.redis;

import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.taama.support.Await;
import org.taama.support.TestRedis;

import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/** The test harness's real Cluster and Sentinel set are what they claim, reached through the app's own Redis.connect. */
@DisplayName("Redis topologies of the tests")
class TopologiesTest {
    static Vertx vertx;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stop() {
        vertx.close();
    }

    @Test
    @DisplayName("the cluster has three masters sharing the slots, and keys of many slots are read and written")
    void cluster() throws Exception {
        var nodes = TestRedis.clusterNodes();
        assertThat(nodes.masters()).hasSize(3);
        try (Redis redis = Redis.connect(vertx, nodes.url(), true, Duration.ofSeconds(2))) {
            List<String> keys = IntStream.range(0, 50).mapToObj(i -> "taama:topology:" + i).toList();
            for (String k : keys) Await.result(redis.setex(k, "v" + k, Duration.ofMinutes(1)));
            assertThat(Await.result(redis.mget(keys.toArray(String[]::new)))).allMatch(v -> v.startsWith("v"));
            long spread = nodes.masters().stream().filter(n -> n.with(c -> c.dbsize()) > 0).count();
            assertThat(spread).as("keys landed on every master").isEqualTo(3);
            assertThat(Await.result(redis.scan("taama:topology:*"))).as("SCAN walks every master").hasSize(50);
        }
    }

    @Test
    @DisplayName("the sentinel set names a master with a replica, and the app reaches it by redis-sentinel://")
    void sentinel() throws Exception {
        var set = TestRedis.sentinelSet();
        assertThat(set.url()).startsWith("redis-sentinel://").endsWith("#taama");
        try (Redis redis = Redis.connect(vertx, set.url(), false, Duration.ofSeconds(2))) {
            Await.result(redis.setex("taama:topology:s", "here", Duration.ofMinutes(1)));
            String stored = set.currentMaster().with(c -> c.get("taama:topology:s"));
            assertThat(stored).isEqualTo("here");
        }
        String replication = set.currentMaster().with(c -> c.info("replication"));
        assertThat(replication).contains("connected_slaves:1");
    }
}
