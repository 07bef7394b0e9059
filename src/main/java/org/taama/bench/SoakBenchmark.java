package org.taama.bench;

import org.taama.config.Config;
import org.taama.redis.EmbeddedRedis;
import org.taama.server.Server;

import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code bench --soak [--minutes 10] [--rate 200]}: mixed USSD hops and signed SMS webhooks at a fixed
 * offered rate on a real server and redis-server; heap used after a GC and Redis used_memory (and keys)
 * at start and end, so a leak shows as growth that a steady load does not explain.
 */
final class SoakBenchmark {
    /** Requests outstanding beyond which the server is far behind: counted as errors, not piled up. */
    private static final int MAX_OUTSTANDING = 2000;

    private SoakBenchmark() {}

    static void run(Map<String, String> opt) throws Exception {
        double minutes = Double.parseDouble(opt.getOrDefault("minutes", "10"));
        int rate = Integer.parseInt(opt.getOrDefault("rate", "200"));
        Path dir = Files.createTempDirectory("taama-soak");
        try (EmbeddedRedis redis = EmbeddedRedis.start(dir)) {
            Server server = Server.start(Config.from(FaultBenchmark.env(redis.url())));
            try {
                Traffic traffic = new Traffic(server.port());
                // A short warm-up so "start" is the running server, not the class loading.
                traffic.runFor(rate, 10_000, new Counts());
                long heap0 = heapAfterGc();
                long mem0 = RedisInfo.usedMemory(redis.url());
                long keys0 = RedisInfo.dbsize(redis.url());
                Counts counts = new Counts();
                long t0 = System.nanoTime();
                traffic.runFor(rate, (long) (minutes * 60_000), counts);
                double secs = (System.nanoTime() - t0) / 1e9;
                long heap1 = heapAfterGc();
                long mem1 = RedisInfo.usedMemory(redis.url());
                long keys1 = RedisInfo.dbsize(redis.url());
                System.out.printf("Soak: %.1f min of mixed traffic (2/3 USSD hops, 1/3 signed SMS webhooks), %d req/s offered, "
                        + "%d cores%n", secs / 60, rate, Runtime.getRuntime().availableProcessors());
                System.out.printf("  requests served %d (%.0f/s), errors %d, apologies %d, slowest %d ms%n", counts.served.get(),
                        counts.served.get() / secs, counts.errors.get(), counts.apologies.get(), counts.slowestMs.get());
                System.out.printf("  heap used after GC: start %.1f MB, end %.1f MB%n", heap0 / 1e6, heap1 / 1e6);
                System.out.printf("  Redis used_memory: start %.1f MB, end %.1f MB; keys: start %d, end %d%n", mem0 / 1e6,
                        mem1 / 1e6, keys0, keys1);
                System.out.println("  keys at the end by kind (those without expiry are what could grow for ever):");
                RedisInfo.keyKinds(redis.url()).forEach((kind, n) -> System.out.printf("    %-44s %7d keys, %7d without expiry%n",
                        kind, n[0], n[1]));
            } finally {
                server.close();
            }
        }
    }

    private static final class Counts {
        final AtomicLong served = new AtomicLong(), errors = new AtomicLong(), apologies = new AtomicLong(),
                slowestMs = new AtomicLong();
    }

    /** USSD walkers and Twilio texters, each request sent on schedule whether or not the last was answered. */
    private static final class Traffic {
        final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        final String ussd;
        final String sms;
        final List<Benchmark.Texter> texters = new ArrayList<>();
        final List<Walker> walkers = new ArrayList<>();

        Traffic(int port) {
            ussd = "http://127.0.0.1:" + port + "/ussd/africastalking";
            sms = "http://127.0.0.1:" + port + "/twilio/messages";
            for (int i = 0; i < 500; i++) texters.add(new Benchmark.Texter(Benchmark.PUBLIC_URL + "/twilio/messages"));
            for (int i = 0; i < 500; i++) walkers.add(new Walker());
        }

        void runFor(int rate, long ms, Counts counts) throws InterruptedException {
            long start = System.nanoTime();
            long periodNs = 1_000_000_000L / rate;
            AtomicLong outstanding = new AtomicLong();
            for (long i = 0; System.nanoTime() - start < ms * 1_000_000L; i++) {
                long due = start + i * periodNs;
                long wait = due - System.nanoTime();
                if (wait > 0) TimeUnit.NANOSECONDS.sleep(wait);
                if (outstanding.get() > MAX_OUTSTANDING) {
                    counts.errors.incrementAndGet();
                    continue;
                }
                outstanding.incrementAndGet();
                http.sendAsync(request(i), HttpResponse.BodyHandlers.ofString()).whenComplete((resp, err) -> {
                    outstanding.decrementAndGet();
                    counts.slowestMs.accumulateAndGet((System.nanoTime() - due) / 1_000_000, Math::max);
                    if (err != null || resp.statusCode() != 200 || resp.body().isBlank()) counts.errors.incrementAndGet();
                    else {
                        counts.served.incrementAndGet();
                        if (resp.body().contains(UssdLoad.APOLOGY)) counts.apologies.incrementAndGet();
                    }
                });
            }
            while (outstanding.get() > 0 && System.nanoTime() - start < (ms + 10_000) * 1_000_000L) Thread.sleep(10);
        }

        /** Every third request a signed SMS webhook, the others a USSD hop. */
        private HttpRequest request(long i) {
            if (i % 3 == 2) {
                Benchmark.Texter t = texters.get((int) (i % texters.size()));
                String[] r;
                synchronized (t) {
                    r = t.next();
                }
                return HttpRequest.newBuilder(URI.create(sms)).timeout(Duration.ofSeconds(5))
                        .header("Content-Type", "application/x-www-form-urlencoded").header("X-Twilio-Signature", r[1])
                        .POST(HttpRequest.BodyPublishers.ofString(r[0])).build();
            }
            Walker w = walkers.get((int) (i % walkers.size()));
            String body;
            synchronized (w) {
                body = w.next();
            }
            return HttpRequest.newBuilder(URI.create(ussd)).timeout(Duration.ofSeconds(5))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        }
    }

    /** One USSD session as Africa's Talking sends it (the whole path so far in {@code text}): 2 to 5 random hops. */
    private static final class Walker {
        private static final AtomicLong SEQ = new AtomicLong();
        private static final String[] INPUTS = {"1", "2", "1", "3", "4", "98", "0", "00", "1", "5"};
        String number;
        String session;
        String text;
        int hops;

        Walker() {
            fresh();
        }

        void fresh() {
            long n = SEQ.incrementAndGet();
            number = "+2237" + String.format("%07d", (n * 7919 + ThreadLocalRandom.current().nextInt(100)) % 10_000_000);
            session = "soak-" + n + "-" + System.nanoTime();
            text = null;
            hops = 0;
        }

        String next() {
            if (hops++ >= 2 + ThreadLocalRandom.current().nextInt(4)) fresh();
            if (text == null) text = "";
            else {
                String in = INPUTS[ThreadLocalRandom.current().nextInt(INPUTS.length)];
                text = text.isEmpty() ? in : text + "*" + in;
            }
            return "sessionId=" + session + "&serviceCode=*123%23&phoneNumber=" + number.replace("+", "%2B")
                    + "&networkCode=61002&text=" + text.replace("*", "%2A");
        }
    }

    private static long heapAfterGc() throws InterruptedException {
        System.gc();
        Thread.sleep(200);
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
