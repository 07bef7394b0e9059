package org.taama.stats;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.taama.redis.Redis;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Pushes the dashboard and the log to every open page on this node, the same on every node: each node
 * that counted something publishes one notice per flush on {@link Buckets#CHANGED}; every node hears
 * every notice, reads the buckets still moving and the new log entries once (one pipelined round trip,
 * whatever the number of pages open), and hands the result to its pages through the local event bus.
 * Notices closer together than {@link #GAP_MS} make one read, so many nodes cost no more than one.
 * Nothing is read while no page is open.
 */
public final class Live implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Live.class);
    static final long GAP_MS = 250;
    public static final String LOG_ADDRESS = "taama.live.log";

    private final Vertx vertx;
    private final Redis redis;
    private final StatsView view;
    private final MessageLog messages;
    private final Map<Range, AtomicInteger> watchers = new EnumMap<>(Range.class);
    private final AtomicInteger logWatchers = new AtomicInteger();
    private Context context;
    private AutoCloseable subscription;
    private boolean reading;
    private boolean again;
    private boolean timerSet;
    private long lastRead;
    private String lastLogId = "0-0";

    public Live(Vertx vertx, Redis redis, StatsView view, MessageLog messages) {
        this.vertx = vertx;
        this.redis = redis;
        this.view = view;
        this.messages = messages;
        for (Range r : Range.values()) watchers.put(r, new AtomicInteger());
    }

    public static String address(Range range) {
        return "taama.live.stats." + range.id();
    }

    /** Subscribes to the notices (blocking: call at start-up). */
    public Live start() {
        context = vertx.getOrCreateContext();
        context.runOnContext(v -> skipLogSoFar());
        subscription = redis.subscribe(Buckets.CHANGED, context, m -> changed());
        return this;
    }

    /** A page showing this range opened (+1) or closed (-1). */
    public void watch(Range range, int delta) {
        watchers.get(range).addAndGet(delta);
    }

    public void watchLog(int delta) {
        if (logWatchers.addAndGet(delta) == 1 && delta > 0) {
            context.runOnContext(v -> skipLogSoFar());
        }
    }

    /** The log so far is what a page reads when it opens; live updates carry what comes after. */
    private void skipLogSoFar() {
        messages.latest(1).onSuccess(l -> {
            if (!l.isEmpty()) lastLogId = l.get(0).getString("id");
        });
    }

    /** Pages open on this node. */
    public int open() {
        int n = logWatchers.get();
        for (AtomicInteger w : watchers.values()) n += w.get();
        return n;
    }

    private void changed() {
        if (reading) {
            again = true;
            return;
        }
        long wait = lastRead + GAP_MS - System.currentTimeMillis();
        if (wait > 0) {
            if (!timerSet) {
                timerSet = true;
                vertx.setTimer(wait, t -> {
                    timerSet = false;
                    changed();
                });
            }
            return;
        }
        read();
    }

    private void read() {
        Set<Range> watched = EnumSet.noneOf(Range.class);
        watchers.forEach((r, n) -> {
            if (n.get() > 0) watched.add(r);
        });
        boolean logs = logWatchers.get() > 0;
        if (watched.isEmpty() && !logs) return;
        reading = true;
        lastRead = System.currentTimeMillis();
        var tails = watched.isEmpty() ? io.vertx.core.Future.<Map<Range, JsonObject>>succeededFuture(Map.of()) : view.tails(watched);
        var entries = logs ? messages.after(lastLogId, 200) : io.vertx.core.Future.<List<JsonObject>>succeededFuture(List.of());
        io.vertx.core.Future.all(tails, entries).onComplete(ar -> {
            reading = false;
            if (ar.succeeded()) {
                tails.result().forEach((r, json) -> vertx.eventBus().publish(address(r), json.encode()));
                List<JsonObject> fresh = entries.result();
                if (!fresh.isEmpty()) {
                    lastLogId = fresh.get(fresh.size() - 1).getString("id");
                    vertx.eventBus().publish(LOG_ADDRESS, new JsonObject().put("entries", new JsonArray(List.copyOf(fresh))).encode());
                }
            } else {
                log.warn("live dashboard read failed: {}", ar.cause().getClass().getName());
            }
            if (again) {
                again = false;
                changed();
            }
        });
    }

    @Override
    public void close() {
        try {
            if (subscription != null) subscription.close();
        } catch (Exception ignored) {
            // shutting down
        }
    }
}
