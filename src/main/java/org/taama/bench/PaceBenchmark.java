package org.taama.bench;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import org.taama.pace.SenderPace;
import org.taama.redis.EmbeddedRedis;
import org.taama.redis.Redis;

import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code bench --pace [--rate R] [--burst B] [--seconds 60] [--warmup 2] [--mode take|book]}: two
 * "nodes" (two Vert.x instances, each with its own Redis connection) send as one sender as fast as
 * {@link SenderPace} lets them, on an embedded Redis, for {@code --seconds}; without {@code --rate},
 * at 10/s then 100/s; without {@code --mode}, both ways.
 *
 * <p>take: each node's loop asks, and on "go" counts a message and asks again after the hint it was
 * given; on "wait" it sets a timer for the wait. book: each node books the next slot up to 1 s
 * ahead, sends (counts) when it comes, and books the next. The rate is measured after {@code --warmup} seconds so the
 * burst the sender starts with is not counted as pace; the whole run is held against rate × time +
 * burst too. Round trips are Redis's own count of EVALSHA and EVAL calls (INFO commandstats).
 */
final class PaceBenchmark {
    private static final String SENDER = "+22370000000";

    private PaceBenchmark() {}

    static void run(Map<String, String> opt) throws Exception {
        int seconds = Integer.parseInt(opt.getOrDefault("seconds", "60"));
        int warmup = Integer.parseInt(opt.getOrDefault("warmup", "2"));
        List<Integer> rates = opt.containsKey("rate") ? List.of(Integer.parseInt(opt.get("rate"))) : List.of(10, 100);
        try (EmbeddedRedis redis = EmbeddedRedis.start(Files.createTempDirectory("taama-bench-pace"))) {
            System.out.printf("Sending pace: 2 nodes (own Vert.x, own Redis connection), one sender, redis-server 7.0 "
                    + "(embedded) on loopback, %d cores; %d s each, rate measured after a %d s warm-up%n%n",
                    Runtime.getRuntime().availableProcessors(), seconds, warmup);
            List<String> modes = opt.containsKey("mode") ? List.of(opt.get("mode")) : List.of("take", "book");
            for (String mode : modes) {
                if (!List.of("take", "book").contains(mode)) throw new IllegalArgumentException("--mode take or book");
                for (int rate : rates) {
                    int burst = Integer.parseInt(opt.getOrDefault("burst", Integer.toString(rate)));
                    once(redis.url(), mode.equals("book"), rate, burst, seconds, warmup);
                }
            }
        }
    }

    private static void once(String url, boolean book, int rate, int burst, int seconds, int warmup) throws Exception {
        List<Vertx> vertxes = new ArrayList<>();
        List<Redis> conns = new ArrayList<>();
        for (int n = 0; n < 2; n++) {
            Vertx v = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
            vertxes.add(v);
            conns.add(Redis.connect(v, url, false, Duration.ofSeconds(2)));
        }
        try {
            Await.of(conns.get(0).del(SenderPace.key(SENDER)));
            long scriptsBefore = scriptCalls(conns.get(0));
            long start = System.nanoTime();
            long measureFrom = start + TimeUnit.SECONDS.toNanos(warmup);
            long end = start + TimeUnit.SECONDS.toNanos(seconds);
            Node[] nodes = new Node[2];
            List<CompletableFuture<Void>> done = new ArrayList<>();
            for (int n = 0; n < 2; n++) {
                nodes[n] = new Node(vertxes.get(n), new SenderPace(conns.get(n), rate, burst), book, measureFrom, end);
                done.add(nodes[n].done);
                Node node = nodes[n];
                vertxes.get(n).runOnContext(x -> node.ask());
            }
            CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).get(seconds + 60L, TimeUnit.SECONDS);
            double runSeconds = (System.nanoTime() - start) / 1e9;
            double measuredSeconds = (end - measureFrom) / 1e9;
            long roundTrips = scriptCalls(conns.get(0)) - scriptsBefore;

            long granted = 0, inWindow = 0, asked = 0, failed = 0;
            for (Node node : nodes) {
                granted += node.granted.get();
                inWindow += node.inWindow.get();
                asked += node.asked.get();
                failed += node.failed.get();
            }
            double total = inWindow / measuredSeconds;
            System.out.printf("SENDER_RATE %d/s, burst %d, %s:%n", rate, burst,
                    book ? "book (slot booked up to 1 s ahead, sent when it comes)" : "take (go, or wait and ask again)");
            for (int n = 0; n < 2; n++) {
                System.out.printf("  node %d: %.2f msg/s (%d messages, %d asks)%n", n + 1,
                        nodes[n].inWindow.get() / measuredSeconds, nodes[n].granted.get(), nodes[n].asked.get());
            }
            System.out.printf("  total:  %.3f msg/s over %.0f s = %+.2f%% vs SENDER_RATE%n", total, measuredSeconds,
                    100.0 * (total - rate) / rate);
            System.out.printf("  whole run: %d messages in %.2f s, ceiling rate x time + burst = %.0f%n", granted,
                    runSeconds, rate * runSeconds + burst);
            System.out.printf("  Redis round trips: %d scripts (EVALSHA+EVAL) for %d messages = %.2f per message "
                    + "(%d asks by the nodes, %d failed)%n%n", roundTrips, granted, (double) roundTrips / granted, asked, failed);
        } finally {
            for (Redis r : conns) r.close();
            for (Vertx v : vertxes) v.close().await(10, TimeUnit.SECONDS);
        }
    }

    /** Calls of EVALSHA and EVAL Redis has run since it started. */
    private static long scriptCalls(Redis redis) {
        String info = Await.of(io.vertx.core.Future.fromCompletionStage(redis.commands().info("commandstats")));
        long calls = 0;
        for (String line : info.split("\r?\n")) {
            if (line.startsWith("cmdstat_evalsha:") || line.startsWith("cmdstat_eval:")) {
                int at = line.indexOf("calls=") + 6;
                calls += Long.parseLong(line.substring(at, line.indexOf(',', at)));
            }
        }
        return calls;
    }

    /** One node's sending loop: ask, send on "go" (counted), and ask again when told. */
    private static final class Node {
        final Vertx vertx;
        final SenderPace pace;
        final boolean book;
        final long measureFrom, end;
        final AtomicLong granted = new AtomicLong(), inWindow = new AtomicLong(), asked = new AtomicLong(),
                failed = new AtomicLong();
        final CompletableFuture<Void> done = new CompletableFuture<>();

        Node(Vertx vertx, SenderPace pace, boolean book, long measureFrom, long end) {
            this.vertx = vertx;
            this.pace = pace;
            this.book = book;
            this.measureFrom = measureFrom;
            this.end = end;
        }

        void ask() {
            if (System.nanoTime() >= end) {
                done.complete(null);
                return;
            }
            asked.incrementAndGet();
            if (book) {
                pace.book(SENDER, 1, Duration.ofSeconds(1)).onComplete(r -> {
                    if (r.failed()) {
                        failed.incrementAndGet();
                        later(100);
                    } else if (r.result().booked() && r.result().delayMillis() == 0) {
                        sent();
                        ask();
                    } else if (r.result().booked()) {
                        vertx.setTimer(r.result().delayMillis(), t -> {
                            sent();
                            ask();
                        });
                    } else {
                        later(r.result().delayMillis());
                    }
                });
                return;
            }
            pace.take(SENDER, 1).onComplete(r -> {
                if (r.failed()) {
                    failed.incrementAndGet();
                    later(100);
                    return;
                }
                if (r.result().go()) sent();
                later(r.result().waitMillis());
            });
        }

        /** A message goes now: counted when inside the run, and in the measured window. */
        private void sent() {
            long now = System.nanoTime();
            if (now >= end) return;
            granted.incrementAndGet();
            if (now >= measureFrom) inWindow.incrementAndGet();
        }

        private void later(long millis) {
            if (millis <= 0) ask();
            else vertx.setTimer(millis, t -> ask());
        }
    }

    /** Blocking wait on the bench's own thread (never an event loop). */
    private static final class Await {
        static <T> T of(io.vertx.core.Future<T> f) {
            try {
                return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
