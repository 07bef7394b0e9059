package org.taama.bench;

import org.taama.config.Config;
import org.taama.consent.ConsentStore;
import org.taama.privacy.CallerHash;
import org.taama.privacy.Secrets;
import org.taama.redis.EmbeddedRedis;
import org.taama.server.Server;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Faults on purpose, with figures (issue 11 §2): {@code bench --faults [--callers 8] [--outage-ms 2000]
 * [--recipients 3000] [--only ussd|campaign]}.
 *
 * <p>Under USSD load ({@link UssdLoad}: callers walking to a subscription on a redis-server with its
 * append-only file on, and real servers):
 * <ul>
 *   <li>redis: redis-server is SIGKILLed and, after the outage, started again on the same port from its AOF;</li>
 *   <li>node: one of two nodes (a child JVM) is SIGKILLed; the balancer resends what it did not answer to
 *       the other node, and stops sending to it after its 1 s health check.</li>
 * </ul>
 * Lost: acknowledged subscriptions not in Redis afterwards (must be 0). Duplicated: subscriptions whose
 * consent log holds two entries, which only a hop applied twice (resent) makes; at most one per caller
 * in flight at the fault. Outage seen and recovered: when callers got their first bad answer after
 * the fault, and their first good one after the last bad one.
 *
 * <p>Mid-campaign: see {@link CampaignFaults}.
 *
 * <p>The figures are printed whatever they are; then the run fails (exit 1) when one breaks its bound:
 * no walk acknowledged, a loss, more duplicates than in flight, a campaign not finished or losing a recipient.
 */
final class FaultBenchmark {
    private FaultBenchmark() {}

    static void faults(Map<String, String> opt) throws Exception {
        int callers = Integer.parseInt(opt.getOrDefault("callers", "8"));
        long outageMs = Long.parseLong(opt.getOrDefault("outage-ms", "2000"));
        int recipients = Integer.parseInt(opt.getOrDefault("recipients", "3000"));
        List<String> broken = new ArrayList<>();

        String only = opt.getOrDefault("only", "all"); // "ussd" or "campaign": one half only
        if (!only.equals("campaign")) broken.addAll(ussd(callers, outageMs));
        if (!only.equals("ussd")) broken.addAll(campaigns(recipients, outageMs));
        if (!broken.isEmpty()) throw new IllegalStateException("bench --faults: " + String.join("; ", broken));
    }

    private static List<String> ussd(int callers, long outageMs) throws Exception {
        List<String> broken = new ArrayList<>();
        List<UssdRow> ussd = List.of(redisKilled(callers, outageMs), nodeKilled(callers));
        System.out.println();
        System.out.println("USSD faults (" + callers + " callers walking to a subscription: dial, 1 Français, 5 messages, 1 receive, "
                + "a region; redis-server 7.0 appendonly yes, appendfsync everysec):");
        System.out.println(UssdRow.titles());
        for (UssdRow r : ussd) {
            System.out.println(r.line());
            broken.addAll(r.broken());
        }
        return broken;
    }

    private static List<String> campaigns(int recipients, long outageMs) throws Exception {
        List<String> broken = new ArrayList<>();
        CampaignFaults campaigns = new CampaignFaults(recipients, outageMs);
        CampaignFaults.Row clean = campaigns.clean();
        List<CampaignFaults.Row> rows = List.of(clean, campaigns.twilioErrors(0.05, 0.02, 0.002, clean.finishMs()),
                campaigns.redisKilled(), campaigns.nodeKilled());
        System.out.println();
        System.out.println(CampaignFaults.header(recipients));
        System.out.println(CampaignFaults.Row.titles());
        for (CampaignFaults.Row r : rows) {
            System.out.println(r.line());
            broken.addAll(r.broken());
        }
        System.out.println("sent: recipients the fake Twilio took (or held past the time-out: it may have created them); dup/max: taken"
                + " twice / the most the fault may cause (time-outs, or what both nodes hold); never: never taken; lost: never taken and never settled (its marker is not \"done\": no count holds it); retried: requests beyond the first"
                + " per recipient (the SDK's own 5xx retries included); t/o: held 31 s, past the SDK's 30 s socket time-out;"
                + " counted: sent + failed + opted out + skipped in the campaign's counts (the audience, unless one is counted twice).");
        return broken;
    }

    // ------------------------------------------------------------------ USSD scenarios

    /** redis-server SIGKILLed under USSD load, down for outageMs, started again on the same port from its AOF. */
    private static UssdRow redisKilled(int callers, long outageMs) throws Exception {
        Path dir = Files.createTempDirectory("taama-faults-redis");
        EmbeddedRedis redis = EmbeddedRedis.start(dir);
        Server server = Server.start(Config.from(env(redis.url())));
        UssdLoad load = new UssdLoad(callers, server::port, server::port);
        try {
            load.start();
            Thread.sleep(3000);
            long fault = System.nanoTime();
            kill(RedisInfo.pid(redis.url()));
            Thread.sleep(outageMs);
            redis = EmbeddedRedis.start(dir, redis.port());
            load.awaitSteady(System.nanoTime(), 3000, 30_000);
            load.stop();
            return UssdRow.of("redis SIGKILL + AOF restart (" + outageMs + " ms)", load, redis.url(), fault);
        } finally {
            load.stop();
            server.close();
            redis.close();
        }
    }

    /** Two nodes on one Redis; the child-JVM node is SIGKILLed, its callers move to the in-process node. */
    private static UssdRow nodeKilled(int callers) throws Exception {
        Path dir = Files.createTempDirectory("taama-faults-node");
        try (EmbeddedRedis redis = EmbeddedRedis.start(dir)) {
            Server survivor = Server.start(Config.from(env(redis.url())));
            try (ChildNode doomed = ChildNode.start(env(redis.url()))) {
                // Round robin while both live; after its health check the balancer sends everything to the survivor.
                AtomicBoolean doomedInRotation = new AtomicBoolean(true);
                AtomicLong turn = new AtomicLong();
                UssdLoad load = new UssdLoad(callers,
                        () -> doomedInRotation.get() && turn.incrementAndGet() % 2 == 0 ? doomed.port : survivor.port(), survivor::port);
                try {
                    load.start();
                    Thread.sleep(3000);
                    long fault = System.nanoTime();
                    doomed.kill();
                    Thread.sleep(1000);
                    doomedInRotation.set(false);
                    load.awaitSteady(System.nanoTime(), 3000, 30_000);
                    load.stop();
                    return UssdRow.of("node SIGKILL (1 of 2, 1 s LB check)", load, redis.url(), fault);
                } finally {
                    load.stop();
                }
            } finally {
                survivor.close();
            }
        }
    }

    /** One USSD scenario's figures. */
    record UssdRow(String name, long requests, long apologies, long unanswered, long wrong, int acked, int lost, int duplicated,
                   int inFlight, long outageSeenMs, long recoveredMs) {
        static UssdRow of(String name, UssdLoad load, String redisUrl, long fault) {
            return new UssdRow(name, load.requests.get(), load.apologies.get(), load.unanswered.get(), load.wrong.get(),
                    load.acked.size(), lostOf(redisUrl, load.acked), duplicatesOf(redisUrl, load.subscribing), load.callers(),
                    load.outageSeenMs(fault), load.recoveredMs(fault));
        }

        static String titles() {
            return String.format("%-36s %8s %9s %10s %5s %6s %4s %11s %12s %12s", "scenario", "requests", "apologies", "unanswered",
                    "wrong", "acked", "lost", "dup/flight", "outage seen", "recovered");
        }

        String line() {
            return String.format("%-36s %8d %9d %10d %5d %6d %4d %11s %9s ms %9s ms", name, requests, apologies, unanswered, wrong,
                    acked, lost, duplicated + "/" + inFlight, outageSeenMs < 0 ? "none" : "+" + outageSeenMs,
                    recoveredMs < 0 ? "never" : "+" + recoveredMs);
        }

        List<String> broken() {
            List<String> b = new ArrayList<>();
            if (acked == 0) b.add(name + ": no walk reached the confirmation screen");
            if (lost > 0) b.add(name + ": " + lost + " acknowledged subscriptions lost");
            if (duplicated > inFlight) b.add(name + ": " + duplicated + " subscriptions applied twice, more than the " + inFlight + " in flight");
            if (recoveredMs < 0) b.add(name + ": callers never got good answers again");
            return b;
        }
    }

    // ------------------------------------------------------------------ parts

    private static final CallerHash CALLERS = new CallerHash(Secrets.decode("HASH_KEY", Benchmark.HASH_KEY, 32));

    /** Acknowledged subscriptions whose consent record does not say "in". */
    private static int lostOf(String redisUrl, Set<String> acked) {
        return RedisInfo.with(redisUrl, c -> (int) acked.stream()
                .filter(n -> !"in".equals(c.hget(ConsentStore.key(CALLERS.of(n)), "status"))).count());
    }

    /** Numbers (each walked once) whose consent log shows the subscription applied more than once. */
    private static int duplicatesOf(String redisUrl, Set<String> subscribing) {
        return RedisInfo.with(redisUrl, c -> (int) subscribing.stream()
                .filter(n -> c.llen(ConsentStore.logKey(CALLERS.of(n))) > 1).count());
    }

    /** A server's settings for the benchmarks: any free port on loopback, the bench's keys, accounts and Twilio token. */
    static Map<String, String> env(String redisUrl) {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("PORT", "0");
        env.put("HTTP_HOST", "127.0.0.1");
        env.put("REDIS_URL", redisUrl);
        env.put("HASH_KEY", Benchmark.HASH_KEY);
        env.put("ENCRYPTION_KEY", Benchmark.HASH_KEY);
        env.put("TWILIO_AUTH_TOKEN", Benchmark.TWILIO_TOKEN);
        env.put("PUBLIC_BASE_URL", Benchmark.PUBLIC_URL);
        env.put("ADMIN_USERNAME", Benchmark.ADMIN);
        env.put("ADMIN_PASSWORD", Benchmark.ADMIN_PASSWORD);
        return env;
    }

    /** SIGKILL a process (redis-server) and wait until it is gone, so a restart binds the same port. */
    static void kill(long pid) throws Exception {
        Process p = new ProcessBuilder("kill", "-KILL", Long.toString(pid)).inheritIO().start();
        if (!p.waitFor(5, TimeUnit.SECONDS) || p.exitValue() != 0) throw new IllegalStateException("kill -KILL " + pid + " failed");
        ProcessHandle.of(pid).ifPresent(h -> h.onExit().orTimeout(5, TimeUnit.SECONDS).join());
    }
}
