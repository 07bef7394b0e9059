package org.taama.operators;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import org.taama.web.BadRequest;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Where passwords are hashed: a few threads of their own with a short queue, apart from Vert.x's
 * worker pool, so a flood of sign-ins never takes the workers the callers' requests need. Each
 * thread rests after a hash for as long as the hash took, so hashing uses at most half of its
 * threads' time: on two cores, a quarter of the machine however many sign-ins arrive (a person
 * signing in waits a quarter of a second more; USSD keeps the rest). When the queue is full the
 * sign-in is refused at once (503, try again in a few seconds) rather than queued without end.
 */
public final class PasswordHashing {
    /** Half the cores, at least one: the other half stays for USSD and chat whatever the sign-ins do. */
    public static final int THREADS = Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
    public static final int QUEUE = 16;
    private static final AtomicInteger POOLS = new AtomicInteger();

    private final Vertx vertx;
    private final ThreadPoolExecutor pool;
    private final AtomicLong checks = new AtomicLong();
    /** Sign-ins holding a place in the pool (running, queued, or on their way to it). */
    private final AtomicInteger places = new AtomicInteger();
    private final int capacity;

    public PasswordHashing(Vertx vertx) {
        this(vertx, THREADS, QUEUE);
    }

    PasswordHashing(Vertx vertx, int threads, int queue) {
        this.vertx = vertx;
        this.capacity = threads + queue;
        int n = POOLS.incrementAndGet();
        AtomicInteger seq = new AtomicInteger();
        this.pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(queue), r -> {
            Thread t = new Thread(r, "taama-password-" + n + "-" + seq.incrementAndGet());
            t.setDaemon(true);
            t.setPriority(Thread.MIN_PRIORITY);
            return t;
        }, new ThreadPoolExecutor.AbortPolicy());
        pool.allowCoreThreadTimeOut(true);
    }

    /**
     * A place in the pool for one sign-in, taken before anything else is done for it, so that when the
     * pool is full a sign-in is refused at once, without a Redis round trip. Null when full. Give it
     * back with {@link Place#release()} (idempotent) once the sign-in is answered.
     */
    public Place reserve() {
        while (true) {
            int n = places.get();
            if (n >= capacity) return null;
            if (places.compareAndSet(n, n + 1)) return new Place();
        }
    }

    /** One reserved place. */
    public final class Place {
        private final java.util.concurrent.atomic.AtomicBoolean held = new java.util.concurrent.atomic.AtomicBoolean(true);

        public void release() {
            if (held.compareAndSet(true, false)) places.decrementAndGet();
        }
    }

    /** The refusal when the pool is full: passes in a few seconds. */
    public static BadRequest busy() {
        return new BadRequest(503, "too many sign-ins at once; try again in a few seconds", 2);
    }

    /** Checks a password against a stored hash (got on the pool: it may be slow to make), counted in {@link #checks()}. */
    public Future<Boolean> verify(String password, Supplier<String> stored) {
        return run(() -> {
            checks.incrementAndGet();
            return Accounts.verify(password, stored.get());
        });
    }

    /** Runs slow work (hashing) on this pool; the answer comes back on the caller's context. */
    public <T> Future<T> run(Callable<T> work) {
        Context ctx = Vertx.currentContext() != null ? Vertx.currentContext() : vertx.getOrCreateContext();
        Promise<T> promise = Promise.promise();
        try {
            pool.execute(() -> {
                long start = System.nanoTime();
                try {
                    T result = work.call();
                    ctx.runOnContext(v -> promise.complete(result));
                } catch (Throwable e) {
                    ctx.runOnContext(v -> promise.fail(e));
                }
                rest(System.nanoTime() - start);
            });
        } catch (RejectedExecutionException e) {
            return Future.failedFuture(busy());
        }
        return promise.future();
    }

    /** After work that took {@code nanos}, as long again (at most a second): the pool's CPU budget. */
    private static void rest(long nanos) {
        try {
            TimeUnit.NANOSECONDS.sleep(Math.min(nanos, TimeUnit.SECONDS.toNanos(1)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** How many passwords were checked since start (a metric, and what the tests count). */
    public long checks() {
        return checks.get();
    }

    public void close() {
        pool.shutdownNow();
    }
}
