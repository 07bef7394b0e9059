package org.taama.campaign;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.taama.config.QuietHours;
import org.taama.consent.Channel;
import org.taama.consent.ConsentStore;
import org.taama.privacy.CallerHash;
import org.taama.privacy.NumberCipher;
import org.taama.redis.Redis;
import org.taama.support.Await;
import org.taama.support.FakeTwilio;
import org.taama.support.TestRedis;
import org.taama.support.TestServers;

import java.io.File;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two real server processes (their own JVMs, {@code org.taama.Main}) share one Redis and send one
 * campaign to the fake Twilio in this JVM; one is killed with SIGKILL half-way. The other takes over
 * what the dead one held once it has been idle {@code SEND_CLAIM_IDLE} and finishes the campaign.
 *
 * <p>What may go wrong, and only that: a message the dead node had marked as taken but not reported is
 * never sent again (no duplicates), so it is lost if the node died before handing it to Twilio; each
 * such one is counted as skipped. Losses and duplicates are both bounded by what the dead node held.
 */
class NodeKilledMidCampaignTest {
    static final String SID = "AC" + "0123456789abcdef0123456789abcdef";
    static final String TOKEN = "kill-auth-token-0123456789";
    static final String PUBLIC = "https://taama.example.org";
    static final String FROM = "+1500777" + ThreadLocalRandom.current().nextInt(1000, 9999);
    static final String FR = "Vos droits vous suivent partout. Appelez le 80 00 00 00.";
    static final String BM = "I ka hakɛw bɛ i bolo. I bɛ se ka wele kɛ 80 00 00 00 kan.";
    static final String ADMIN = "admin-" + UUID.randomUUID().toString().substring(0, 8);
    static final String ADMIN_PASS = "admin-password-" + UUID.randomUUID();
    static final int RECIPIENTS = 600;
    static final int RATE = 100;
    static final int THREADS = 4;

    static Vertx vertx;
    static FakeTwilio fake;
    static Redis redis;
    static ConsentStore consent;
    static CallerHash callers;
    static final List<Process> nodes = new ArrayList<>();
    /** Kills the children even if this JVM is stopped before @AfterAll. */
    static final Thread reaper = new Thread(() -> nodes.forEach(Process::destroyForcibly));

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        fake = FakeTwilio.start(vertx, SID, TOKEN);
        redis = Redis.connect(vertx, TestRedis.url(), TestRedis.cluster(), Duration.ofSeconds(5));
        consent = new ConsentStore(redis, new NumberCipher(Base64.getDecoder().decode(TestServers.ENCRYPTION_KEY)), Clock.systemUTC());
        callers = new CallerHash(Base64.getDecoder().decode(TestServers.HASH_KEY));
        Runtime.getRuntime().addShutdownHook(reaper);
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            for (Process p : nodes) {
                p.destroyForcibly();
                p.waitFor();
            }
            Runtime.getRuntime().removeShutdownHook(reaper);
        } finally {
            redis.close();
            fake.close();
            vertx.close();
        }
    }

    @Test
    void theOtherNodeFinishesWithNoDuplicateAndLosesAtMostWhatTheDeadOneHeld() throws Exception {
        String region = org.taama.support.Audiences.freshRegion(redis);
        Map<String, String> numbers = subscribe(region);
        fake.latency(Duration.ofMillis(5), Duration.ofMillis(20));

        int portA = freePort(), portB = freePort();
        Process a = node(portA, "a");
        Process b = node(portB, "b");
        CampaignApi apiA = new CampaignApi(portA);
        CampaignApi.until(Duration.ofSeconds(90), () -> started("a") && started("b"), "both nodes are up");
        assertThat(reachableOutsideLoopback(portA)).as("a test node listens on loopback only").isFalse();

        String admin = apiA.login(ADMIN, ADMIN_PASS);
        String volunteer = apiA.account(admin, "volunteer");
        String operator = apiA.account(admin, "operator");
        String id = apiA.approved(volunteer, operator, FR, BM, List.of(region));

        String stream = CampaignSender.stream(FROM);
        CampaignApi.until(Duration.ofSeconds(60), () -> accepted(numbers).size() >= RECIPIENTS / 4
                && consumers(stream).size() == 2, "both nodes send and a quarter is sent");
        b.destroyForcibly(); // SIGKILL: no shutdown hook, no goodbye to Redis
        b.waitFor();
        long killed = System.nanoTime();
        int sentAtKill = accepted(numbers).size();
        Thread.sleep(600);
        // The dead consumer is the one that stopped reading (the live one reads every 100 ms).
        Map<String, long[]> after = consumers(stream);
        long held = after.values().stream().filter(v -> v[1] >= 500).mapToLong(v -> v[0]).sum();

        CampaignApi.until(Duration.ofSeconds(60), () -> CampaignApi.finished(apiA.counts(id, operator)), "the survivor finishes");
        double tookOver = (System.nanoTime() - killed) / 1e9;
        Thread.sleep(300);

        Map<String, List<FakeTwilio.Received>> got = accepted(numbers);
        long duplicates = got.values().stream().mapToLong(l -> l.size() - 1).sum();
        List<String> lost = numbers.keySet().stream().filter(n -> !got.containsKey(n)).toList();
        JsonObject c = apiA.counts(id, operator);
        System.out.printf("SIGKILL mid-campaign: %d recipients, %d sent before the kill, the dead node held %d; "
                        + "the survivor finished %.1f s later: duplicates %d, losses %d; counts %s%n",
                RECIPIENTS, sentAtKill, held, tookOver, duplicates, lost.size(), c.encode());

        assertThat(held).as("the killed node was holding messages (else nothing was taken over)").isPositive();
        assertThat(duplicates).as("duplicates, at most what the dead node held").isLessThanOrEqualTo(held);
        assertThat(lost.size()).as("losses: only messages the dead node had taken and not reported").isLessThanOrEqualTo((int) held);
        assertThat((long) lost.size()).as("every loss is counted, as skipped").isLessThanOrEqualTo(c.getLong("skipped"));
        assertThat(c.getLong("skipped")).isLessThanOrEqualTo(held);
        assertThat(c.getLong("audience")).isEqualTo(RECIPIENTS);
        assertThat(c.getLong("failed") + c.getLong("opted_out")).isZero();
        assertThat(c.getLong("sent") + c.getLong("skipped")).isEqualTo(RECIPIENTS);
        for (Map.Entry<String, List<FakeTwilio.Received>> e : got.entrySet()) {
            assertThat(e.getValue().get(0).field("Body")).as("in the recipient's language")
                    .isEqualTo(numbers.get(e.getKey()).equals("fr") ? FR : bmSms());
        }
        assertThat(a.isAlive()).as("the survivor is still up").isTrue();
    }

    /** A server process of its own on {@code port}, loopback only, sharing the test Redis and the fake Twilio. */
    static Process node(int port, String name) throws Exception {
        LocalTime now = LocalTime.now(QuietHours.ZONE);
        String quiet = now.plusHours(6).withSecond(0).withNano(0) + "-" + now.plusHours(7).withSecond(0).withNano(0);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-cp", System.getProperty("java.class.path"), "org.taama.Main", "serve");
        Map<String, String> env = pb.environment();
        env.clear();
        env.putAll(Map.of("PORT", Integer.toString(port), "HTTP_HOST", "127.0.0.1", "REDIS_URL", TestRedis.url(),
                "HASH_KEY", TestServers.HASH_KEY, "ENCRYPTION_KEY", TestServers.ENCRYPTION_KEY, "VERTICLES", "1",
                "TWILIO_ACCOUNT_SID", SID, "TWILIO_AUTH_TOKEN", TOKEN, "TWILIO_API_URL", fake.url(), "TWILIO_SMS_FROM", FROM));
        env.putAll(Map.of("SENDER_RATE", Integer.toString(RATE), "SENDER_THREADS", Integer.toString(THREADS),
                "SEND_CLAIM_IDLE", "2", "QUIET_HOURS", quiet, "ADMIN_USERNAME", ADMIN, "ADMIN_PASSWORD", ADMIN_PASS,
                "PUBLIC_BASE_URL", PUBLIC, "DATA_DIR", Files.createTempDirectory("taama-node-" + name).toString()));
        env.put("REDIS_CLUSTER", Boolean.toString(TestRedis.cluster()));
        pb.directory(new File(System.getProperty("user.dir")));
        pb.redirectErrorStream(true).redirectOutput(log(name).toFile());
        Process p = pb.start();
        nodes.add(p);
        return p;
    }

    static Path log(String name) {
        return Path.of("target", "node-killed-test-" + name + ".log");
    }

    /** The node said it is listening: that comes after its admin account and its campaign sender (HTTP answers before). */
    static boolean started(String name) throws Exception {
        return Files.exists(log(name)) && Files.readString(log(name)).contains("Taama listening on port");
    }

    /** True when the port answers on one of this machine's non-loopback IPv4 addresses (false if there is none). */
    static boolean reachableOutsideLoopback(int port) throws Exception {
        for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            for (InetAddress addr : Collections.list(nic.getInetAddresses())) {
                if (!(addr instanceof Inet4Address) || addr.isLoopbackAddress()) continue;
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress(addr, port), 500);
                    return true;
                } catch (java.io.IOException refused) {
                    // not listening there: as it should be
                }
            }
        }
        return false;
    }

    /** The group's consumers: name → {pending, idle ms}. */
    @SuppressWarnings("unchecked")
    static Map<String, long[]> consumers(String stream) {
        List<Object> raw;
        try {
            raw = Await.result(Future.fromCompletionStage(redis.commands().xinfoConsumers(stream, CampaignSender.GROUP)));
        } catch (AssertionError noStreamYet) {
            return Map.of();
        }
        Map<String, long[]> out = new HashMap<>();
        for (Object o : raw) {
            List<Object> f = (List<Object>) o;
            Map<String, Object> kv = new HashMap<>();
            for (int i = 0; i + 1 < f.size(); i += 2) kv.put(String.valueOf(f.get(i)), f.get(i + 1));
            out.put(String.valueOf(kv.get("name")), new long[] {((Number) kv.get("pending")).longValue(), ((Number) kv.get("idle")).longValue()});
        }
        return out;
    }

    static Map<String, List<FakeTwilio.Received>> accepted(Map<String, String> numbers) {
        return fake.requests().stream().filter(r -> r.accepted() && numbers.containsKey(r.field("To")))
                .collect(Collectors.groupingBy(r -> r.field("To"), Collectors.toList()));
    }

    static String bmSms() {
        return new org.taama.cost.TextCost(org.taama.config.Config.from(Map.of())).cost(BM, "sms", "bm").text();
    }

    static Map<String, String> subscribe(String region) {
        Map<String, String> out = new LinkedHashMap<>();
        long first = ThreadLocalRandom.current().nextLong(1_000_000, 9_000_000);
        List<Future<Void>> all = new ArrayList<>();
        for (int i = 0; i < RECIPIENTS; i++) {
            String number = "+2237" + String.format("%07d", first + i);
            String lang = i % 3 == 0 ? "bm" : "fr";
            all.add(consent.optIn(callers.of(number), number, Channel.SMS, lang, region));
            out.put(number, lang);
        }
        Await.result(Future.all(all));
        return out;
    }

    static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
