package org.taama.bench;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.taama.consent.ConsentStore;
import org.taama.privacy.CallerHash;
import org.taama.server.Server;
import org.taama.support.Await;
import org.taama.support.TestServers;

import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;

/** The fault benchmark's callers against a real server: their walk reaches the confirmation and the subscription is in Redis. */
class UssdLoadTest {
    static Server server;
    static final CallerHash CALLERS = new CallerHash(Base64.getDecoder().decode(TestServers.HASH_KEY));

    @BeforeAll
    static void start() throws Exception {
        server = TestServers.start();
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    @Test
    void callersWalkToTheConfirmationAndEachIsSubscribedOnce() throws Exception {
        UssdLoad load = new UssdLoad(2, server::port, server::port);
        long from = System.nanoTime();
        load.start();
        try {
            long end = System.nanoTime() + 20_000_000_000L;
            while (load.acked.size() < 10 && System.nanoTime() < end) Thread.sleep(20);
        } finally {
            load.stop();
        }
        assertThat(load.acked).as("walks that read the confirmation").hasSizeGreaterThanOrEqualTo(10);
        assertThat(load.wrong.get() + load.apologies.get() + load.unanswered.get()).as("every screen the one expected").isZero();
        for (String number : load.acked) {
            String caller = CALLERS.of(number);
            assertThat(Await.result(server.redis().hget(ConsentStore.key(caller), "status"))).isEqualTo("in");
            assertThat(Await.result(server.redis().llen(ConsentStore.logKey(caller)))).as("applied once").isEqualTo(1L);
        }
        assertThat(load.outageSeenMs(from)).as("no fault, no outage").isEqualTo(-1);
        assertThat(load.recoveredMs(from)).isZero();
    }
}
