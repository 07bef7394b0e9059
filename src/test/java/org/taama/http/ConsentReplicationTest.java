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

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Behind Sentinel, a subscription is on the replica before the caller reads that it is taken
 * (REDIS_WAIT_REPLICAS=1): a failover promotes that replica, so it cannot forget what a caller was
 * told. A replica that does not answer delays the answer by the wait, never refuses the caller.
 */
@DisplayName("consent changes wait for a replica (REDIS_WAIT_REPLICAS)")
class ConsentReplicationTest {
    static RedisSentinelSet sentinel;
    static Server waiting;
    static Server notWaiting;

    @BeforeAll
    static void start() throws Exception {
        sentinel = RedisSentinelSet.start();
        sentinel.awaitReadyForFailover();
        waiting = TestServers.start(Map.of("REDIS_URL", sentinel.url(), "REDIS_CLUSTER", "false", "REDIS_WAIT_REPLICAS", "1"));
        notWaiting = TestServers.start(Map.of("REDIS_URL", sentinel.url(), "REDIS_CLUSTER", "false"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (waiting != null) waiting.close();
        if (notWaiting != null) notWaiting.close();
        if (sentinel != null) sentinel.close();
    }

    /** Français, awareness messages, subscribe, Bamako: the last screen confirms the subscription. */
    static String subscribe(Server server) {
        String number = Phone.freshNumber();
        Ussd phone = new Ussd(server.port(), Phone.freshSessionId("repl"), number);
        Screens.continues(phone.dial());
        Screens.continues(phone.type("1"));
        Screens.continues(phone.type("5"));
        Screens.continues(phone.type("1"));
        Ussd.Reply done = phone.type("1");
        assertThat(done.ends()).isTrue();
        assertThat(done.screen()).contains("STOP");
        return number;
    }

    static long waitsRun() {
        String stats = sentinel.master().with(c -> c.info("commandstats"));
        var m = java.util.regex.Pattern.compile("cmdstat_wait:calls=(\\d+)").matcher(stats);
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    static String statusOn(RedisNode node, String number) {
        return node.with(c -> c.hget(ConsentStore.key(Keys.caller(number)), "status"));
    }

    @Test
    @DisplayName("the replica holds a subscription when the caller is told; one WAIT per change")
    void onTheReplicaBeforeTheCallerIsTold() {
        long before = waitsRun();
        String number = subscribe(waiting);
        // Read at once, with no retry: WAIT answered before the screen went out, so the replica has it.
        assertThat(statusOn(sentinel.replica(), number)).isEqualTo("in");
        assertThat(waitsRun() - before).as("WAIT sent for the one consent change").isEqualTo(1);
    }

    @Test
    @DisplayName("without the setting no WAIT is sent")
    void notWaitingByDefault() {
        long before = waitsRun();
        subscribe(notWaiting);
        assertThat(waitsRun()).isEqualTo(before);
    }

    @Test
    @DisplayName("a replica that does not answer delays one confirmation, never refuses it; the next changes do not wait until the pause is over")
    void aFrozenReplicaDoesNotRefuseTheCaller() throws Exception {
        long replica = sentinel.replica().pid();
        signal("STOP", replica);
        try {
            long before = waitsRun();
            String number = subscribe(waiting);
            assertThat(statusOn(sentinel.master(), number)).isEqualTo("in");
            assertThat(waitsRun() - before).as("the first change waited").isEqualTo(1);
            subscribe(waiting);
            assertThat(waitsRun() - before).as("the next one, right after, stood on the master alone").isEqualTo(1);
        } finally {
            signal("CONT", replica);
        }
        Thread.sleep(2100); // the lone-master pause
        long before = waitsRun();
        String number = subscribe(waiting);
        assertThat(waitsRun() - before).as("waiting again once the pause is over").isEqualTo(1);
        assertThat(statusOn(sentinel.replica(), number)).isEqualTo("in");
    }

    static void signal(String sig, long pid) throws Exception {
        assertThat(new ProcessBuilder("kill", "-" + sig, Long.toString(pid)).start().waitFor()).isZero();
    }
}
