package org.taama.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.KeyValue;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * The one way to Redis: a shared, pipelining Lettuce connection whose answers come back as Vert.x
 * futures on the caller's context. Commands fail fast (timeout, or at once while disconnected) so a
 * caller gets an apology inside the gateway's budget, and the connection heals by itself when Redis
 * returns.
 *
 * <p>Key layout (every key starts with {@code taama:}; keys one request touches together share the
 * caller's hash tag so the same code runs on Redis Cluster):
 * <ul>
 *   <li>{@code taama:{caller}:lang} — the caller's language, {@code LANG_TTL_DAYS}</li>
 *   <li>{@code taama:{caller}:ussd:<gateway>:<session>} — a USSD session, {@code SESSION_TTL_SECONDS}</li>
 * </ul>
 * {@code caller} is the keyed hash of the number ({@link org.taama.privacy.CallerHash}); the number
 * itself is never a key or a value.
 */
public final class Redis implements AutoCloseable {
    private final Vertx vertx;
    private final AutoCloseable client;
    private final ClientResources resources;
    private final StatefulConnection<String, String> connection;
    private final RedisClusterAsyncCommands<String, String> commands;
    private final java.util.function.Supplier<io.lettuce.core.pubsub.StatefulRedisPubSubConnection<String, String>> pubSub;
    /** Opens another connection on the same client; null on a Cluster (see {@link #ownConnection}). */
    private final java.util.function.Supplier<io.lettuce.core.api.StatefulRedisConnection<String, String>> connector;

    private Redis(Vertx vertx, AutoCloseable client, ClientResources resources,
                  StatefulConnection<String, String> connection, RedisClusterAsyncCommands<String, String> commands,
                  java.util.function.Supplier<io.lettuce.core.pubsub.StatefulRedisPubSubConnection<String, String>> pubSub,
                  java.util.function.Supplier<io.lettuce.core.api.StatefulRedisConnection<String, String>> connector) {
        this.pubSub = pubSub;
        this.connector = connector;
        this.vertx = vertx;
        this.client = client;
        this.resources = resources;
        this.connection = connection;
        this.commands = commands;
    }

    /** Connects (blocking: call at start-up, never on an event loop). */
    public static Redis connect(Vertx vertx, String url, boolean cluster, Duration timeout) {
        // Reconnect quickly (at most every 2 s) so service returns soon after Redis does.
        ClientResources resources = DefaultClientResources.builder()
                .reconnectDelay(Delay.exponential(Duration.ofMillis(50), Duration.ofSeconds(2), 2, TimeUnit.MILLISECONDS))
                .build();
        RedisURI uri = RedisURI.create(url);
        uri.setTimeout(timeout);
        TimeoutOptions timeouts = TimeoutOptions.builder().fixedTimeout(timeout).build();
        if (cluster) {
            RedisClusterClient c = RedisClusterClient.create(resources, uri);
            c.setOptions(ClusterClientOptions.builder()
                    .timeoutOptions(timeouts)
                    .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                    .build());
            var conn = c.connect();
            // Lettuce opens the connection to each node on its first command, and a command that finds its
            // node's connection still opening is rejected (we reject rather than queue while disconnected, so
            // an outage answers at once). So every known node is connected before the first caller comes.
            for (var node : c.getPartitions()) {
                conn.getConnection(node.getNodeId());
                conn.getConnection(node.getUri().getHost(), node.getUri().getPort());
            }
            return new Redis(vertx, c::shutdown, resources, conn, conn.async(), c::connectPubSub, null);
        }
        RedisClient c = RedisClient.create(resources, uri);
        c.setOptions(ClientOptions.builder()
                .timeoutOptions(timeouts)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .autoReconnect(true)
                .build());
        var conn = c.connect();
        return new Redis(vertx, c::shutdown, resources, conn, conn.async(), c::connectPubSub, c::connect);
    }

    /**
     * A connection of its own on the same client, for writes followed by {@link #awaitReplicas}: WAIT
     * holds the connection it is sent on until the replicas answer, so it must not be the shared one
     * every caller's commands queue behind. Closing the answer closes only that connection. On a Cluster
     * (where WAIT would reach one node only) the answer is this same shared connection.
     */
    public Redis ownConnection() {
        if (connector == null) return this;
        var conn = connector.get();
        // No client and no resources of its own: those stay with the shared connection's Redis.
        return new Redis(vertx, () -> { }, null, conn, conn.async(), pubSub, null);
    }

    /**
     * Waits until {@code replicas} replicas hold every write sent before on this connection, or
     * {@code timeout} passed; answers how many do.
     */
    public Future<Long> awaitReplicas(int replicas, Duration timeout) {
        return on(commands.waitForReplication(replicas, timeout.toMillis()));
    }

    /**
     * Listens to a pub/sub channel on a connection of its own (a subscribed connection can do nothing
     * else); Lettuce reconnects and subscribes again after Redis comes back. {@code onMessage} runs on
     * {@code context}. Blocking: call at start-up. Close the answer to stop listening.
     */
    public AutoCloseable subscribe(String channel, Context context, java.util.function.Consumer<String> onMessage) {
        var conn = pubSub.get();
        conn.addListener(new io.lettuce.core.pubsub.RedisPubSubAdapter<>() {
            @Override
            public void message(String ch, String message) {
                if (channel.equals(ch)) context.runOnContext(v -> onMessage.accept(message));
            }
        });
        conn.sync().subscribe(channel);
        return conn::close;
    }

    /** Publishes a message; answers how many subscribers got it. */
    public Future<Long> publish(String channel, String message) {
        return on(commands.publish(channel, message));
    }

    /** Values of keys in order; null where a key is absent. */
    public Future<List<String>> mget(String... keys) {
        return on(commands.mget(keys)).map(kvs -> {
            List<String> out = new ArrayList<>(kvs.size());
            for (KeyValue<String, String> kv : kvs) out.add(kv.hasValue() ? kv.getValue() : null);
            return out;
        });
    }

    public Future<String> get(String key) {
        return on(commands.get(key));
    }

    public Future<Void> setex(String key, String value, Duration ttl) {
        return on(commands.set(key, value, SetArgs.Builder.px(ttl.toMillis()))).mapEmpty();
    }

    public Future<Long> del(String... keys) {
        return on(commands.del(keys));
    }

    public Future<Long> ttlMillis(String key) {
        return on(commands.pttl(key));
    }

    /** SET if absent, with expiry: true when this call set it (the first of concurrent callers). */
    public Future<Boolean> setIfAbsent(String key, String value, Duration ttl) {
        return on(commands.set(key, value, SetArgs.Builder.nx().px(ttl.toMillis()))).map("OK"::equals);
    }

    public Future<Void> hset(String key, Map<String, String> fields) {
        return on(commands.hset(key, fields)).mapEmpty();
    }

    public Future<Map<String, String>> hgetall(String key) {
        return on(commands.hgetall(key));
    }

    public Future<Long> hdel(String key, String... fields) {
        return on(commands.hdel(key, fields));
    }

    public Future<Boolean> expire(String key, Duration ttl) {
        return on(commands.pexpire(key, ttl.toMillis()));
    }

    /** Adds to the head of a list and keeps only its newest {@code keep} entries. */
    public Future<Void> pushCapped(String key, String value, int keep) {
        return Future.all(on(commands.lpush(key, value)), on(commands.ltrim(key, 0, keep - 1))).mapEmpty();
    }

    /** Values of fields in order; null where a field is absent. */
    public Future<List<String>> hmget(String key, String... fields) {
        return on(commands.hmget(key, fields)).map(kvs -> {
            List<String> out = new ArrayList<>(kvs.size());
            for (KeyValue<String, String> kv : kvs) out.add(kv.hasValue() ? kv.getValue() : null);
            return out;
        });
    }

    /** One page of ZSCAN (members matching {@code args}, with their scores). */
    public Future<io.lettuce.core.ScoredValueScanCursor<String>> zscan(String key, io.lettuce.core.ScanCursor cursor,
                                                                        io.lettuce.core.ScanArgs args) {
        return on(commands.zscan(key, cursor, args));
    }

    /** One page of HSCAN (fields matching {@code args}, with their values). */
    public Future<io.lettuce.core.MapScanCursor<String, String>> hscan(String key, io.lettuce.core.ScanCursor cursor,
                                                                        io.lettuce.core.ScanArgs args) {
        return on(commands.hscan(key, cursor, args));
    }

    public Future<Long> llen(String key) {
        return on(commands.llen(key));
    }

    public Future<List<String>> range(String key, long start, long stop) {
        return on(commands.lrange(key, start, stop));
    }

    public Future<Long> sadd(String key, String... members) {
        return on(commands.sadd(key, members));
    }

    public Future<Long> srem(String key, String... members) {
        return on(commands.srem(key, members));
    }

    public Future<Boolean> sismember(String key, String member) {
        return on(commands.sismember(key, member));
    }

    public Future<String> ping() {
        return on(commands.ping());
    }

    public Future<Long> incr(String key) {
        return on(commands.incr(key));
    }

    public Future<Long> decr(String key) {
        return on(commands.decr(key));
    }

    /**
     * Runs a Lua script atomically (EVAL). Keep scripts to keys they are given so they run on Redis
     * Cluster too (all keys in one hash slot).
     */
    public <T> Future<T> eval(String script, ScriptOutputType type, String[] keys, String... args) {
        return on(commands.<T>eval(script, type, keys, args));
    }

    /**
     * A Lua script known by its SHA-1, run with {@link #run}: EVALSHA sends 40 characters instead of
     * the body, and the body goes (EVAL, which also caches it) only when a Redis server does not know it
     * yet — its first call, or after a restart or a failover to a replica that never ran it.
     */
    public record Script(String body, String sha1) {
        public static Script of(String body) {
            try {
                byte[] d = java.security.MessageDigest.getInstance("SHA-1")
                        .digest(body.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                return new Script(body, java.util.HexFormat.of().formatHex(d));
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException("SHA-1 is missing from this JVM", e);
            }
        }
    }

    /** Runs a script by EVALSHA, falling back to EVAL once when this Redis answers NOSCRIPT. */
    public <T> Future<T> run(Script script, ScriptOutputType type, String[] keys, String... args) {
        CompletionStage<T> byHash = commands.<T>evalsha(script.sha1(), type, keys, args);
        return on(byHash.exceptionallyCompose(e -> {
            Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
            if (cause instanceof io.lettuce.core.RedisNoScriptException) {
                return commands.<T>eval(script.body(), type, keys, args);
            }
            return java.util.concurrent.CompletableFuture.failedFuture(cause);
        }));
    }

    /** One key to write with {@link #setAll}: its value and how long it lives; see {@link #deletion}. */
    public record Write(String key, String value, Duration ttl) {
        /** A write that deletes the key (a conversation that reached its end). */
        public static Write deletion(String key) {
            return new Write(key, "", Duration.ZERO);
        }
    }

    private static final String SET_ALL = """
            for i = 1, #KEYS do
              if ARGV[2 * i] == '0' then redis.call('DEL', KEYS[i])
              else redis.call('SET', KEYS[i], ARGV[2 * i - 1], 'PX', ARGV[2 * i]) end
            end
            return #KEYS""";

    /**
     * Writes several keys in one script: Redis runs nothing else in between, so a reader (or a retry)
     * sees all of them or none. The keys must share a hash slot (one caller's tag).
     */
    public Future<Void> setAll(List<Write> writes) {
        String[] keys = new String[writes.size()];
        String[] args = new String[2 * writes.size()];
        for (int i = 0; i < writes.size(); i++) {
            keys[i] = writes.get(i).key();
            args[2 * i] = writes.get(i).value();
            args[2 * i + 1] = Long.toString(writes.get(i).ttl().toMillis());
        }
        return this.<Long>eval(SET_ALL, ScriptOutputType.INTEGER, keys, args).mapEmpty();
    }

    private static final String DEL_IF_EQUAL =
            "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0";

    /**
     * Runs {@code work} while holding a short lock on {@code key}: one at a time per key, across
     * nodes. The lock is taken under a random owner token, retried every {@code retry} up to
     * {@code tries} times (by timer, never blocking), expires by itself after {@code ttl} if a node
     * dies, and is released by its owner only. It is released when taking it failed too: a SET that
     * timed out here may still reach Redis (it was only slow), and the release, sent after it, then
     * removes it.
     *
     * @param busy what the failure says when the lock stayed held for every try
     */
    public <T> Future<T> withLock(String key, Duration ttl, Duration retry, int tries, String busy,
                                  java.util.function.Supplier<Future<T>> work) {
        String owner = java.util.UUID.randomUUID().toString();
        return acquire(key, owner, ttl, retry, tries, busy)
                .compose(held -> work.get())
                .andThen(done -> delIfEqual(key, owner));
    }

    private Future<Void> acquire(String key, String owner, Duration ttl, Duration retry, int triesLeft, String busy) {
        return setIfAbsent(key, owner, ttl).compose(got -> {
            if (got) return Future.succeededFuture();
            if (triesLeft <= 0) return Future.failedFuture(new IllegalStateException(busy));
            io.vertx.core.Promise<Void> later = io.vertx.core.Promise.promise();
            vertx.setTimer(retry.toMillis(), t -> acquire(key, owner, ttl, retry, triesLeft - 1, busy).onComplete(later));
            return later.future();
        });
    }

    /** Deletes a key only while it still holds this value (a lock released by its owner only). */
    public Future<Boolean> delIfEqual(String key, String value) {
        return this.<Long>eval(DEL_IF_EQUAL, ScriptOutputType.INTEGER, new String[]{key}, value).map(n -> n == 1);
    }

    public Future<String> hget(String key, String field) {
        return on(commands.hget(key, field));
    }

    public Future<Long> hincrby(String key, String field, long amount) {
        return on(commands.hincrby(key, field, amount));
    }

    public Future<java.util.Set<String>> smembers(String key) {
        return on(commands.smembers(key));
    }

    public Future<Long> zadd(String key, double score, String member) {
        return on(commands.zadd(key, score, member));
    }

    /** ZADD NX: adds the member with this score unless it is there already (then its score stays). */
    public Future<Long> zaddIfAbsent(String key, double score, String member) {
        return on(commands.zadd(key, io.lettuce.core.ZAddArgs.Builder.nx(), score, member));
    }

    public Future<Long> zrem(String key, String... members) {
        return on(commands.zrem(key, members));
    }

    public Future<Long> zcard(String key) {
        return on(commands.zcard(key));
    }

    /** Members by descending score (newest first when scores are times), ranks start..stop inclusive. */
    public Future<List<String>> zrevrange(String key, long start, long stop) {
        return on(commands.zrevrange(key, start, stop));
    }

    /** Members with min &lt;= score &lt;= max, ascending, at most {@code count} of them. */
    public Future<List<String>> zrangeByScore(String key, double min, double max, long count) {
        return on(commands.zrangebyscore(key, min, max, 0, count));
    }

    /**
     * Every key matching a glob pattern, walked with SCAN (never KEYS: it does not block Redis). On
     * Redis Cluster, Lettuce walks every master node.
     */
    public Future<List<String>> scan(String match) {
        List<String> found = new ArrayList<>();
        return scanFrom(io.lettuce.core.ScanCursor.INITIAL, io.lettuce.core.ScanArgs.Builder.matches(match).limit(500), found);
    }

    private Future<List<String>> scanFrom(io.lettuce.core.ScanCursor cursor, io.lettuce.core.ScanArgs args, List<String> found) {
        return on(commands.scan(cursor, args)).compose(page -> {
            found.addAll(page.getKeys());
            return page.isFinished() ? Future.succeededFuture(found) : scanFrom(page, args, found);
        });
    }

    /** The Vert.x instance whose contexts the answers come back on (for executeBlocking beside Redis work). */
    public Vertx vertx() {
        return vertx;
    }

    public boolean isOpen() {
        return connection.isOpen();
    }

    /** The raw Lettuce commands, for the rare caller that needs one not wrapped here. */
    public RedisClusterAsyncCommands<String, String> commands() {
        return commands;
    }

    private <T> Future<T> on(CompletionStage<T> stage) {
        Context ctx = Vertx.currentContext();
        return Future.fromCompletionStage(stage, ctx != null ? ctx : vertx.getOrCreateContext());
    }

    @Override
    public void close() {
        try {
            connection.close();
            client.close();
        } catch (Exception ignored) {
            // closing on shutdown; nothing left to save
        }
        if (resources != null) resources.shutdown();
    }
}
