package org.taama.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/**
 * A real Redis Cluster of three masters (no replicas) on loopback, made the way an operator would:
 * each redis-server started with {@code cluster-enabled yes}, the 16384 slots split in three with
 * CLUSTER ADDSLOTS, the nodes introduced with CLUSTER MEET, then awaited until every node says
 * {@code cluster_state:ok} and knows the other two.
 */
public final class RedisClusterNodes implements AutoCloseable {
    static final int SLOTS = 16384;
    private final List<RedisNode> masters;

    private RedisClusterNodes(List<RedisNode> masters) {
        this.masters = masters;
    }

    public static RedisClusterNodes start(int size) throws IOException {
        Path root = Files.createTempDirectory("taama-cluster");
        List<RedisNode> nodes = new ArrayList<>();
        try {
            for (int i = 0; i < size; i++) {
                int port = RedisNode.freePort();
                nodes.add(RedisNode.start(port, root.resolve("n" + i), "--cluster-enabled", "yes",
                        "--cluster-config-file", "nodes.conf", "--cluster-node-timeout", "3000",
                        "--appendonly", "yes", "--appendfsync", "everysec"));
            }
            for (int i = 0; i < size; i++) {
                int from = i * SLOTS / size;
                int to = (i + 1) * SLOTS / size;
                int[] slots = IntStream.range(from, to).toArray();
                nodes.get(i).with(c -> c.clusterAddSlots(slots));
            }
            RedisNode first = nodes.get(0);
            for (RedisNode n : nodes.subList(1, size)) n.with(c -> c.clusterMeet("127.0.0.1", first.port()));
            for (RedisNode n : nodes) {
                RedisNode.waitUntil(Duration.ofSeconds(30), "cluster_state:ok on " + n.port(), () -> {
                    String info = n.with(c -> c.clusterInfo());
                    return info.contains("cluster_state:ok") && info.contains("cluster_known_nodes:" + size)
                            && info.contains("cluster_slots_assigned:" + SLOTS);
                });
            }
            return new RedisClusterNodes(nodes);
        } catch (IOException | RuntimeException e) {
            nodes.forEach(RedisNode::close);
            throw e;
        }
    }

    /** A seed for Lettuce's cluster client (it learns the other nodes from CLUSTER SLOTS); use with REDIS_CLUSTER=true. */
    public String url() {
        return masters.get(0).url();
    }

    public List<RedisNode> masters() {
        return masters;
    }

    @Override
    public void close() {
        masters.forEach(RedisNode::close);
    }
}
