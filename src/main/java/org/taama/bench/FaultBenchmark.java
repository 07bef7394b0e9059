package org.taama.bench;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import org.taama.config.Config;
import org.taama.consent.ConsentStore;
import org.taama.privacy.CallerHash;
import org.taama.privacy.Secrets;
import org.taama.redis.EmbeddedRedis;
import org.taama.server.Server;

import java.io.File;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;

/**
 * Faults on purpose, with figures (issue 11 §2), and a soak.
 *
 * <p>{@code bench --faults [--callers 8] [--outage-ms 2000]}: a redis-server with the append-only
 * file on, and real servers; simulated callers walk the menus and subscribe (main menu 5, 1, a
 * region) while a fault is made:
 * <ul>
 *   <li>redis: redis-server is SIGKILLed and, after the outage, started again on the same port from
 *       its AOF;</li>
 *   <li>node: one of two nodes (a child JVM) is SIGKILLed; its callers go to the other node, as a
 *       load balancer would send them.</li>
 * </ul>
 * A subscription counts as acknowledged only when the caller saw the "you will receive messages"
 * screen; after the fault every acknowledged subscription must be in Redis (lost must be 0). Any
 * answer that is neither a menu screen nor the apology (a blank, a 500, a refused connection to a
 * live node) is counted as bad.
 *
 * <p>{@code bench --soak [--minutes 10] [--rate 200]}: mixed USSD hops and signed SMS webhooks at a
 * fixed offered rate; heap used after a GC and Redis used_memory at start and end.
 */
final class FaultBenchmark {
    private static final String APOLOGY = "Service indisponible";
    private static final String SUBSCRIBED = "Vous recevrez";
    private static final String[] REGIONS = {"1", "2", "3", "4", "5", "6", "7", "8", "9"};

    private FaultBenchmark() {}

    static void faults(Map<String, String> opt) throws Exception {
        int callers = Integer.parseInt(opt.getOrDefault("callers", "8"));
        long outageMs = Long.parseLong(opt.getOrDefault("outage-ms", "2000"));
        List<String> rows = new ArrayList<>();
        rows.add(redisKill(callers, outageMs));
        rows.add(nodeKill(callers));
        System.out.println();
        System.out.println("Faults (" + callers + " concurrent callers walking to a subscription, redis-server 7.0 appendonly yes, "
                + "appendfsync everysec):");
        System.out.printf("%-34s %9s %9s %6s %5s %6s %9s %12s%n", "scenario", "requests", "apologies", "bad", "acked",
                "lost", "dup", "recovery ms");
        rows.forEach(System.out::println);
        System.out.println("dup: not measured (n/m). recovery: the first good answer after the fault, which may come before"
                + " the outage is seen; the figures to trust are RedisCrashRestartTest's and NodeKilledUnderLoadTest's.");
    }

    // ------------------------------------------------------------------ scenarios

    /** redis-server SIGKILLed under USSD load, down for outageMs, started again on the same port from its AOF. */
    private static String redisKill(int callers, long outageMs) throws Exception {
        Path dir = Files.createTempDirectory("taama-faults-redis");
        EmbeddedRedis redis = EmbeddedRedis.start(dir);
        Server server = Server.start(Config.from(env(redis.url(), 0)));
        Load load = new Load(callers, () -> server.port());
        try {
            load.start();
            Thread.sleep(3000);
            long pid = redisPid(redis.url());
            long fault = System.nanoTime();
            load.markFault(fault);
            kill(pid);
            Thread.sleep(outageMs);
            redis = EmbeddedRedis.start(dir, redis.port());
            long restarted = System.nanoTime();
            load.awaitGoodAfter(restarted, 30_000);
            Thread.sleep(3000);
            load.stop();
            int lost = lost(redis.url(), load.acked);
            return load.row("redis SIGKILL + AOF restart (" + outageMs + " ms)", lost);
        } finally {
            load.stop();
            server.close();
            redis.close();
        }
    }

    /** Two nodes on one Redis; the child-JVM node is SIGKILLed, its callers move to the in-process node. */
    private static String nodeKill(int callers) throws Exception {
        Path dir = Files.createTempDirectory("taama-faults-node");
        EmbeddedRedis redis = EmbeddedRedis.start(dir);
        Server survivor = Server.start(Config.from(env(redis.url(), 0)));
        int childPort = freePort();
        ProcessBuilder pb = new ProcessBuilder(javaBinary(), "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                "org.taama.Main", "serve");
        pb.environment().putAll(env(redis.url(), childPort));
        pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        Process child = pb.start();
        AtomicBoolean childUp = new AtomicBoolean(true);
        try {
            awaitHealth(childPort, 60_000);
            // Half the callers on each node while both live; the load balancer's view: the dead node's callers go to the other.
            AtomicLong n = new AtomicLong();
            Load load = new Load(callers, () -> childUp.get() && (n.incrementAndGet() % 2 == 0) ? childPort : survivor.port());
            try {
                load.start();
                Thread.sleep(3000);
                long fault = System.nanoTime();
                load.markFault(fault);
                child.destroyForcibly(); // SIGKILL on POSIX
                child.waitFor(10, TimeUnit.SECONDS);
                // The balancer's health check notices after its interval; until then callers may still be sent to the dead node.
                Thread.sleep(1000);
                childUp.set(false);
                load.awaitGoodAfter(System.nanoTime(), 30_000);
                Thread.sleep(3000);
                load.stop();
                return load.row("node SIGKILL (1 of 2, 1 s LB check)", lost(redis.url(), load.acked));
            } finally {
                load.stop();
            }
        } finally {
            child.destroyForcibly();
            survivor.close();
            redis.close();
        }
    }

    // ------------------------------------------------------------------ soak

    static void soak(Map<String, String> opt) throws Exception {
        double minutes = Double.parseDouble(opt.getOrDefault("minutes", "10"));
        int rate = Integer.parseInt(opt.getOrDefault("rate", "200"));
        Path dir = Files.createTempDirectory("taama-soak");
        try (EmbeddedRedis redis = EmbeddedRedis.start(dir)) {
            Server server = Server.start(Config.from(env(redis.url(), 0)));
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            AtomicLong served = new AtomicLong(), errors = new AtomicLong(), apologies = new AtomicLong();
            String ussd = "http://127.0.0.1:" + server.port() + "/ussd/africastalking";
            String sms = "http://127.0.0.1:" + server.port() + "/twilio/messages";
            List<Benchmark.Texter> texters = new ArrayList<>();
            for (int i = 0; i < 500; i++) texters.add(new Benchmark.Texter(Benchmark.PUBLIC_URL + "/twilio/messages"));
            List<Walker> walkers = new ArrayList<>();
            for (int i = 0; i < 500; i++) walkers.add(new Walker());
            // A short warm-up so "start" is the running server, not the class loading.
            runFor(http, ussd, sms, walkers, texters, rate, 10_000, new AtomicLong(), new AtomicLong(), new AtomicLong());
            long heap0 = heapAfterGc();
            long mem0 = usedMemory(redis.url());
            long keys0 = dbsize(redis.url());
            long t0 = System.nanoTime();
            runFor(http, ussd, sms, walkers, texters, rate, (long) (minutes * 60_000), served, errors, apologies);
            double secs = (System.nanoTime() - t0) / 1e9;
            long heap1 = heapAfterGc();
            long mem1 = usedMemory(redis.url());
            long keys1 = dbsize(redis.url());
            System.out.printf("Soak: %.1f min of mixed traffic (2/3 USSD hops, 1/3 signed SMS webhooks), %d req/s offered%n",
                    secs / 60, rate);
            System.out.printf("  requests served %d (%.0f/s), errors %d, apologies %d%n", served.get(), served.get() / secs,
                    errors.get(), apologies.get());
            System.out.printf("  heap used after GC: start %.1f MB, end %.1f MB%n", heap0 / 1e6, heap1 / 1e6);
            System.out.printf("  Redis used_memory: start %.1f MB, end %.1f MB; keys: start %d, end %d%n", mem0 / 1e6,
                    mem1 / 1e6, keys0, keys1);
            server.close();
        }
    }

    private static void runFor(HttpClient http, String ussd, String sms, List<Walker> walkers, List<Benchmark.Texter> texters,
            int rate, long ms, AtomicLong served, AtomicLong errors, AtomicLong apologies) throws InterruptedException {
        long start = System.nanoTime();
        long periodNs = 1_000_000_000L / rate;
        AtomicLong inFlight = new AtomicLong();
        for (long i = 0; System.nanoTime() - start < ms * 1_000_000L; i++) {
            long due = start + i * periodNs;
            long wait = due - System.nanoTime();
            if (wait > 0) TimeUnit.NANOSECONDS.sleep(wait);
            if (inFlight.get() > 2000) { // the server is far behind: count it, do not pile up without bound
                errors.incrementAndGet();
                continue;
            }
            HttpRequest req;
            if (i % 3 == 2) {
                String[] r;
                Benchmark.Texter t = texters.get((int) (i % texters.size()));
                synchronized (t) {
                    r = t.next();
                }
                req = HttpRequest.newBuilder(URI.create(sms)).timeout(Duration.ofSeconds(5))
                        .header("Content-Type", "application/x-www-form-urlencoded").header("X-Twilio-Signature", r[1])
                        .POST(HttpRequest.BodyPublishers.ofString(r[0])).build();
            } else {
                Walker w = walkers.get((int) (i % walkers.size()));
                String body;
                synchronized (w) {
                    body = w.nextRandom();
                }
                req = form(ussd, body);
            }
            inFlight.incrementAndGet();
            http.sendAsync(req, HttpResponse.BodyHandlers.ofString()).whenComplete((resp, err) -> {
                inFlight.decrementAndGet();
                if (err != null || resp.statusCode() != 200 || resp.body().isBlank()) errors.incrementAndGet();
                else {
                    served.incrementAndGet();
                    if (resp.body().contains(APOLOGY)) apologies.incrementAndGet();
                }
            });
        }
        while (inFlight.get() > 0 && System.nanoTime() - start < (ms + 10_000) * 1_000_000L) Thread.sleep(10);
    }

    // ------------------------------------------------------------------ load

    /** One USSD session as Africa's Talking sends it: the whole path so far in {@code text}. */
    private static final class Walker {
        private static final AtomicLong SEQ = new AtomicLong();
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
            session = "fault-" + n + "-" + System.nanoTime();
            text = null;
            hops = 0;
        }

        String body() {
            return "sessionId=" + session + "&serviceCode=*123%23&phoneNumber=" + number.replace("+", "%2B")
                    + "&networkCode=61002&text=" + (text == null ? "" : text.replace("*", "%2A"));
        }

        String nextRandom() {
            if (hops++ >= 2 + ThreadLocalRandom.current().nextInt(4)) fresh();
            if (text == null) text = "";
            else {
                String[] inputs = {"1", "2", "1", "3", "4", "98", "0", "00", "1", "5"};
                String in = inputs[ThreadLocalRandom.current().nextInt(inputs.length)];
                text = text.isEmpty() ? in : text + "*" + in;
            }
            return body();
        }
    }

    /**
     * Callers, each on its own thread, dialling and subscribing: "" (main menu), "5" (messages), "5*1"
     * (sign up: regions), "5*1*R" (done). An apology or an error restarts the session after a short pause,
     * as a person redialling would.
     */
    private static final class Load {
        final int callers;
        final IntSupplier port;
        final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        final Set<String> acked = ConcurrentHashMap.newKeySet();
        final AtomicLong requests = new AtomicLong(), apologies = new AtomicLong(), bad = new AtomicLong();
        final AtomicBoolean running = new AtomicBoolean();
        volatile long faultAt;
        volatile long firstGoodAfterFault;
        final List<Thread> threads = new ArrayList<>();

        Load(int callers, IntSupplier port) {
            this.callers = callers;
            this.port = port;
        }

        void start() {
            running.set(true);
            for (int i = 0; i < callers; i++) {
                Thread t = new Thread(this::caller, "fault-caller-" + i);
                t.setDaemon(true);
                t.start();
                threads.add(t);
            }
        }

        void markFault(long at) {
            firstGoodAfterFault = 0;
            faultAt = at;
        }

        void stop() throws InterruptedException {
            running.set(false);
            for (Thread t : threads) t.join(5000);
        }

        void awaitGoodAfter(long since, long timeoutMs) throws InterruptedException {
            long end = System.nanoTime() + timeoutMs * 1_000_000L;
            while (System.nanoTime() < end && firstGoodAfterFault < since) Thread.sleep(5);
        }

        private void caller() {
            Walker w = new Walker();
            String[] path = {null, "5", "5*1", null};
            while (running.get()) {
                w.fresh();
                boolean ok = true;
                for (int step = 0; step < path.length && ok && running.get(); step++) {
                    String portNow = Integer.toString(port.getAsInt());
                    w.text = step == 0 ? null : step == 3 ? "5*1*" + REGIONS[ThreadLocalRandom.current().nextInt(REGIONS.length)]
                            : path[step];
                    String answer = send("http://127.0.0.1:" + portNow + "/ussd/africastalking", w.body());
                    if (answer == null) {
                        ok = false;
                    } else if (answer.contains(APOLOGY)) {
                        apologies.incrementAndGet();
                        ok = false;
                    } else if (step == 3) {
                        if (answer.contains(SUBSCRIBED)) acked.add(w.number);
                        else bad.incrementAndGet();
                    }
                    if (ok) good();
                }
                if (!ok) pause(100);
            }
        }

        private void good() {
            long now = System.nanoTime();
            if (faultAt != 0 && firstGoodAfterFault < faultAt) firstGoodAfterFault = now;
        }

        /** The screen, or null after counting a blank, a non-200 or a failed request. */
        private String send(String url, String body) {
            requests.incrementAndGet();
            try {
                HttpResponse<String> r = http.send(form(url, body),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() != 200 || r.body().isBlank() || !(r.body().startsWith("CON ") || r.body().startsWith("END "))) {
                    if (bad.incrementAndGet() == 1) System.err.println("first bad answer: " + r.statusCode() + " " + r.body());
                    return null;
                }
                return r.body();
            } catch (Exception e) {
                if (bad.incrementAndGet() == 1) System.err.println("first bad answer: " + e);
                return null;
            }
        }

        String row(String name, int lost) {
            long recovery = firstGoodAfterFault > faultAt ? (firstGoodAfterFault - faultAt) / 1_000_000 : -1;
            return String.format("%-34s %9d %9d %6d %5d %6d %9s %12d", name, requests.get(), apologies.get(), bad.get(),
                    acked.size(), lost, "n/m", recovery);
        }
    }

    private static void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ------------------------------------------------------------------ parts

    private static HttpRequest form(String url, String body) {
        return HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    static Map<String, String> env(String redisUrl, int port) {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("PORT", Integer.toString(port));
        env.put("REDIS_URL", redisUrl);
        env.put("HASH_KEY", Benchmark.HASH_KEY);
        env.put("ENCRYPTION_KEY", Benchmark.HASH_KEY);
        env.put("TWILIO_AUTH_TOKEN", Benchmark.TWILIO_TOKEN);
        env.put("PUBLIC_BASE_URL", Benchmark.PUBLIC_URL);
        env.put("ADMIN_USERNAME", Benchmark.ADMIN);
        env.put("ADMIN_PASSWORD", Benchmark.ADMIN_PASSWORD);
        return env;
    }

    /** Acknowledged subscriptions whose consent record does not say "in". */
    private static int lost(String redisUrl, Set<String> acked) {
        CallerHash hash = new CallerHash(Secrets.decode("HASH_KEY", Benchmark.HASH_KEY, 32));
        RedisClient client = RedisClient.create(redisUrl);
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            RedisCommands<String, String> cmd = c.sync();
            int lost = 0;
            for (String number : acked) {
                if (!"in".equals(cmd.hget(ConsentStore.key(hash.of(number)), "status"))) lost++;
            }
            return lost;
        } finally {
            client.shutdown();
        }
    }

    private static String info(String redisUrl, String section) {
        RedisClient client = RedisClient.create(redisUrl);
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            return c.sync().info(section);
        } finally {
            client.shutdown();
        }
    }

    private static long infoField(String redisUrl, String section, String field) {
        for (String line : info(redisUrl, section).split("\r?\n")) {
            if (line.startsWith(field + ":")) return Long.parseLong(line.substring(field.length() + 1).strip());
        }
        throw new IllegalStateException("INFO " + section + " has no " + field);
    }

    private static long redisPid(String redisUrl) {
        return infoField(redisUrl, "server", "process_id");
    }

    private static long usedMemory(String redisUrl) {
        return infoField(redisUrl, "memory", "used_memory");
    }

    private static long dbsize(String redisUrl) {
        RedisClient client = RedisClient.create(redisUrl);
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            return c.sync().dbsize();
        } finally {
            client.shutdown();
        }
    }

    private static void kill(long pid) throws Exception {
        Process p = new ProcessBuilder("kill", "-KILL", Long.toString(pid)).inheritIO().start();
        if (!p.waitFor(5, TimeUnit.SECONDS) || p.exitValue() != 0) throw new IllegalStateException("kill -KILL " + pid + " failed");
        // Wait until the port is free, so the restart binds the same one.
        ProcessHandle.of(pid).ifPresent(h -> h.onExit().orTimeout(5, TimeUnit.SECONDS).join());
    }

    private static long heapAfterGc() {
        System.gc();
        pause(200);
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static void awaitHealth(int port, long timeoutMs) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long end = System.currentTimeMillis() + timeoutMs;
        while (System.currentTimeMillis() < end) {
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
                        .timeout(Duration.ofSeconds(1)).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) return;
            } catch (Exception e) {
                // not up yet
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("the child node did not answer /health on port " + port);
    }

    private static String javaBinary() {
        return ProcessHandle.current().info().command().orElse(System.getProperty("java.home") + File.separator + "bin"
                + File.separator + "java");
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
