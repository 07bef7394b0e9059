package org.taama.bench;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import org.HdrHistogram.Histogram;
import org.taama.config.Config;
import org.taama.privacy.CallerHash;
import org.taama.privacy.Secrets;
import org.taama.redis.EmbeddedRedis;
import org.taama.redis.Redis;
import org.taama.server.Server;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Load benchmark: simulated callers walking the real menus of a real server on real Redis, against a
 * floor — a bare Vert.x route doing the same Redis reads and writes per request without the flow
 * engine — in the same run, on the same machine.
 *
 * <p>Two ways of offering load, because they answer different questions:
 * <ul>
 *   <li>closed loop: N callers, each sending its next hop as soon as the last is answered, for T
 *       seconds. This measures throughput; its latency is about N ÷ throughput whatever the code.</li>
 *   <li>open loop: hops sent on a fixed schedule (R per second) whether or not earlier ones were
 *       answered; latency counts from when a hop was due, so a stall is not hidden.</li>
 * </ul>
 * Usage: {@code java -jar target/taama.jar bench [--callers 200] [--seconds 10] [--rate 3000] [--warmup 10] [--rounds 2]}
 *
 * <p>{@code bench --login-flood [--flood-rate 500] [--logins 300] [--accounts 20] [--right 0.5]}: instead, USSD hops at a fixed
 * open-loop rate, first alone, then while {@code --logins} concurrent sign-ins (right and wrong
 * passwords, for a few accounts, each from another address behind a trusted proxy) hit
 * {@code /api/login} without pause; prints the hop latency both ways and what the sign-ins got.
 *
 * <p>{@code bench --pace [--rate R] [--seconds 60]}: the shared per-sender pace on two nodes, see {@link PaceBenchmark}.
 *
 * <p>{@code bench --enqueue [--recipients 100000]} and {@code bench --send-rate [--rate R] [--seconds 60]}: how fast a
 * campaign's audience is queued, and the rate two servers send it at, see {@link CampaignBenchmark}.
 */
public final class Benchmark {
    static final String HASH_KEY = "YmVuY2gtaGFzaC1rZXktYmVuY2gtaGFzaC1rZXktMDA=";
    static final String TWILIO_TOKEN = "bench-auth-token";
    static final String PUBLIC_URL = "https://taama.example.org";
    static final String ADMIN = "bench-admin";
    static final String ADMIN_PASSWORD = "bench-admin-password";

    public static void main(String[] args) throws Exception {
        Map<String, String> opt = options(args);
        if (opt.containsKey("faults")) {
            exitAfter(() -> FaultBenchmark.faults(opt));
        }
        if (opt.containsKey("soak")) {
            exitAfter(() -> SoakBenchmark.run(opt));
        }
        if (opt.containsKey("pace")) {
            PaceBenchmark.run(opt);
            System.exit(0);
        }
        if (opt.containsKey("enqueue")) {
            CampaignBenchmark.enqueue(opt);
            System.exit(0);
        }
        if (opt.containsKey("fake-twilio")) {
            CampaignBenchmark.fakeTwilio(opt);
            return; // serves until stopped
        }
        if (opt.containsKey("send-rate")) {
            CampaignBenchmark.sendRate(opt);
            System.exit(0);
        }
        int callers = Integer.parseInt(opt.getOrDefault("callers", "200"));
        int seconds = Integer.parseInt(opt.getOrDefault("seconds", "10"));
        int rate = Integer.parseInt(opt.getOrDefault("rate", "3000"));
        int warmup = Integer.parseInt(opt.getOrDefault("warmup", "10"));
        int rounds = Integer.parseInt(opt.getOrDefault("rounds", "2"));

        Path dir = Files.createTempDirectory("taama-bench");
        try (EmbeddedRedis redis = EmbeddedRedis.start(dir)) {
            Map<String, String> env = new HashMap<>(System.getenv());
            env.put("PORT", "0");
            env.put("REDIS_URL", redis.url());
            env.putIfAbsent("HASH_KEY", HASH_KEY);
            env.putIfAbsent("ENCRYPTION_KEY", HASH_KEY);
            env.put("TWILIO_AUTH_TOKEN", TWILIO_TOKEN);
            env.put("PUBLIC_BASE_URL", PUBLIC_URL);
            env.put("ADMIN_USERNAME", ADMIN);
            env.put("ADMIN_PASSWORD", ADMIN_PASSWORD);
            // The flood's sign-ins come "through" a proxy on loopback, each from its own address.
            env.put("TRUSTED_PROXIES", "127.0.0.1/32,::1/128");
            Server server = Server.start(Config.from(env));
            if (opt.containsKey("login-flood")) {
                try {
                    loginFlood(server, Integer.parseInt(opt.getOrDefault("flood-rate", "500")),
                            Integer.parseInt(opt.getOrDefault("logins", "300")), Integer.parseInt(opt.getOrDefault("accounts", "20")),
                            Double.parseDouble(opt.getOrDefault("right", "0.5")), seconds, warmup);
                } finally {
                    server.close();
                }
                System.exit(0);
            }
            Vertx floorVertx = Vertx.vertx();
            Redis floorRedis = Redis.connect(floorVertx, redis.url(), false, Duration.ofSeconds(1));
            int floorPort = startFloor(floorVertx, floorRedis, server.config());
            Vertx loadVertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
            try {
                System.out.printf("Taama benchmark: %d cores, redis-server 7.0 (embedded) on loopback, server %d event loops, "
                        + "load generator in the same JVM on 1 event loop%n", Runtime.getRuntime().availableProcessors(),
                        server.config().verticles());
                System.out.printf("Sessions of 2-5 hops walking the real menus; %d s warm-up of each, then %d alternating "
                        + "rounds of %d s each (figures are over all rounds).%n%n", warmup, rounds, seconds);

                // The JIT warms the shared HTTP stack on whichever runs first, so warm both, then
                // alternate the measured runs and add them up.
                closedLoop(loadVertx, floorPort, "/floor", callers, 0, warmup);
                closedLoop(loadVertx, server.port(), "/ussd/africastalking", callers, 0, warmup);
                Result hopClosed = null, floorClosed = null;
                for (int round = 0; round < rounds; round++) {
                    floorClosed = Result.add(floorClosed, closedLoop(loadVertx, floorPort, "/floor", callers, 1, seconds));
                    hopClosed = Result.add(hopClosed,
                            closedLoop(loadVertx, server.port(), "/ussd/africastalking", callers, 1, seconds));
                }
                Result hopOpen = null, floorOpen = null;
                for (int round = 0; round < rounds; round++) {
                    floorOpen = Result.add(floorOpen, openLoop(loadVertx, floorPort, "/floor", rate, 1, seconds));
                    hopOpen = Result.add(hopOpen, openLoop(loadVertx, server.port(), "/ussd/africastalking", rate, 1, seconds));
                }

                System.out.printf("Closed loop, %d callers, no pause:%n", callers);
                System.out.println("  " + hopClosed.line("USSD hop"));
                System.out.println("  " + floorClosed.line("floor   "));
                System.out.printf("  hop throughput = %.0f%% of the floor's%n%n", 100.0 * hopClosed.rps() / floorClosed.rps());
                System.out.printf("Open loop, fixed offered rate %d hops/s (latency from when each hop was due):%n", rate);
                System.out.println("  " + hopOpen.line("USSD hop"));
                System.out.println("  " + floorOpen.line("floor   "));
                System.out.printf("  p99 hop = %.2f ms (aim < 5 ms), p99 ratio hop/floor = %.2f%n%n",
                        hopOpen.p(99) / 1000.0, hopOpen.p(99) / Math.max(1, floorOpen.p(99)));

                // Signed Twilio webhooks: signature check, replay guard, consent keywords, the flow, TwiML.
                java.util.function.Supplier<Person> texters = () -> new Texter(PUBLIC_URL + "/twilio/messages");
                closedLoop(loadVertx, server.port(), "/twilio/messages", texters, callers, 0, warmup);
                Result chatClosed = closedLoop(loadVertx, server.port(), "/twilio/messages", texters, callers, 1,
                        seconds * rounds);
                Result chatOpen = openLoop(loadVertx, server.port(), "/twilio/messages", texters, rate / 3, 1,
                        seconds * rounds);
                System.out.println("Signed Twilio webhooks (POST /twilio/messages):");
                System.out.println("  " + chatClosed.line("closed, " + callers + " texters"));
                System.out.println("  " + chatOpen.line("open, " + (rate / 3) + "/s offered"));
            } finally {
                loadVertx.close().await(10, TimeUnit.SECONDS);
                floorRedis.close();
                floorVertx.close().await(10, TimeUnit.SECONDS);
                server.close();
            }
        }
        System.exit(0);
    }

    private interface Run {
        void run() throws Exception;
    }

    /** Exits 0 after the run, 1 when it throws: its servers' threads would otherwise keep the JVM up after a failure. */
    private static void exitAfter(Run run) {
        try {
            run.run();
        } catch (Throwable t) {
            t.printStackTrace();
            System.exit(1);
        }
        System.exit(0);
    }

    private static int startFloor(Vertx vertx, Redis redis, Config config) throws Exception {
        CallerHash hash = new CallerHash(Secrets.decode("HASH_KEY", HASH_KEY, 32));
        int port;
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        // Same shape as the server: one verticle per event loop, as many as the server deploys.
        vertx.deployVerticle(() -> new FloorVerticle(redis, hash, config, port),
                new DeploymentOptions().setInstances(config.verticles())).await(10, TimeUnit.SECONDS);
        return port;
    }

    /**
     * The floor: parse the same form, then the same Redis work as a hop (MGET of session and
     * language, then SET with expiry), and a constant screen.
     */
    private static final class FloorVerticle extends VerticleBase {
        private final Redis redis;
        private final CallerHash hash;
        private final Config config;
        private final int port;

        FloorVerticle(Redis redis, CallerHash hash, Config config, int port) {
            this.redis = redis;
            this.hash = hash;
            this.config = config;
            this.port = port;
        }

        @Override
        public Future<?> start() {
            Buffer screen = Buffer.buffer("CON Floor\n1. One\n2. Two");
            Router router = Router.router(vertx);
            router.post("/floor").handler(BodyHandler.create(false).setBodyLimit(16 * 1024)).handler(ctx -> {
                var form = ctx.request().formAttributes();
                String caller = hash.of(form.get("phoneNumber"));
                String key = "taama:{" + caller + "}:floor:" + form.get("sessionId");
                redis.mget(key, "taama:{" + caller + "}:lang")
                        .compose(v -> redis.setex(key, form.get("text"), config.sessionTtl()))
                        .onComplete(ar -> ctx.response().putHeader("Content-Type", "text/plain").end(screen));
            });
            return vertx.createHttpServer().requestHandler(router).listen(port);
        }
    }

    /** One simulated person; each call gives the next request they send (form body, signature or null). */
    interface Person {
        String[] next();
    }

    /**
     * One person texting over Twilio: a first message, then numbers, each webhook signed as Twilio
     * signs it (HMAC-SHA1 of URL + sorted parameters with the auth token).
     */
    static final class Texter implements Person {
        private static final AtomicLong SEQ = new AtomicLong();
        private final String number = "+2237" + String.format("%07d", ThreadLocalRandom.current().nextInt(10_000_000));
        private final javax.crypto.Mac mac;
        private final String url;
        private int sent;

        Texter(String url) {
            this.url = url;
            try {
                mac = javax.crypto.Mac.getInstance("HmacSHA1");
                mac.init(new javax.crypto.spec.SecretKeySpec(TWILIO_TOKEN.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                        "HmacSHA1"));
            } catch (java.security.GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public String[] next() {
            String[] inputs = {"1", "2", "1", "3", "98", "0", "00", "1"};
            String body = sent++ % 6 == 0 ? "Bonjour" : inputs[ThreadLocalRandom.current().nextInt(inputs.length)];
            String sid = "SM" + String.format("%032d", SEQ.incrementAndGet());
            java.util.TreeMap<String, String> p = new java.util.TreeMap<>();
            p.put("MessageSid", sid);
            p.put("AccountSid", "AC00000000000000000000000000000000");
            p.put("From", number);
            p.put("To", "+15550001111");
            p.put("Body", body);
            p.put("NumMedia", "0");
            StringBuilder data = new StringBuilder(url);
            StringBuilder form = new StringBuilder();
            p.forEach((k, v) -> {
                data.append(k).append(v);
                if (form.length() > 0) form.append('&');
                form.append(k).append('=').append(java.net.URLEncoder.encode(v, java.nio.charset.StandardCharsets.UTF_8));
            });
            String signature = java.util.Base64.getEncoder().encodeToString(
                    mac.doFinal(data.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            return new String[] {form.toString(), signature};
        }
    }

    /** One simulated phone: a session of 2-5 hops through the real menus, then a new session. */
    private static final class Caller implements Person {
        private static final AtomicLong SEQ = new AtomicLong();
        final String number;
        String sessionId;
        String history;
        int hopsLeft;

        Caller() {
            number = "+2237" + String.format("%07d", ThreadLocalRandom.current().nextInt(10_000_000));
            newSession();
        }

        void newSession() {
            sessionId = "bench-" + SEQ.incrementAndGet();
            history = null;
            hopsLeft = 2 + ThreadLocalRandom.current().nextInt(4);
        }

        @Override
        public String[] next() {
            return new String[] {nextBody(), null};
        }

        String nextBody() {
            String text;
            if (history == null) {
                text = "";
            } else {
                String[] inputs = {"1", "2", "1", "3", "4", "98", "0", "00", "1"};
                String in = inputs[ThreadLocalRandom.current().nextInt(inputs.length)];
                text = history.isEmpty() ? in : history + "*" + in;
            }
            history = text;
            if (--hopsLeft <= 0) newSession();
            return "sessionId=" + sessionId + "&serviceCode=*123%23&phoneNumber=" + number.replace("+", "%2B")
                    + "&networkCode=61002&text=" + text.replace("*", "%2A");
        }
    }

    private static HttpClient client(Vertx vertx, int port, int connections) {
        return vertx.createHttpClient(new HttpClientOptions().setDefaultHost("localhost").setDefaultPort(port)
                .setKeepAlive(true), new PoolOptions().setHttp1MaxSize(connections));
    }

    private static Future<Integer> hop(HttpClient client, String path, String[] request) {
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setURI(path)
                .putHeader("Content-Type", "application/x-www-form-urlencoded");
        if (request[1] != null) options.putHeader("X-Twilio-Signature", request[1]);
        String body = request[0];
        return client.request(options)
                .compose(req -> req.send(body))
                .compose(resp -> resp.body().map(b -> resp.statusCode()));
    }

    private static Result closedLoop(Vertx vertx, int port, String path, int callers, int warmup, int seconds)
            throws Exception {
        return closedLoop(vertx, port, path, Caller::new, callers, warmup, seconds);
    }

    private static Result closedLoop(Vertx vertx, int port, String path, java.util.function.Supplier<Person> people,
                                     int callers, int warmup, int seconds)
            throws Exception {
        HttpClient client = client(vertx, port, callers);
        Histogram h = new Histogram(TimeUnit.SECONDS.toMicros(10), 3);
        AtomicLong done = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        long start = System.nanoTime();
        long measureFrom = start + TimeUnit.SECONDS.toNanos(warmup);
        long end = measureFrom + TimeUnit.SECONDS.toNanos(seconds);
        io.vertx.core.Promise<Void> finished = io.vertx.core.Promise.promise();
        AtomicLong running = new AtomicLong(callers);
        vertx.runOnContext(v -> {
            for (int i = 0; i < callers; i++) {
                loop(client, path, people.get(), h, done, errors, measureFrom, end, running, finished);
            }
        });
        finished.future().await(warmup + seconds + 60, TimeUnit.SECONDS);
        client.close();
        return new Result(h, done.get() / (double) seconds, errors.get());
    }

    private static void loop(HttpClient client, String path, Person c, Histogram h, AtomicLong done, AtomicLong errors,
                             long measureFrom, long end, AtomicLong running, io.vertx.core.Promise<Void> finished) {
        long t0 = System.nanoTime();
        if (t0 >= end) {
            if (running.decrementAndGet() == 0) finished.tryComplete();
            return;
        }
        hop(client, path, c.next()).onComplete(ar -> {
            long t1 = System.nanoTime();
            if (t0 >= measureFrom) {
                if (ar.succeeded() && ar.result() == 200) {
                    h.recordValue(Math.min(h.getHighestTrackableValue(), (t1 - t0) / 1000));
                    done.incrementAndGet();
                } else {
                    errors.incrementAndGet();
                }
            }
            loop(client, path, c, h, done, errors, measureFrom, end, running, finished);
        });
    }

    private static Result openLoop(Vertx vertx, int port, String path, int rate, int warmup, int seconds)
            throws Exception {
        return openLoop(vertx, port, path, Caller::new, rate, warmup, seconds);
    }

    private static Result openLoop(Vertx vertx, int port, String path, java.util.function.Supplier<Person> people,
                                   int rate, int warmup, int seconds)
            throws Exception {
        HttpClient client = client(vertx, port, 512);
        Histogram h = new Histogram(TimeUnit.SECONDS.toMicros(10), 3);
        AtomicLong done = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        ArrayDeque<Person> idle = new ArrayDeque<>();
        long start = System.nanoTime();
        long measureFrom = start + TimeUnit.SECONDS.toNanos(warmup);
        long end = measureFrom + TimeUnit.SECONDS.toNanos(seconds);
        double intervalNanos = 1e9 / rate;
        AtomicLong sent = new AtomicLong();
        AtomicLong outstanding = new AtomicLong();
        io.vertx.core.Promise<Void> finished = io.vertx.core.Promise.promise();
        vertx.runOnContext(v -> vertx.setPeriodic(1, id -> {
            long now = System.nanoTime();
            // Send every hop that is due by now, each stamped with when it was due.
            while (true) {
                long due = start + (long) (sent.get() * intervalNanos);
                if (due > now || due >= end) break;
                sent.incrementAndGet();
                Person c = idle.isEmpty() ? people.get() : idle.poll();
                outstanding.incrementAndGet();
                hop(client, path, c.next()).onComplete(ar -> {
                    long t1 = System.nanoTime();
                    if (due >= measureFrom) {
                        if (ar.succeeded() && ar.result() == 200) {
                            h.recordValue(Math.min(h.getHighestTrackableValue(), (t1 - due) / 1000));
                            done.incrementAndGet();
                        } else {
                            errors.incrementAndGet();
                        }
                    }
                    idle.add(c);
                    if (outstanding.decrementAndGet() == 0 && System.nanoTime() >= end) finished.tryComplete();
                });
            }
            if (now >= end) {
                vertx.cancelTimer(id);
                if (outstanding.get() == 0) finished.tryComplete();
            }
        }));
        finished.future().await(warmup + seconds + 60, TimeUnit.SECONDS);
        client.close();
        return new Result(h, done.get() / (double) seconds, errors.get());
    }

    /** What one measurement found. */
    private record Result(Histogram h, double rps, long errors, int runs) {
        Result(Histogram h, double rps, long errors) {
            this(h, rps, errors, 1);
        }

        /** Two runs together: latencies pooled, throughput averaged. */
        static Result add(Result a, Result b) {
            if (a == null) return b;
            Histogram h = a.h().copy();
            h.add(b.h());
            return new Result(h, (a.rps() * a.runs() + b.rps()) / (a.runs() + 1), a.errors() + b.errors(), a.runs() + 1);
        }

        double p(double percentile) {
            return h.getValueAtPercentile(percentile);
        }

        String line(String name) {
            return String.format("%s %8.0f req/s   p50 %6.2f ms   p99 %6.2f ms   p99.9 %6.2f ms   max %6.2f ms   errors %d",
                    name, rps, p(50) / 1000.0, p(99) / 1000.0, p(99.9) / 1000.0, h.getMaxValue() / 1000.0, errors);
        }
    }

    /** "--name value" pairs; a "--name" followed by another option or nothing is a flag ("true"). */
    private static Map<String, String> options(String[] args) {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--")) throw new IllegalArgumentException("expected --name value, got " + args[i]);
            boolean flag = i + 1 >= args.length || args[i + 1].startsWith("--");
            m.put(args[i].substring(2), flag ? "true" : args[++i]);
        }
        return m;
    }

    // ---------------------------------------------------------------- sign-in flood

    /**
     * USSD hop latency at a fixed offered rate, alone and then under a flood of concurrent sign-ins.
     * The flood runs on its own event loop (and Vert.x instance) so the hop generator is not slowed
     * by it: what moves is the server.
     */
    private static void loginFlood(Server server, int rate, int logins, int accounts, double right, int seconds, int warmup)
            throws Exception {
        int port = server.port();
        Vertx loadVertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
        Vertx floodVertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
        try {
            HttpClient api = client(floodVertx, port, logins);
            String token = new io.vertx.core.json.JsonObject(signIn(api, ADMIN, ADMIN_PASSWORD, "10.255.255.1")
                    .await(60, TimeUnit.SECONDS)[1]).getString("token");
            for (int i = 0; i < accounts; i++) {
                String body = new io.vertx.core.json.JsonObject().put("username", "bench-op-" + i)
                        .put("password", "bench-password-" + i).put("role", "operator").encode();
                api.request(new RequestOptions().setMethod(HttpMethod.POST).setURI("/api/operators")
                                .putHeader("Content-Type", "application/json").putHeader("Authorization", "Bearer " + token))
                        .compose(req -> req.send(body)).compose(resp -> resp.body()).await(60, TimeUnit.SECONDS);
            }
            System.out.printf("Taama sign-in flood: %d cores, server %d event loops, passwords hashed on %d thread(s); "
                            + "USSD hops offered at %d/s (open loop, latency from when each hop was due), %d s each way "
                            + "after %d s of warm-up; the flood: %d concurrent sign-ins without pause, %.0f%% with the right "
                            + "password, for %d accounts, each from another address.%n%n",
                    Runtime.getRuntime().availableProcessors(), server.config().verticles(),
                    org.taama.operators.PasswordHashing.THREADS, rate, seconds, warmup, logins, right * 100, accounts);

            openLoop(loadVertx, port, "/ussd/africastalking", rate, 0, warmup);
            Result quiet = openLoop(loadVertx, port, "/ussd/africastalking", rate, 1, seconds);

            java.util.concurrent.atomic.AtomicBoolean flooding = new java.util.concurrent.atomic.AtomicBoolean(true);
            java.util.concurrent.ConcurrentHashMap<Integer, AtomicLong> outcomes = new java.util.concurrent.ConcurrentHashMap<>();
            AtomicLong running = new AtomicLong(logins);
            io.vertx.core.Promise<Void> stopped = io.vertx.core.Promise.promise();
            long checksBefore = passwordChecks(api);
            long floodStart = System.nanoTime();
            floodVertx.runOnContext(v -> {
                for (int i = 0; i < logins; i++) signInLoop(api, accounts, right, flooding, outcomes, running, stopped);
            });
            Thread.sleep(2000); // the pool's queue fills, the throttle's counts rise: measure the steady flood
            Result flooded = openLoop(loadVertx, port, "/ussd/africastalking", rate, 1, seconds);
            flooding.set(false);
            stopped.future().await(120, TimeUnit.SECONDS);
            double floodSeconds = (System.nanoTime() - floodStart) / 1e9;
            long checks = passwordChecks(api) - checksBefore;
            Result after = openLoop(loadVertx, port, "/ussd/africastalking", rate, 1, seconds);

            // The same number of clients without pause on GET /health: what any request flood of
            // that size costs the hops, to tell it from what sign-ins themselves cost.
            flooding.set(true);
            running.set(logins);
            io.vertx.core.Promise<Void> healthStopped = io.vertx.core.Promise.promise();
            AtomicLong healthAnswered = new AtomicLong();
            long healthStart = System.nanoTime();
            floodVertx.runOnContext(v -> {
                for (int i = 0; i < logins; i++) healthLoop(api, flooding, healthAnswered, running, healthStopped);
            });
            Thread.sleep(2000);
            Result healthFlooded = openLoop(loadVertx, port, "/ussd/africastalking", rate, 1, seconds);
            flooding.set(false);
            healthStopped.future().await(120, TimeUnit.SECONDS);
            double healthSeconds = (System.nanoTime() - healthStart) / 1e9;

            System.out.println("USSD hops at " + rate + "/s:");
            System.out.println("  " + quiet.line("no sign-ins    "));
            System.out.println("  " + flooded.line(logins + " sign-ins   "));
            System.out.println("  " + after.line("after the flood"));
            System.out.println("  " + healthFlooded.line(logins + " GET /health"));
            System.out.printf("  p99 hop: %.2f ms without the flood, %.2f ms during it (x%.2f)%n%n",
                    quiet.p(99) / 1000.0, flooded.p(99) / 1000.0, flooded.p(99) / (double) Math.max(1, quiet.p(99)));
            long total = outcomes.values().stream().mapToLong(AtomicLong::get).sum();
            System.out.printf("Sign-ins during %.1f s: %d answered (%.0f/s); passwords checked: %d (%.1f/s)%n",
                    floodSeconds, total, total / floodSeconds, checks, checks / floodSeconds);
            System.out.printf("GET /health during %.1f s: %d answered (%.0f/s)%n", healthSeconds, healthAnswered.get(),
                    healthAnswered.get() / healthSeconds);
            new java.util.TreeMap<>(outcomes).forEach((status, n) -> System.out.printf("  %s %d%n",
                    status == 200 ? "200 signed in        " : status == 401 ? "401 wrong password   "
                            : status == 429 ? "429 throttled        " : status == 503 ? "503 hashing pool full"
                            : status + " other               ", n.get()));
        } finally {
            loadVertx.close().await(10, TimeUnit.SECONDS);
            floodVertx.close().await(10, TimeUnit.SECONDS);
        }
    }

    private static void signInLoop(HttpClient api, int accounts, double right, java.util.concurrent.atomic.AtomicBoolean flooding,
                                   Map<Integer, AtomicLong> outcomes, AtomicLong running, io.vertx.core.Promise<Void> stopped) {
        if (!flooding.get()) {
            if (running.decrementAndGet() == 0) stopped.tryComplete();
            return;
        }
        ThreadLocalRandom r = ThreadLocalRandom.current();
        int account = r.nextInt(accounts);
        String password = r.nextDouble() < right ? "bench-password-" + account : "wrong-password-" + r.nextInt(1_000_000);
        String from = "10." + r.nextInt(256) + "." + r.nextInt(256) + "." + (1 + r.nextInt(254));
        signIn(api, "bench-op-" + account, password, from).onComplete(ar -> {
            int status = ar.succeeded() ? Integer.parseInt(ar.result()[0]) : -1;
            outcomes.computeIfAbsent(status, k -> new AtomicLong()).incrementAndGet();
            signInLoop(api, accounts, right, flooding, outcomes, running, stopped);
        });
    }

    private static void healthLoop(HttpClient api, java.util.concurrent.atomic.AtomicBoolean flooding, AtomicLong answered,
                                   AtomicLong running, io.vertx.core.Promise<Void> stopped) {
        if (!flooding.get()) {
            if (running.decrementAndGet() == 0) stopped.tryComplete();
            return;
        }
        api.request(HttpMethod.GET, "/health").compose(req -> req.send()).compose(resp -> resp.body()).onComplete(ar -> {
            if (ar.succeeded()) answered.incrementAndGet();
            healthLoop(api, flooding, answered, running, stopped);
        });
    }

    /** One sign-in; answers {status, body}. */
    private static Future<String[]> signIn(HttpClient api, String user, String password, String from) {
        String body = new io.vertx.core.json.JsonObject().put("username", user).put("password", password).encode();
        return api.request(new RequestOptions().setMethod(HttpMethod.POST).setURI("/api/login")
                        .putHeader("Content-Type", "application/json").putHeader("X-Forwarded-For", from))
                .compose(req -> req.send(body))
                .compose(resp -> resp.body().map(b -> new String[] {Integer.toString(resp.statusCode()), b.toString()}));
    }

    /** The server's count of passwords checked, from its Prometheus metrics. */
    private static long passwordChecks(HttpClient api) throws Exception {
        String metrics = api.request(HttpMethod.GET, "/metrics").compose(req -> req.send()).compose(resp -> resp.body())
                .await(30, TimeUnit.SECONDS).toString();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^taama_login_password_checks_total(?:\\{[^}]*\\})? ([0-9.eE+]+)")
                .matcher(metrics);
        return m.find() ? (long) Double.parseDouble(m.group(1)) : -1;
    }
}
