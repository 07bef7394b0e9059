package org.taama.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.taama.campaign.CampaignStore;
import org.taama.config.Config;
import org.taama.consent.Channel;
import org.taama.consent.ConsentStore;
import org.taama.privacy.CallerHash;
import org.taama.privacy.NumberCipher;
import org.taama.privacy.Secrets;
import org.taama.redis.EmbeddedRedis;
import org.taama.server.Server;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Faults in the middle of a campaign (issue 11 §2): a campaign of a few thousand SMS recipients sent by
 * real servers through the real Twilio SDK to a {@link FakeTwilio} on loopback, while
 * <ul>
 *   <li>nothing goes wrong (the clean run the others are compared with);</li>
 *   <li>Twilio refuses a share with 429 and 500 and leaves a share unanswered past the SDK's 30 s
 *       socket time-out;</li>
 *   <li>redis-server is SIGKILLed a third of the way and started again on its AOF after an outage;</li>
 *   <li>one of the two nodes (a JVM of its own) is SIGKILLed a third of the way.</li>
 * </ul>
 * What the fake Twilio saw tells what was sent, sent twice and never sent; the campaign's own counts
 * tell what the senders accounted for (skipped, failed, opted out). A recipient never sent and not
 * accounted for is lost.
 */
final class CampaignFaults {
    static final String SID = "AC" + "fa17".repeat(8);
    static final String FROM = "+22370008888";
    /** Messages a node holds between its status check and Twilio's answer: SENDER_THREADS × 2. */
    static final int THREADS = 4;
    static final int CLAIM_IDLE_S = 5;
    /** What both nodes may hold between their status check and Twilio's answer: the most a fault may send twice. */
    static final int IN_FLIGHT = 2 * 2 * THREADS;
    /** Past the SDK's 30 s socket time-out (HttpClient.DEFAULT_SOCKET_CONFIG). */
    static final long HELD_MS = 31_000;

    private final int recipients;
    private final long outageMs;

    CampaignFaults(int recipients, long outageMs) {
        this.recipients = recipients;
        this.outageMs = outageMs;
    }

    static String header(int recipients) {
        return String.format("Campaign faults (%,d SMS recipients, 2 nodes, SENDER_RATE 1000, SENDER_THREADS %d, SEND_ATTEMPTS 10, "
                + "SEND_CLAIM_IDLE %d s, the real Twilio SDK to a fake Twilio answering in 1-8 ms):", recipients, THREADS, CLAIM_IDLE_S);
    }

    // ------------------------------------------------------------------ scenarios

    /** Nothing goes wrong: the time the others are compared with. */
    Row clean() throws Exception {
        try (Rig rig = Rig.start(2)) {
            Campaign c = rig.campaign(recipients);
            c.awaitFinished(120_000);
            return c.row("clean run", rig.twilio, 0, "-");
        }
    }

    /** 429s, 5xx and answers held past the SDK's time-out, all through the campaign. */
    Row twilioErrors(double rateLimited, double serverError, double held, long cleanMs) throws Exception {
        try (Rig rig = Rig.start(2)) {
            rig.twilio.faults(rateLimited, serverError, held, HELD_MS);
            Campaign c = rig.campaign(recipients);
            c.awaitFinished(240_000);
            // A sender thread held by a time-out goes on after the campaign looked finished: wait for it, then count again.
            long lastHeld = rig.twilio.hits.stream().filter(h -> h.status() == FakeTwilio.Hit.HELD).mapToLong(FakeTwilio.Hit::at).max().orElse(0);
            Thread.sleep(Math.max(0, ms(lastHeld + TimeUnit.MILLISECONDS.toNanos(HELD_MS + 3000) - System.nanoTime())));
            c.recount();
            long timedOut = rig.twilio.hits.stream().filter(h -> h.status() == FakeTwilio.Hit.HELD).count();
            // A message whose answer never came is tried again (Twilio may have created it): at most one duplicate a time-out.
            return c.row(String.format("Twilio %.0f%% 429, %.0f%% 500, %.1f%% time-out", rateLimited * 100, serverError * 100, held * 100),
                    rig.twilio, (int) timedOut, String.format("finish %.1f x the clean run's", (double) ms(c.finishedAt - c.approvedAt) / cleanMs));
        }
    }

    /** redis-server SIGKILLed a third of the way, down {@code outageMs}, started again on the same port from its AOF. */
    Row redisKilled() throws Exception {
        try (Rig rig = Rig.start(2)) {
            Campaign c = rig.campaign(recipients);
            c.awaitTaken(rig.twilio, recipients / 3);
            long fault = System.nanoTime();
            FaultBenchmark.kill(RedisInfo.pid(rig.redis.url()));
            Thread.sleep(outageMs);
            rig.restartRedis();
            long restarted = System.nanoTime();
            c.awaitFinished(180_000);
            long stopped = lastTakenBefore(rig.twilio, restarted);
            long resumed = firstTakenAfter(rig.twilio, restarted);
            String recovery = String.format("sending stopped +%d, resumed +%d, finished +%d", ms(stopped - fault),
                    ms(resumed - fault), ms(c.finishedAt - fault));
            return c.row("redis SIGKILL + AOF restart (" + outageMs + " ms)", rig.twilio, IN_FLIGHT, recovery);
        }
    }

    /** One of the two nodes, a JVM of its own, SIGKILLed a third of the way; the other takes over what it held. */
    Row nodeKilled() throws Exception {
        try (Rig rig = Rig.start(1)) {
            Map<String, String> env = rig.env();
            env.put("DATA_DIR", Files.createTempDirectory("taama-fault-child").toString());
            try (ChildNode doomed = ChildNode.start(env)) {
                Campaign c = rig.campaign(recipients);
                c.awaitTaken(rig.twilio, recipients / 3);
                long fault = System.nanoTime();
                doomed.kill();
                c.awaitFinished(180_000);
                return c.row("node SIGKILL (1 of 2)", rig.twilio, IN_FLIGHT / 2, String.format("finished +%d", ms(c.finishedAt - fault)));
            }
        }
    }

    private static long lastTakenBefore(FakeTwilio twilio, long at) {
        long last = 0;
        for (FakeTwilio.Hit h : twilio.hits) if (h.taken() && h.at() < at) last = Math.max(last, h.at());
        return last;
    }

    private static long firstTakenAfter(FakeTwilio twilio, long at) {
        long first = Long.MAX_VALUE;
        for (FakeTwilio.Hit h : twilio.hits) if (h.taken() && h.at() >= at) first = Math.min(first, h.at());
        return first;
    }

    static long ms(long nanos) {
        return nanos / 1_000_000;
    }

    // ------------------------------------------------------------------ one campaign

    /** A redis-server, the fake Twilio and {@code nodes} in-process servers sending as one number. */
    private static final class Rig implements AutoCloseable {
        final Path dir;
        EmbeddedRedis redis;
        final Vertx vertx = Vertx.vertx();
        final FakeTwilio twilio;
        final List<Server> servers = new ArrayList<>();
        final Path data;

        private Rig(Path dir) throws Exception {
            this.dir = dir;
            this.redis = EmbeddedRedis.start(dir);
            this.twilio = FakeTwilio.start(vertx).latency(1, 8);
            this.data = Files.createTempDirectory("taama-fault-data");
        }

        static Rig start(int nodes) throws Exception {
            Rig rig = new Rig(Files.createTempDirectory("taama-fault-campaign"));
            for (int i = 0; i < nodes; i++) rig.servers.add(Server.start(Config.from(rig.env())));
            return rig;
        }

        Map<String, String> env() {
            Map<String, String> env = FaultBenchmark.env(redis.url());
            env.put("TWILIO_ACCOUNT_SID", SID);
            env.put("TWILIO_API_URL", twilio.url());
            env.put("TWILIO_SMS_FROM", FROM);
            env.put("SENDER_RATE", "1000");
            env.put("SENDER_THREADS", Integer.toString(THREADS));
            env.put("SEND_ATTEMPTS", "10");
            env.put("SEND_CLAIM_IDLE", Integer.toString(CLAIM_IDLE_S));
            env.put("DATA_DIR", data.toString());
            LocalTime now = LocalTime.now(org.taama.config.QuietHours.ZONE);
            env.put("QUIET_HOURS", now.plusHours(6).withSecond(0).withNano(0) + "-" + now.plusHours(7).withSecond(0).withNano(0));
            return env;
        }

        /** {@code n} subscribers in a region of their own, and a campaign to them approved. */
        Campaign campaign(int n) {
            var r = servers.get(0).redis();
            CallerHash callers = new CallerHash(Secrets.decode("HASH_KEY", Benchmark.HASH_KEY, 32));
            ConsentStore consent = new ConsentStore(r, new NumberCipher(Secrets.decode("ENCRYPTION_KEY", Benchmark.HASH_KEY, 32)),
                    Clock.systemUTC());
            String region = "faults" + Long.toHexString(System.nanoTime());
            Set<String> numbers = new LinkedHashSet<>();
            long first = ThreadLocalRandom.current().nextLong(1_000_000, 8_000_000);
            List<Future<Void>> batch = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                String number = "+2237" + String.format("%07d", first + i);
                numbers.add(number);
                batch.add(consent.optIn(callers.of(number), number, Channel.SMS, i % 3 == 0 ? "bm" : "fr", region));
                if (batch.size() == 500 || i == n - 1) {
                    CampaignBenchmark.Await.of(Future.all(batch));
                    batch.clear();
                }
            }
            twilio.clear();
            CampaignStore store = new CampaignStore(r, Clock.systemUTC());
            long t0 = System.nanoTime();
            String id = CampaignBenchmark.approve(store, CampaignBenchmark.spec(List.of(region), "sms"));
            return new Campaign(id, numbers, redis, t0);
        }

        void restartRedis() throws Exception {
            redis = EmbeddedRedis.start(dir, redis.port());
        }

        @Override
        public void close() throws Exception {
            for (Server s : servers) s.close();
            twilio.close();
            vertx.close().await(10, TimeUnit.SECONDS);
            redis.close();
        }
    }

    /** An approved campaign being sent; its counts read straight from Redis (they outlive any node). */
    private static final class Campaign {
        final String id;
        final Set<String> numbers;
        final EmbeddedRedis redis;
        final long approvedAt;
        long finishedAt;
        Map<String, Long> counts = Map.of();

        Campaign(String id, Set<String> numbers, EmbeddedRedis redis, long approvedAt) {
            this.id = id;
            this.numbers = numbers;
            this.redis = redis;
            this.approvedAt = approvedAt;
        }

        void awaitTaken(FakeTwilio twilio, int n) throws InterruptedException {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (twilio.hits.stream().filter(FakeTwilio.Hit::taken).count() < n) {
                if (System.nanoTime() > end) throw new IllegalStateException("the fake Twilio got fewer than " + n + " messages in 120 s");
                Thread.sleep(20);
            }
        }

        /** Until every recipient is accounted for (sent, failed, opted out or skipped) and none is queued. */
        void awaitFinished(long timeoutMs) throws InterruptedException {
            long end = System.nanoTime() + timeoutMs * 1_000_000L;
            while (System.nanoTime() < end) {
                Map<String, Long> now = read();
                if (now != null) {
                    counts = now;
                    if (finished(now)) {
                        finishedAt = System.nanoTime();
                        Thread.sleep(500); // anything still reaching the fake Twilio would be a duplicate: let it show
                        return;
                    }
                }
                Thread.sleep(50);
            }
            throw new IllegalStateException("campaign not finished in " + timeoutMs + " ms: " + counts);
        }

        /** The counts as they are now (what came after the campaign looked finished included). */
        void recount() {
            Map<String, Long> now = read();
            if (now != null) counts = now;
        }

        private static boolean finished(Map<String, Long> c) {
            return c.get("audience") > 0 && c.get("queued") == 0
                    && c.get("audience") == c.get("sent") + c.get("failed") + c.get("opted_out") + c.get("skipped");
        }

        /** The n_* counts, or null while Redis does not answer (it may be the one killed). */
        private Map<String, Long> read() {
            try {
                return RedisInfo.with(redis.url(), c -> {
                    Map<String, Long> m = new HashMap<>();
                    var values = c.hmget(CampaignStore.key(id), CampaignStore.COUNTS.stream().map(n -> "n_" + n).toArray(String[]::new));
                    for (int i = 0; i < CampaignStore.COUNTS.size(); i++) {
                        m.put(CampaignStore.COUNTS.get(i), values.get(i).hasValue() ? Long.parseLong(values.get(i).getValue()) : 0L);
                    }
                    return m;
                });
            } catch (RuntimeException down) {
                return null;
            }
        }

        /**
         * Of these recipients, those nobody settled: their marker ({@code CampaignSender.marker}) is not "done",
         * so no count (skipped, failed, opted out) holds them either.
         */
        private int unsettled(List<String> recipients) {
            CallerHash callers = new CallerHash(Secrets.decode("HASH_KEY", Benchmark.HASH_KEY, 32));
            return RedisInfo.with(redis.url(), c -> (int) recipients.stream()
                    .filter(n -> !"done".equals(c.get(CampaignStore.key(id) + ":to:" + callers.of(n)))).count());
        }

        /** The figures; {@code dupBound}: the most duplicates the fault may cause. */
        Row row(String name, FakeTwilio twilio, int dupBound, String recovery) {
            Map<String, Integer> taken = new HashMap<>();
            Set<String> asked = new java.util.HashSet<>();
            int requests = 0, refused429 = 0, refused500 = 0, held = 0;
            for (FakeTwilio.Hit h : twilio.hits) {
                if (!numbers.contains(h.to())) continue;
                requests++;
                asked.add(h.to());
                if (h.status() == 429) refused429++;
                else if (h.status() == 500) refused500++;
                else if (h.status() == FakeTwilio.Hit.HELD) held++;
                if (h.taken()) taken.merge(h.to(), 1, Integer::sum);
            }
            int duplicated = taken.values().stream().mapToInt(k -> k - 1).sum();
            List<String> never = numbers.stream().filter(n -> !taken.containsKey(n)).toList();
            return new Row(name, numbers.size(), counts, taken.size(), duplicated, never.size(), unsettled(never), requests, requests - asked.size(), refused429, refused500, held,
                    ms(finishedAt - approvedAt), dupBound, recovery);
        }
    }

    /** One scenario's figures: what the fake Twilio saw of the audience, the campaign's counts, {@code finishMs} from the approval. */
    record Row(String name, int audience, Map<String, Long> counts, int sent, int duplicated, int neverSent, int lost,
               int requests, int retried, int refused429, int refused500, int held, long finishMs, int dupBound, String recovery) {
        static String titles() {
            return String.format("%-38s %6s %6s %7s %5s %7s %6s %5s %7s %8s %7s %5s %5s %5s %9s  %s", "scenario", "audnc", "sent",
                    "dup/max", "never", "skipped", "failed", "lost", "counted", "requests", "retried", "429", "500", "t/o", "finish s",
                    "recovery (ms after the fault)");
        }

        String line() {
            return String.format("%-38s %6d %6d %7s %5d %7d %6d %5d %7d %8d %7d %5d %5d %5d %9.1f  %s", name, audience, sent, duplicated + "/" + dupBound,
                    neverSent, counts.get("skipped"), counts.get("failed"), lost, counted(), requests, retried, refused429, refused500,
                    held, finishMs / 1000.0, recovery);
        }

        /** What breaks the scenario's bounds: a recipient lost, or counted other than once. */
        List<String> broken() {
            List<String> b = new ArrayList<>();
            if (lost > 0) b.add(name + ": " + lost + " recipients lost");
            if (duplicated > dupBound) b.add(name + ": " + duplicated + " sent twice, more than " + dupBound);
            if (counted() != audience) b.add(name + ": the counts account for " + counted() + " recipients of " + audience);
            return b;
        }

        /** Recipients the campaign's counts account for: the audience, unless one was counted twice. */
        long counted() {
            return counts.get("sent") + counts.get("failed") + counts.get("opted_out") + counts.get("skipped");
        }
    }
}
