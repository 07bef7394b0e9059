package org.taama.operators;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.taama.net.Cidr;
import org.taama.web.ClientAddress;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.taama.operators.OpsServer.await;

/**
 * The sign-in throttle over real HTTP, behind a trusted proxy (loopback, as TRUSTED_PROXIES would
 * say), so each request can come from the address its X-Forwarded-For names.
 */
class LoginThrottleHttpTest {
    static OpsServer ops;

    @BeforeAll
    static void start() throws Exception {
        ops = new OpsServer(new ClientAddress(Cidr.parseList("127.0.0.1/32,::1/128")));
    }

    @AfterAll
    static void stop() throws Exception {
        ops.close();
    }

    @Test
    void sixtyConcurrentGuessesFromSixtyAddressesGetAtMostTenPasswordChecks() throws Exception {
        String name = "flood-" + OpsServer.suffix();
        await(ops.accounts.create(name, "the-right-password", "operator"));
        long checksBefore = ops.accounts.passwordChecks();
        long throttledBefore = throttled(name);
        int net = ThreadLocalRandom.current().nextInt(1, 250);

        List<CompletableFuture<HttpResponse<String>>> guesses = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            guesses.add(OpsServer.HTTP.sendAsync(login(name, "wrong-guess-" + i, "10." + net + ".0." + (i + 1)),
                    HttpResponse.BodyHandlers.ofString()));
        }
        List<Integer> statuses = guesses.stream().map(f -> f.join().statusCode()).toList();

        long checked = ops.accounts.passwordChecks() - checksBefore;
        assertThat(checked).as("passwords actually hashed and compared").isLessThanOrEqualTo(LoginThrottle.PER_USERNAME);
        // Wrong (checked), throttled (counted, not checked), or refused at once while the hashing pool was full.
        assertThat(statuses).isSubsetOf(401, 429, 503);
        assertThat(statuses.stream().filter(s -> s == 401).count()).isEqualTo(checked);
        assertThat(statuses.stream().filter(s -> s != 401).count()).isGreaterThanOrEqualTo(60 - LoginThrottle.PER_USERNAME);

        // The username waits wherever the next attempt comes from, right password or not.
        HttpResponse<String> right = OpsServer.HTTP.send(login(name, "the-right-password", "192.0.2." + net),
                HttpResponse.BodyHandlers.ofString());
        assertThat(right.statusCode()).isEqualTo(429);
        long retry = Long.parseLong(right.headers().firstValue("Retry-After").orElseThrow());
        assertThat(retry).isBetween(1L, LoginThrottle.WINDOW.toSeconds());
        assertThat(new JsonObject(right.body()).getString("error")).contains("try again");
        assertThat(ops.accounts.passwordChecks() - checksBefore).isEqualTo(checked);
        // Every refused attempt is in the audit, the ones this node already knew to refuse too.
        for (int i = 0; i < 5; i++) {
            assertThat(OpsServer.HTTP.send(login(name, "again-" + i, "192.0.2." + net), HttpResponse.BodyHandlers.ofString())
                    .statusCode()).isEqualTo(429);
        }
        long refused = statuses.stream().filter(s -> s == 429).count() + 1 + 5;
        assertThat(throttled(name) - throttledBefore).isEqualTo(refused);
        assertThat(ops.accounts.passwordChecks() - checksBefore).isEqualTo(checked);
    }

    static long throttled(String name) {
        return await(ops.cases.audit().reads(0, 100_000)).stream()
                .filter(r -> name.equals(r.getString("operator")) && "login:throttled".equals(r.getString("action")))
                .mapToLong(r -> r.getLong("count")).sum();
    }

    @Test
    void oneIpv6SlashSixtyFourIsOneSenderAcrossUsernames() throws Exception {
        String home = "2001:db8:" + Integer.toHexString(ThreadLocalRandom.current().nextInt(1, 0xffff)) + ":42:";
        for (int i = 0; i < LoginThrottle.PER_NETWORK; i++) {
            var r = OpsServer.HTTP.send(login("nobody-" + OpsServer.suffix(), "a-guess-password", home + "0:0:0:" + (i + 1)),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(401);
        }
        String name = "v6-" + OpsServer.suffix();
        await(ops.accounts.create(name, "the-right-password", "operator"));
        var sameHome = OpsServer.HTTP.send(login(name, "the-right-password", home + "aaaa:bbbb:cccc:dddd"),
                HttpResponse.BodyHandlers.ofString());
        assertThat(sameHome.statusCode()).isEqualTo(429);
        var nextDoor = OpsServer.HTTP.send(login(name, "the-right-password", home.replace(":42:", ":43:") + "0:0:0:1"),
                HttpResponse.BodyHandlers.ofString());
        assertThat(nextDoor.statusCode()).isEqualTo(200);
    }

    @Test
    void aRightPasswordGivesItsAttemptBack() throws Exception {
        String name = "office-" + OpsServer.suffix();
        await(ops.accounts.create(name, "the-right-password", "operator"));
        String office = "198.18." + ThreadLocalRandom.current().nextInt(1, 250) + ".9";
        // More sign-ins than the network's limit from one office address: all fine, none was wrong.
        for (int i = 0; i < LoginThrottle.PER_NETWORK + 1; i++) {
            var r = OpsServer.HTTP.send(login(name, "the-right-password", office), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as("sign-in " + (i + 1)).isEqualTo(200);
        }
    }

    static HttpRequest login(String user, String pass, String forwardedFor) {
        return HttpRequest.newBuilder(URI.create("http://localhost:" + ops.server.actualPort() + "/api/login"))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .header("X-Forwarded-For", forwardedFor)
                .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("username", user).put("password", pass).encode()))
                .build();
    }
}
