package org.taama.http;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.taama.consent.ConsentStore;
import org.taama.server.Server;
import org.taama.support.Await;
import org.taama.support.RedisNode;
import org.taama.support.TestRedis;
import org.taama.support.TestServers;
import org.taama.support.Ussd;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two nodes behind a round-robin "load balancer" that resends a hop to the other node when its node does
 * not answer (as AT's retry or any proxy does); one node is a separate JVM, killed with SIGKILL while
 * callers walk the menus and subscribe. Every caller finishes their walk on the surviving node (their
 * session is in Redis, not in the node); a hop resent after the kill is not applied twice (the history
 * repeats, so the input is seen once). The figures are printed.
 */
@DisplayName("an app node SIGKILLed under USSD load")
class NodeKilledUnderLoadTest {
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    static Server survivor;
    static Process doomed;
    static int doomedPort;

    @BeforeAll
    static void start() throws Exception {
        survivor = TestServers.start();
        try (ServerSocket s = new ServerSocket(0)) {
            doomedPort = s.getLocalPort();
        }
        Path log = Files.createTempFile("taama-node", ".log");
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "org.taama.Main", "serve")
                .redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> env = pb.environment();
        env.put("PORT", Integer.toString(doomedPort));
        env.put("REDIS_URL", TestRedis.url());
        env.put("REDIS_CLUSTER", Boolean.toString(TestRedis.cluster()));
        env.put("HASH_KEY", TestServers.HASH_KEY);
        env.put("ENCRYPTION_KEY", TestServers.ENCRYPTION_KEY);
        env.put("VERTICLES", "1");
        doomed = pb.start();
        RedisNode.waitUntil(Duration.ofSeconds(90), "the second node to serve (log: " + log + ")", () -> {
            if (!doomed.isAlive()) throw new IllegalStateException("the second node exited; see " + log);
            try {
                return HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + doomedPort + "/ready")).build(),
                        HttpResponse.BodyHandlers.ofString()).statusCode() == 200;
            } catch (Exception e) {
                return false;
            }
        });
    }

    @AfterAll
    static void stop() throws Exception {
        if (doomed != null) doomed.destroyForcibly();
        if (survivor != null) survivor.close();
    }

    @Test
    @DisplayName("every caller finishes on the other node; nothing is applied twice")
    void nodeDies() throws Exception {
        int callers = 8;
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong hops = new AtomicLong();
        AtomicLong resent = new AtomicLong();
        // A hop slower than the Redis budget on a loaded machine reads the apology, as it would in the field.
        AtomicLong apologies = new AtomicLong();
        Queue<String> subscribed = new ConcurrentLinkedQueue<>();
        Queue<String> derailed = new ConcurrentLinkedQueue<>();
        Queue<Throwable> broken = new ConcurrentLinkedQueue<>();
        int[] ports = {survivor.port(), doomedPort};
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        for (int i = 0; i < callers; i++) {
            int lane = i;
            pool.submit(() -> {
                int turn = lane;
                while (running.get()) {
                    Phone phone = new Phone(Phone.freshSessionId("node"), Phone.freshNumber());
                    try {
                        // Français, awareness messages, subscribe, Bamako.
                        String[] inputs = {null, "1", "5", "1", "1"};
                        Ussd.Reply r = null;
                        for (String in : inputs) {
                            int port = ports[turn++ % 2];
                            try {
                                r = in == null ? phone.dial(port) : phone.type(port, in);
                            } catch (IllegalStateException down) {
                                // The balancer resends the same callback (same history) to the other node.
                                resent.incrementAndGet();
                                r = phone.sendText(survivor.port(), phone.history());
                            }
                            hops.incrementAndGet();
                            Screens.readable(r);
                        }
                        if (r.ends() && r.screen().contains("STOP")) subscribed.add(phone.number());
                        else if (r.ends() && r.screen().contains("indisponible")) apologies.incrementAndGet();
                        else derailed.add(r.screen());
                    } catch (Throwable t) {
                        broken.add(t);
                    }
                }
            });
        }
        Thread.sleep(2000);
        doomed.destroyForcibly();     // SIGKILL: no shutdown hook, requests in flight cut
        assertThat(doomed.waitFor(10, TimeUnit.SECONDS)).isTrue();
        Thread.sleep(2000);
        running.set(false);
        pool.shutdown();
        assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();

        assertThat(broken).as("every answer a readable screen").isEmpty();
        long duplicated = subscribed.stream().filter(n -> Await.result(
                survivor.redis().llen(ConsentStore.key(Keys.caller(n)) + ":log")) > 1).count();
        long lost = subscribed.stream().filter(n -> !"in".equals(Await.result(
                survivor.redis().hget(ConsentStore.key(Keys.caller(n)), "status")))).count();
        System.out.printf("node SIGKILL: %d hops, %d resent to the survivor, %d walks finished, %d derailed, "
                        + "%d apologies, %d subscriptions lost, %d recorded twice (the balancer has no health check: it kept trying "
                        + "the dead node for every other hop until the end)%n",
                hops.get(), resent.get(), subscribed.size(), derailed.size(), apologies.get(), lost, duplicated);
        assertThat(resent.get()).as("hops went to the dead node and were resent").isPositive();
        assertThat(derailed).as("walks that did not end subscribed (a lost session starts over)").isEmpty();
        assertThat(lost).isZero();
        assertThat(apologies.get()).as("apologies (load, not the kill: a session lives in Redis)").isLessThan(subscribed.size() / 10 + 1);
        // A hop the dead node applied but never answered is resent to the survivor, which applies it again
        // (a consent "in" written twice, harmless): at most one per caller in flight at the kill.
        assertThat(duplicated).as("subscriptions applied twice, at most the hops in flight").isLessThanOrEqualTo(callers);
    }
}
