package org.taama.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A real Sentinel set on loopback: one master, one replica, three sentinels (quorum 2) watching the
 * master as {@value #MASTER}, quick to decide (down after 1 s) so a failover test takes seconds.
 * The app reaches it through a {@code redis-sentinel://} URI, as in production.
 */
public final class RedisSentinelSet implements AutoCloseable {
    public static final String MASTER = "taama";
    private final RedisNode master;
    private final RedisNode replica;
    private final List<RedisNode> sentinels;

    private RedisSentinelSet(RedisNode master, RedisNode replica, List<RedisNode> sentinels) {
        this.master = master;
        this.replica = replica;
        this.sentinels = sentinels;
    }

    public static RedisSentinelSet start() throws IOException {
        Path root = Files.createTempDirectory("taama-sentinel");
        List<RedisNode> all = new ArrayList<>();
        try {
            RedisNode master = RedisNode.start(RedisNode.freePort(), root.resolve("a"), "--appendonly", "yes");
            all.add(master);
            RedisNode replica = RedisNode.start(RedisNode.freePort(), root.resolve("b"), "--appendonly", "yes",
                    "--replicaof", "127.0.0.1", Integer.toString(master.port()));
            all.add(replica);
            RedisNode.waitUntil(Duration.ofSeconds(20), "the replica to sync", () ->
                    replica.with(c -> c.info("replication")).contains("master_link_status:up"));
            String conf = "sentinel monitor " + MASTER + " 127.0.0.1 " + master.port() + " 2\n"
                    + "sentinel down-after-milliseconds " + MASTER + " 1000\n"
                    + "sentinel failover-timeout " + MASTER + " 5000\n"
                    + "sentinel parallel-syncs " + MASTER + " 1\n";
            List<RedisNode> sentinels = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                RedisNode s = RedisNode.sentinel(RedisNode.freePort(), root.resolve("s" + i), conf);
                sentinels.add(s);
                all.add(s);
            }
            return new RedisSentinelSet(master, replica, sentinels);
        } catch (IOException | RuntimeException e) {
            all.forEach(RedisNode::close);
            throw e;
        }
    }

    /** {@code redis-sentinel://h:p,h:p,h:p#taama}: Lettuce asks the sentinels where the master is, again after each reconnect. */
    public String url() {
        return "redis-sentinel://" + sentinels.stream().map(s -> "127.0.0.1:" + s.port()).collect(Collectors.joining(","))
                + "#" + MASTER;
    }

    /** The node the sentinels now name as master. */
    public RedisNode currentMaster() {
        for (RedisNode s : sentinels) {
            if (!s.alive()) continue;
            List<String> addr = s.with(c -> c.dispatch(io.lettuce.core.protocol.CommandType.SENTINEL,
                    new io.lettuce.core.output.ValueListOutput<>(io.lettuce.core.codec.StringCodec.UTF8),
                    new io.lettuce.core.protocol.CommandArgs<>(io.lettuce.core.codec.StringCodec.UTF8)
                            .add("get-master-addr-by-name").add(MASTER)));
            if (addr != null && addr.size() == 2) {
                int port = Integer.parseInt(addr.get(1));
                return master.port() == port ? master : replica;
            }
        }
        throw new IllegalStateException("no sentinel names a master");
    }

    /** Waits until every sentinel knows the replica and the two other sentinels, so a failover can be agreed. */
    public void awaitReadyForFailover() {
        for (RedisNode s : sentinels) {
            RedisNode.waitUntil(Duration.ofSeconds(30), "sentinel " + s.port() + " to know its peers and the replica", () -> {
                String info = s.with(c -> c.info("sentinel"));
                return info.contains("slaves=1") && info.contains("sentinels=3");
            });
        }
    }

    public RedisNode master() {
        return master;
    }

    public RedisNode replica() {
        return replica;
    }

    @Override
    public void close() {
        sentinels.forEach(RedisNode::close);
        replica.close();
        master.close();
    }
}
