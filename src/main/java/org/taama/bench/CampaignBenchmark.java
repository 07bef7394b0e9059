package org.taama.bench;

import io.lettuce.core.ScoredValue;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.taama.campaign.Campaign;
import org.taama.campaign.CampaignSender;
import org.taama.campaign.CampaignSpec;
import org.taama.campaign.CampaignStore;
import org.taama.cases.Audit;
import org.taama.config.Config;
import org.taama.config.QuietHours;
import org.taama.consent.Channel;
import org.taama.consent.ConsentStore;
import org.taama.consent.Subscribers;
import org.taama.cost.TextCost;
import org.taama.pace.SenderPace;
import org.taama.privacy.CallerHash;
import org.taama.privacy.NumberCipher;
import org.taama.redis.EmbeddedRedis;
import org.taama.redis.Redis;
import org.taama.server.Server;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The campaign sender's figures, each on an embedded Redis (redis-server 7.0) on loopback:
 *
 * <p>{@code bench --enqueue [--recipients 100000] [--rounds 3]}: how fast an approved campaign's audience
 * is copied into its sender's stream (the snapshot, {@link CampaignSender} as every node runs it, its
 * stream reading off so nothing else loads Redis): recipients a second from the approval to the
 * snapshot's end, and Redis commands a recipient ({@code INFO commandstats}, commands run inside
 * scripts included).
 *
 * <p>{@code bench --send-rate [--rate R] [--seconds 60] [--warmup 2]}: two real servers ({@link Server},
 * each with its own Vert.x and Redis connection) send one campaign as one sender number to a fake
 * Twilio on loopback, at SENDER_RATE 10 then 100 unless {@code --rate} is given. The rate is what the fake
 * Twilio received in the window after the warm-up (the starting burst is SENDER_BURST, not pace);
 * Redis round trips are the commands the nodes sent (counted by a MONITOR connection: commands
 * scripts run inside Redis are not round trips) per message, everything the nodes do included
 * (polls, due-campaign checks, the status of each message).
 */
final class CampaignBenchmark {
    private static final String SENDER = "+22370009999";
    private static final String SID_A = "AC" + "a".repeat(32);
    private static final String SID_B = "AC" + "b".repeat(32);
    private static final String TOKEN = "bench-twilio-token";
    private static final SecureRandom RANDOM = new SecureRandom();

    private CampaignBenchmark() {}

    // ---------------------------------------------------------------- enqueue

    static void enqueue(Map<String, String> opt) throws Exception {
        int recipients = Integer.parseInt(opt.getOrDefault("recipients", "100000"));
        int rounds = Integer.parseInt(opt.getOrDefault("rounds", "5"));
        try (EmbeddedRedis embedded = EmbeddedRedis.start(Files.createTempDirectory("taama-bench-enqueue"))) {
            Vertx vertx = Vertx.vertx();
            Redis redis = Redis.connect(vertx, embedded.url(), false, Duration.ofSeconds(10));
            try {
                System.out.printf("Enqueue: %,d recipients (fr and bm, 4 regions) copied into one sender's stream by one node, "
                        + "redis-server 7.0 (embedded) on loopback, %d cores%n", recipients, Runtime.getRuntime().availableProcessors());
                List<String> regions = fill(redis, recipients);
                Config config = Config.from(Map.of());
                CampaignStore store = new CampaignStore(redis, Clock.systemUTC());
                ConsentStore consent = new ConsentStore(redis, new NumberCipher(new byte[32]), Clock.systemUTC());
                CampaignSender sender = new CampaignSender(vertx, redis, store, new Audit(redis, Clock.systemUTC()), consent,
                        new SenderPace(redis, 10, 10), new TextCost(config), new NoOutbox(), awayFromNow(), 3, Duration.ofMillis(500),
                        Duration.ofSeconds(30), config.sendValidity(), Clock.systemUTC());
                // Due campaigns looked for every 10 ms; the streams never read (the first poll would come in a day).
                sender.start(Duration.ofMillis(10), Duration.ofDays(1));
                List<Double> rates = new ArrayList<>();
                for (int r = 1; r <= rounds; r++) {
                    Await.of(redis.del(CampaignSender.stream(SENDER)));
                    long commands = commands(redis);
                    long t0 = System.nanoTime();
                    String id = approve(store, spec(regions, "sms"));
                    while (!Boolean.TRUE.equals(Await.of(Future.fromCompletionStage(redis.commands().hexists(CampaignStore.key(id), "snapshot_at"))))) Thread.sleep(2);
                    double s = (System.nanoTime() - t0) / 1e9;
                    long used = commands(redis) - commands;
                    long queued = Long.parseLong(Await.of(redis.hget(CampaignStore.key(id), "n_audience")));
                    long xlen = Await.of(Future.fromCompletionStage(redis.commands().xlen(CampaignSender.stream(SENDER))));
                    rates.add(queued / s);
                    System.out.printf("  round %d: %,d recipients queued (stream length %,d) in %.3f s = %,.0f recipients/s; "
                            + "%.2f Redis commands a recipient%n", r, queued, xlen, s, queued / s, (double) used / queued);
                    Await.of(store.get(id).compose(c -> store.change(c, Campaign.Status.CANCELLED, Map.of())));
                }
                rates.sort(Double::compare);
                System.out.printf("  best %,.0f/s, median %,.0f/s (aim: 50,000/s)%n", rates.get(rates.size() - 1), rates.get(rates.size() / 2));
                sender.close();
            } finally {
                redis.close();
                vertx.close().await(10, TimeUnit.SECONDS);
            }
        }
    }

    /** {@code n} subscribers in the audience sets as the consent store keeps them (the snapshot reads only those). */
    private static List<String> fill(Redis redis, int n) {
        List<String> regions = List.of("bench1", "bench2", "bench3", "bench4");
        long expires = System.currentTimeMillis() + Duration.ofDays(700).toMillis();
        var c = redis.commands();
        int chunk = 1000;
        List<Future<?>> pending = new ArrayList<>();
        for (int from = 0; from < n; from += chunk) {
            String segment = Subscribers.segment("sms", (from / chunk) % 3 == 0 ? "bm" : "fr", regions.get((from / chunk) % regions.size()));
            List<ScoredValue<String>> members = new ArrayList<>();
            Map<String, String> where = new HashMap<>();
            for (int i = from; i < Math.min(n, from + chunk); i++) {
                byte[] b = new byte[16];
                RANDOM.nextBytes(b);
                String caller = HexFormat.of().formatHex(b);
                members.add(ScoredValue.just(expires, caller));
                where.put(caller, segment);
            }
            @SuppressWarnings("unchecked")
            ScoredValue<String>[] arr = members.toArray(ScoredValue[]::new);
            pending.add(Future.fromCompletionStage(c.zadd(Subscribers.key(segment), arr)));
            pending.add(Future.fromCompletionStage(c.hset(Subscribers.WHERE, where)));
            pending.add(Future.fromCompletionStage(c.sadd(Subscribers.SEGMENTS, segment)));
            if (pending.size() >= 30) {
                Await.of(Future.all(pending));
                pending.clear();
            }
        }
        Await.of(Future.all(pending));
        return regions;
    }

    /** Never asked to send: the enqueue bench reads no stream. */
    private static final class NoOutbox implements CampaignSender.Outbox {
        @Override
        public String sender(String channel) {
            return channel.equals("sms") ? SENDER : null;
        }

        @Override
        public Future<CampaignSender.Outcome> send(CampaignSender.Outgoing message) {
            return Future.failedFuture(new IllegalStateException("the enqueue bench sends nothing"));
        }

        @Override
        public int capacity() {
            return 8;
        }
    }

    // ---------------------------------------------------------------- send rate

    static void sendRate(Map<String, String> opt) throws Exception {
        int seconds = Integer.parseInt(opt.getOrDefault("seconds", "60"));
        int warmup = Integer.parseInt(opt.getOrDefault("warmup", "2"));
        List<Integer> rates = opt.containsKey("rate") ? List.of(Integer.parseInt(opt.get("rate"))) : List.of(10, 100);
        try (EmbeddedRedis embedded = EmbeddedRedis.start(Files.createTempDirectory("taama-bench-send"))) {
            Vertx vertx = Vertx.vertx();
            FakeTwilio twilio = FakeTwilio.start(vertx);
            try {
                System.out.printf("Send rate: 2 servers (own Vert.x, own Redis connection, 4 sender threads each) send one SMS campaign "
                        + "as one number to a fake Twilio on loopback, redis-server 7.0 (embedded), %d cores; %d s each, "
                        + "measured after a %d s warm-up%n", Runtime.getRuntime().availableProcessors(), seconds, warmup);
                for (int rate : rates) once(embedded, twilio, rate, seconds, warmup);
            } finally {
                twilio.close();
                vertx.close().await(10, TimeUnit.SECONDS);
            }
        }
    }

    private static void once(EmbeddedRedis embedded, FakeTwilio twilio, int rate, int seconds, int warmup) throws Exception {
        String hashKey = key(), encKey = key();
        Map<String, String> env = new HashMap<>();
        env.put("PORT", "0");
        env.put("HTTP_HOST", "127.0.0.1");
        env.put("REDIS_URL", embedded.url());
        env.put("HASH_KEY", hashKey);
        env.put("ENCRYPTION_KEY", encKey);
        env.put("VERTICLES", "1");
        env.put("DATA_DIR", Files.createTempDirectory("taama-bench-node").toString());
        env.put("TWILIO_AUTH_TOKEN", TOKEN);
        env.put("TWILIO_API_URL", twilio.url());
        env.put("TWILIO_SMS_FROM", SENDER);
        env.put("SENDER_RATE", Integer.toString(rate));
        LocalTime now = LocalTime.now(QuietHours.ZONE);
        env.put("QUIET_HOURS", now.plusHours(6).withSecond(0).withNano(0) + "-" + now.plusHours(7).withSecond(0).withNano(0));
        Map<String, String> a = new HashMap<>(env);
        a.put("TWILIO_ACCOUNT_SID", SID_A);
        Map<String, String> b = new HashMap<>(env);
        b.put("TWILIO_ACCOUNT_SID", SID_B);
        Server nodeA = Server.start(Config.from(a));
        Server nodeB = Server.start(Config.from(b));
        Redis redis = nodeA.redis();
        try {
            String region = "rate" + rate + "-" + Long.toHexString(System.nanoTime());
            int audience = rate * (warmup + seconds + 10);
            subscribe(redis, hashKey, encKey, audience, region);
            twilio.clear();
            CampaignStore store = new CampaignStore(redis, Clock.systemUTC());
            String id = approve(store, spec(List.of(region), "sms"));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (twilio.times.isEmpty()) {
                if (System.nanoTime() > deadline) throw new IllegalStateException("no message reached the fake Twilio in 60 s");
                Thread.sleep(5);
            }
            long first = twilio.times.peek();
            long from = first + TimeUnit.SECONDS.toNanos(warmup);
            long to = from + TimeUnit.SECONDS.toNanos(seconds);
            Thread.sleep(Math.max(0, (from - System.nanoTime()) / 1_000_000));
            long commandsBefore = commands(redis);
            try (Monitor monitor = Monitor.start(embedded.url())) {
                Thread.sleep(Math.max(0, (to - System.nanoTime()) / 1_000_000));
                long roundTrips = monitor.clientCommands();
                long commands = commands(redis) - commandsBefore;
                long inWindow = 0, byA = 0, byB = 0;
                for (FakeTwilio.Hit h : twilio.hits) {
                    if (h.at() < from || h.at() >= to) continue;
                    inWindow++;
                    if (h.account().equals(SID_A)) byA++;
                    else byB++;
                }
                double measured = inWindow / (double) seconds;
                System.out.printf("SENDER_RATE %d/s:%n", rate);
                System.out.printf("  node 1: %.2f msg/s, node 2: %.2f msg/s%n", byA / (double) seconds, byB / (double) seconds);
                System.out.printf("  total:  %.3f msg/s over %d s = %+.2f%% vs SENDER_RATE (%d messages)%n", measured, seconds,
                        100.0 * (measured - rate) / rate, inWindow);
                System.out.printf("  Redis round trips: %.2f commands sent by the nodes per message (%d for %d), "
                        + "%.2f commands run by Redis per message (scripts' own included)%n",
                        (double) roundTrips / inWindow, roundTrips, inWindow, (double) commands / inWindow);
                System.out.printf("  per message: %s%n%n", monitor.breakdown(inWindow));
            }
            Await.of(store.get(id).compose(c -> store.change(c, Campaign.Status.CANCELLED, Map.of())));
        } finally {
            nodeB.close();
            nodeA.close();
        }
    }

    private static void subscribe(Redis redis, String hashKey, String encKey, int n, String region) {
        ConsentStore consent = new ConsentStore(redis, new NumberCipher(Base64.getDecoder().decode(encKey)), Clock.systemUTC());
        CallerHash callers = new CallerHash(Base64.getDecoder().decode(hashKey));
        long first = 1_000_000 + RANDOM.nextInt(8_000_000);
        List<Future<Void>> batch = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String number = "+2237" + String.format("%07d", (first + i) % 10_000_000);
            batch.add(consent.optIn(callers.of(number), number, Channel.SMS, i % 3 == 0 ? "bm" : "fr", region));
            if (batch.size() == 500 || i == n - 1) {
                Await.of(Future.all(batch));
                batch.clear();
            }
        }
    }

    private static String key() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return Base64.getEncoder().encodeToString(b);
    }

    // ---------------------------------------------------------------- a fake Twilio to try campaigns with

    /**
     * {@code bench --fake-twilio [--port 8090] [--token T]}: Twilio's Messages.json on localhost for a
     * walk by hand (TWILIO_API_URL=http://localhost:8090): every message is accepted and printed (the
     * number masked but for its last two digits); with {@code --token} (the server's TWILIO_AUTH_TOKEN)
     * a signed "delivered" callback follows each message a second later, to its StatusCallback.
     */
    static void fakeTwilio(Map<String, String> opt) throws Exception {
        int port = Integer.parseInt(opt.getOrDefault("port", "8090"));
        String token = opt.get("token");
        Vertx vertx = Vertx.vertx();
        var http = vertx.createHttpClient();
        AtomicLong n = new AtomicLong();
        FakeTwilio f = FakeTwilio.start(vertx, port, (form, sid) -> {
            String to = form.getOrDefault("To", "");
            String masked = masked(to);
            String what = form.containsKey("ContentSid") ? "template " + form.get("ContentSid") + " " + form.getOrDefault("ContentVariables", "")
                    : form.getOrDefault("Body", "");
            System.out.printf("%d. %s to %s: %s%n", n.incrementAndGet(), sid, masked, what);
            String callback = form.get("StatusCallback");
            if (token == null || callback == null) return;
            Map<String, String> status = new java.util.TreeMap<>(Map.of("MessageSid", sid, "MessageStatus", "delivered",
                    "AccountSid", form.getOrDefault("AccountSid", ""), "From", form.getOrDefault("From", ""), "To", to,
                    "ApiVersion", "2010-04-01"));
            StringBuilder signed = new StringBuilder(callback);
            status.forEach((k, v) -> signed.append(k).append(v));
            String signature;
            try {
                javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA1");
                mac.init(new javax.crypto.spec.SecretKeySpec(token.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
                signature = Base64.getEncoder().encodeToString(mac.doFinal(signed.toString().getBytes(StandardCharsets.UTF_8)));
            } catch (java.security.GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
            String body = status.entrySet().stream().map(e -> java.net.URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                    + java.net.URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(java.util.stream.Collectors.joining("&"));
            // Sent to where the server is reached on this machine, whatever PUBLIC_BASE_URL it signs for.
            URI target = URI.create(opt.getOrDefault("callback-base", "http://localhost:8080") + URI.create(callback).getPath());
            vertx.setTimer(1000, t -> http.request(io.vertx.core.http.HttpMethod.POST, target.getPort(), target.getHost(), target.getPath())
                    .compose(r -> r.putHeader("Content-Type", "application/x-www-form-urlencoded")
                            .putHeader("X-Twilio-Signature", signature).send(body))
                    .onComplete(ar -> System.out.printf("   %s delivered -> %s%n", sid,
                            ar.succeeded() ? Integer.toString(ar.result().statusCode()) : ar.cause().toString())));
        });
        System.out.printf("fake Twilio on %s (TWILIO_API_URL); %s; Ctrl-C to stop%n", f.url(),
                token == null ? "no status callbacks (give --token to send them)" : "a delivered callback a second after each message");
    }

    /** +223•••••01: the country code and the last two digits, enough to tell test phones apart. */
    static String masked(String to) {
        String p = to.startsWith("whatsapp:") ? "whatsapp:" : "";
        String n = to.substring(p.length());
        if (n.length() <= 6) return p + "*".repeat(n.length());
        return p + n.substring(0, 4) + "*".repeat(n.length() - 6) + n.substring(n.length() - 2);
    }

    // ---------------------------------------------------------------- shared

    static CampaignSpec spec(List<String> regions, String channel) {
        return CampaignSpec.parse(new JsonObject().put("name", "bench").put("channel", channel)
                .put("texts", new JsonObject().put("fr", "Vos droits vous suivent partout. Appelez le 80 00 00 00.")
                        .put("bm", "I ka hakɛw bɛ i bolo. I bɛ se ka wele kɛ 80 00 00 00 kan."))
                .put("audience", new JsonObject().put("regions", regions).put("languages", List.of("fr", "bm"))), Instant.now(),
                // The bench files its subscribers under regions of its own, apart from any real audience.
                java.util.Set.copyOf(regions));
    }

    /** A draft made, submitted and approved in the store (the review path itself is not what is measured). */
    static String approve(CampaignStore store, CampaignSpec spec) {
        return Await.of(store.create("bench", spec, null)
                .compose(c -> store.change(c, Campaign.Status.SUBMITTED, Map.of()))
                .compose(c -> store.change(c, Campaign.Status.APPROVED, Map.of("decided_by", "bench-reviewer")))).id();
    }

    static QuietHours awayFromNow() {
        LocalTime now = LocalTime.now(QuietHours.ZONE);
        return QuietHours.parse(now.plusHours(6).withSecond(0).withNano(0) + "-" + now.plusHours(7).withSecond(0).withNano(0));
    }

    /** Every command Redis has run since it started, those run by scripts included (INFO commandstats). */
    private static long commands(Redis redis) {
        String info = Await.of(Future.fromCompletionStage(redis.commands().info("commandstats")));
        long calls = 0;
        for (String line : info.split("\r?\n")) {
            int at = line.indexOf("calls=");
            if (line.startsWith("cmdstat_") && at > 0) calls += Long.parseLong(line.substring(at + 6, line.indexOf(',', at)));
        }
        return calls;
    }

    /**
     * A MONITOR connection: Redis writes it every command it runs, scripts' own marked {@code [0 lua]};
     * the others are the commands clients sent, that is the round trips (or pipelined commands).
     */
    private static final class Monitor implements AutoCloseable {
        final Socket socket;
        final AtomicLong client = new AtomicLong();
        final Map<String, AtomicLong> byName = new java.util.concurrent.ConcurrentHashMap<>();
        final Thread reader;

        private Monitor(Socket socket) {
            this.socket = socket;
            this.reader = new Thread(this::read, "bench-monitor");
            reader.setDaemon(true);
        }

        static Monitor start(String url) throws Exception {
            URI u = URI.create(url);
            Socket s = new Socket(u.getHost(), u.getPort());
            OutputStream out = s.getOutputStream();
            out.write("MONITOR\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            Monitor m = new Monitor(s);
            m.reader.start();
            return m;
        }

        private void read() {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    // "+1700000000.123456 [0 127.0.0.1:5555] "EVALSHA" ..." ; "+OK" first; "[0 lua]" for scripts' commands.
                    int open = line.indexOf('[');
                    if (open > 0 && !line.startsWith("[0 lua]", open) && !line.contains("\"INFO\"") && !line.contains("\"MONITOR\"")) {
                        client.incrementAndGet();
                        int q = line.indexOf('"', open);
                        int e = q < 0 ? -1 : line.indexOf('"', q + 1);
                        if (e > q) byName.computeIfAbsent(line.substring(q + 1, e).toUpperCase(java.util.Locale.ROOT), k -> new AtomicLong()).incrementAndGet();
                    }
                }
            } catch (Exception closed) {
                // closed at the end of the window
            }
        }

        long clientCommands() {
            return client.get();
        }

        /** The commands sent, most frequent first, each per message: "EVALSHA 3.00, HGET 2.00, ...". */
        String breakdown(long messages) {
            return byName.entrySet().stream().sorted((x, y) -> Long.compare(y.getValue().get(), x.getValue().get()))
                    .map(e -> String.format("%s %.2f", e.getKey(), e.getValue().get() / (double) messages))
                    .collect(java.util.stream.Collectors.joining(", "));
        }

        @Override
        public void close() throws Exception {
            socket.close();
            reader.join(2000);
        }
    }

    /** Blocking wait on the bench's own thread (never an event loop). */
    static final class Await {
        static <T> T of(Future<T> f) {
            try {
                return f.toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
