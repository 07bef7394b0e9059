package org.taama.http;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.taama.consent.ConsentStore;
import org.taama.server.Server;
import org.taama.support.RedisNode;
import org.taama.support.RedisSentinelSet;
import org.taama.support.TestServers;
import org.taama.support.Ussd;

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
 * The Redis master dies (SIGKILL) while callers walk the menus and subscribe: the sentinels promote the
 * replica, and Taama follows by itself. Callers read at most the apology while it happens, service comes
 * back without a restart, and every subscription a caller was told about is on the new master. The
 * figures (hops, apologies, time to recover) are printed; the bound asserted is only "comes back".
 */
@DisplayName("Sentinel failover under USSD load")
class SentinelFailoverTest {
    static RedisSentinelSet sentinel;
    static Server server;

    @BeforeAll
    static void start() throws Exception {
        sentinel = RedisSentinelSet.start();
        sentinel.awaitReadyForFailover();
        // As production behind Sentinel should run: a consent change is on the replica before the caller is told.
        server = TestServers.start(Map.of("REDIS_URL", sentinel.url(), "REDIS_CLUSTER", "false", "REDIS_WAIT_REPLICAS", "1"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) server.close();
        if (sentinel != null) sentinel.close();
    }

    /** One hop's answer as the caller reads it. */
    enum Read { SCREEN, APOLOGY }

    static Read read(Ussd.Reply r) {
        Screens.readable(r);
        return r.ends() && r.screen().contains("indisponible") ? Read.APOLOGY : Read.SCREEN;
    }

    @Test
    @DisplayName("killing the master: at most the apology, back by itself, no subscription lost")
    void masterDiesUnderLoad() throws Exception {
        int callers = 12;
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong hops = new AtomicLong();
        AtomicLong apologies = new AtomicLong();
        AtomicLong lastApology = new AtomicLong();
        AtomicLong killedAt = new AtomicLong(Long.MAX_VALUE);
        AtomicLong firstScreenAfterKill = new AtomicLong();
        Queue<String> subscribed = new ConcurrentLinkedQueue<>();
        Queue<Throwable> broken = new ConcurrentLinkedQueue<>();
        Queue<String> offPath = new ConcurrentLinkedQueue<>();
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        for (int i = 0; i < callers; i++) {
            pool.submit(() -> {
                while (running.get()) {
                    String number = Phone.freshNumber();
                    Ussd phone = new Ussd(server.port(), Phone.freshSessionId("fo"), number);
                    try {
                        // Français, awareness messages, subscribe, Bamako: the last screen confirms it.
                        List<java.util.function.Supplier<Ussd.Reply>> walk = List.of(phone::dial, () -> phone.type("1"),
                                () -> phone.type("5"), () -> phone.type("1"), () -> phone.type("1"));
                        for (int h = 0; h < walk.size(); h++) {
                            Ussd.Reply r = walk.get(h).get();
                            long now = System.nanoTime();
                            hops.incrementAndGet();
                            if (read(r) == Read.APOLOGY) {
                                apologies.incrementAndGet();
                                lastApology.accumulateAndGet(now, Math::max);
                                Thread.sleep(50); // a person redials; they do not hammer
                                break;
                            }
                            if (now > killedAt.get()) firstScreenAfterKill.compareAndSet(0, now);
                            if (h == walk.size() - 1) {
                                if (r.screen().contains("STOP")) subscribed.add(number);
                                else offPath.add("hop " + h + ": " + r.screen());
                            }
                        }
                    } catch (Throwable t) {
                        broken.add(t);
                    }
                }
            });
        }
        Thread.sleep(2000);
        RedisNode master = sentinel.currentMaster();
        long before = hops.get();
        killedAt.set(System.nanoTime());
        master.kill();
        // Service is back once screens flow again and no apology has come for a while.
        RedisNode.waitUntil(Duration.ofSeconds(60), "service to come back after the failover", () ->
                hops.get() > before && lastApology.get() > 0
                        && System.nanoTime() - lastApology.get() > Duration.ofSeconds(3).toNanos());
        running.set(false);
        pool.shutdown();
        assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();

        if (!broken.isEmpty()) broken.peek().printStackTrace();
        assertThat(broken).as("every answer was a readable screen or the apology").isEmpty();
        assertThat(offPath).as("walks whose last screen was not the subscription (a hop lost in the switch)").isEmpty();
        RedisNode promoted = sentinel.currentMaster();
        assertThat(promoted).as("the sentinels promoted the replica").isNotSameAs(master);
        long lost = subscribed.stream().filter(n -> !"in".equals(
                promoted.with(c -> c.hget(ConsentStore.key(Keys.caller(n)), "status")))).count();
        double recovery = (lastApology.get() - killedAt.get()) / 1e9;
        System.out.printf("sentinel failover: %d hops, %d apologies, %d subscriptions confirmed, %d lost; "
                        + "last apology %.2f s after the kill%n", hops.get(), apologies.get(), subscribed.size(), lost, recovery);
        assertThat(subscribed).as("callers subscribed before and after the switch").isNotEmpty();
        assertThat(lost).as("subscriptions confirmed to a caller but missing on the new master").isZero();
        assertThat(apologies.get()).as("the switch was seen (the master did die)").isPositive();
    }
}
