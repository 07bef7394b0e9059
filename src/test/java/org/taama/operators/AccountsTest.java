package org.taama.operators;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.taama.config.Config;
import org.taama.web.BadRequest;

import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.taama.operators.OpsServer.await;

/** Password storage: the format, the work factor read back from Redis, verification, the first admin. */
class AccountsTest {
    static OpsServer ops;

    @BeforeAll
    static void start() throws Exception {
        ops = new OpsServer();
    }

    @AfterAll
    static void stop() throws Exception {
        ops.close();
    }

    @Test
    void storedPasswordIsSlowSaltedPbkdf2() {
        String name = "fmt-" + OpsServer.suffix();
        await(ops.accounts.create(name, "correct horse battery", "operator"));
        Map<String, String> h = await(ops.redis.hgetall(Accounts.key(name)));
        assertThat(h).containsEntry("role", "operator").containsKeys("password", "created_at");
        String stored = h.get("password");
        assertThat(stored).doesNotContain("correct horse battery");
        String[] p = stored.split("\\$");
        assertThat(p).hasSize(4);
        assertThat(p[0]).isEqualTo("pbkdf2");
        assertThat(Integer.parseInt(p[1])).isGreaterThanOrEqualTo(210_000);
        assertThat(Base64.getDecoder().decode(p[2])).hasSize(16);
        assertThat(Base64.getDecoder().decode(p[3])).hasSize(32);

        // Same password, another account: another salt, another hash.
        String name2 = "fmt2-" + OpsServer.suffix();
        await(ops.accounts.create(name2, "correct horse battery", "operator"));
        String stored2 = await(ops.redis.hget(Accounts.key(name2), "password"));
        assertThat(stored2.split("\\$")[2]).isNotEqualTo(p[2]);
        assertThat(stored2.split("\\$")[3]).isNotEqualTo(p[3]);

        assertThat(Accounts.verify("correct horse battery", stored)).isTrue();
        assertThat(Accounts.verify("correct horse batterY", stored)).isFalse();
        assertThat(Accounts.verify("correct horse battery", "plain")).isFalse();
        assertThat(Accounts.verify("correct horse battery", "pbkdf2$x$y$z")).isFalse();
        assertThat(Accounts.verify("correct horse battery", null)).isFalse();
    }

    @Test
    void firstAdminComesFromConfigurationOnceAndIsNeverOverwritten() throws Exception {
        String name = "boot-" + OpsServer.suffix();
        Config config = Config.from(Map.of("ADMIN_USERNAME", name, "ADMIN_PASSWORD", "first-admin-password"));
        assertThat(config.adminUsername()).isEqualTo(name);
        assertThat(config.toString()).doesNotContain("first-admin-password");
        assertThat(await(ops.accounts.ensureAdmin(config))).isTrue();
        assertThat(await(ops.accounts.ensureAdmin(config.with("ADMIN_PASSWORD", "another-admin-password")))).isFalse();
        assertThat(await(ops.redis.hget(Accounts.key(name), "role"))).isEqualTo("admin");
        assertThat(ops.login(name, "first-admin-password")).isNotBlank();
        assertThat(await(ops.accounts.ensureAdmin(Config.from(Map.of())))).isFalse();
        Throwable weak = ops.accounts.ensureAdmin(Config.from(Map.of("ADMIN_USERNAME", "weak-" + OpsServer.suffix(), "ADMIN_PASSWORD", "short")))
                .toCompletionStage().toCompletableFuture().handle((v, e) -> e).get();
        assertThat(weak).isNotNull();
        assertThat(weak.getMessage()).contains("password");
    }

    @Test
    void caseRetentionDefaultsTo90Days() {
        assertThat(Config.from(Map.of()).caseRetentionDays()).isEqualTo(90);
        assertThat(Config.from(Map.of("CASE_RETENTION_DAYS", "30")).caseRetentionDays()).isEqualTo(30);
    }

    @Test
    void tokensAreRefusedOnceTheAccountIsGone() throws Exception {
        String name = "gone-" + OpsServer.suffix();
        await(ops.accounts.create(name, "a-long-enough-password", "operator"));
        String token = ops.login(name, "a-long-enough-password");
        assertThat(await(ops.accounts.authenticate(token)).username()).isEqualTo(name);
        await(ops.redis.del(Accounts.key(name)));
        Throwable e = ops.accounts.authenticate(token).toCompletionStage().toCompletableFuture().handle((v, x) -> x).get();
        assertThat(e).isInstanceOf(BadRequest.class);
        assertThat(((BadRequest) e).status()).isEqualTo(401);
    }

    @Test
    void tenWrongPasswordsForOneUsernameMakeItWaitFromEveryAddress() {
        String name = "guess-" + OpsServer.suffix();
        await(ops.accounts.create(name, "the-right-password", "operator"));
        for (int i = 0; i < LoginThrottle.PER_USERNAME; i++) {
            // Each guess from another address: the limit is the username's, wherever guesses come from.
            assertThat(status(ops.accounts.login(name, "wrong-" + i, "203.0.113." + (10 + i)))).isEqualTo(401);
        }
        long checks = ops.accounts.passwordChecks();
        BadRequest blocked = failure(ops.accounts.login(name, "the-right-password", "198.51.100.2"));
        assertThat(blocked.status()).isEqualTo(429);
        assertThat(blocked.retryAfterSeconds()).isBetween(1L, LoginThrottle.WINDOW.toSeconds());
        assertThat(ops.accounts.passwordChecks()).as("a throttled attempt checks no password").isEqualTo(checks);
        // Another node, which never saw these attempts, holds the username back too (Redis decides).
        Accounts otherNode = new Accounts(ops.redis, java.time.Clock.systemUTC());
        assertThat(status(otherNode.login(name, "the-right-password", "198.51.100.3"))).isEqualTo(429);
        assertThat(otherNode.passwordChecks()).isZero();
        // Another account from the same addresses is not held back.
        String other = "other-" + OpsServer.suffix();
        await(ops.accounts.create(other, "another-right-password", "operator"));
        assertThat(await(ops.accounts.login(other, "another-right-password", "203.0.113.10"))).isNotBlank();
    }

    @Test
    void aFullHashingPoolRefusesAtOnceAndTheAttemptDoesNotCount() {
        String name = "busy-" + OpsServer.suffix();
        await(ops.accounts.create(name, "the-right-password", "operator"));
        // A pool of one thread and a queue of one: of eight sign-ins at once, most find it full.
        PasswordHashing tiny = new PasswordHashing(ops.vertx, 1, 1);
        Accounts accounts = new Accounts(ops.redis, java.time.Clock.systemUTC(), ops.cases.audit(), tiny);
        List<io.vertx.core.Future<String>> tries = new java.util.ArrayList<>();
        for (int i = 0; i < 8; i++) tries.add(accounts.login(name, "wrong-" + i, "203.0.113." + (100 + i)));
        List<BadRequest> refusals = tries.stream().map(AccountsTest::failure).toList();
        List<Integer> statuses = refusals.stream().map(BadRequest::status).toList();
        assertThat(statuses).containsOnly(401, 503).contains(503);
        assertThat(refusals.stream().filter(r -> r.status() == 503)).allSatisfy(r -> assertThat(r.retryAfterSeconds()).isPositive());
        long wrong = statuses.stream().filter(st -> st == 401).count();
        assertThat(tiny.checks()).isEqualTo(wrong);
        // Only the attempts whose password was checked count against the username.
        String counted = await(ops.redis.get(LoginThrottle.attempt(name, "203.0.113.100").userKey()));
        assertThat(Long.parseLong(counted)).isEqualTo(wrong);
        tiny.close();
    }

    @Test
    void oneIpv6SlashSixtyFourCountsAsOneSenderWhateverNamesItTries() {
        String prefix = "2001:db8:" + Integer.toHexString(ThreadLocalRandom.current().nextInt(1, 0xffff)) + ":7:";
        for (int i = 0; i < LoginThrottle.PER_NETWORK; i++) {
            // Every attempt from another address of the same /64, for another (unknown) name.
            assertThat(status(ops.accounts.login("nobody-" + OpsServer.suffix(), "whatever-password", prefix + "0:0:0:" + Integer.toHexString(i + 1))))
                    .isEqualTo(401);
        }
        String name = "v6-" + OpsServer.suffix();
        await(ops.accounts.create(name, "the-right-password", "operator"));
        assertThat(status(ops.accounts.login(name, "the-right-password", prefix + "ffff:1:2:3"))).isEqualTo(429);
        // The next /64 is another sender.
        String next = prefix.replace(":7:", ":8:");
        assertThat(await(ops.accounts.login(name, "the-right-password", next + "1:2:3:4"))).isNotBlank();
    }

    @Test
    void networksAreIpv4AddressesAndIpv6SlashSixtyFours() {
        assertThat(LoginThrottle.network("203.0.113.7")).isEqualTo("203.0.113.7");
        assertThat(LoginThrottle.network("2001:db8:1:2:aaaa:bbbb:cccc:dddd")).isEqualTo("2001:db8:1:2::/64");
        assertThat(LoginThrottle.network("[2001:DB8:1:2::1]")).isEqualTo("2001:db8:1:2::/64");
        assertThat(LoginThrottle.network("2001:db8:1:2::1%eth0")).isEqualTo("2001:db8:1:2::/64");
        assertThat(LoginThrottle.network("::ffff:198.51.100.9")).isEqualTo("198.51.100.9");
        // Not an address literal: never resolved, all counted together.
        for (String bad : new String[] {null, "", "localhost", "1234", "example.org", "1.2.3", "x".repeat(5000), "1.2.3.4\u0000", "01.2.3.4"}) {
            assertThat(LoginThrottle.network(bad)).as(String.valueOf(bad)).isEqualTo("unknown");
        }
    }

    @Test
    void reservedNamesCannotBeAccounts() {
        for (String name : Accounts.RESERVED) {
            BadRequest e = failure(ops.accounts.create(name, "a-long-enough-password", "operator"));
            assertThat(e.status()).isEqualTo(400);
            assertThat(e.getMessage()).contains("reserved");
        }
        // Even if one were written into Redis by hand, nobody signs in as it.
        await(ops.redis.hset(Accounts.key("system"), Map.of("role", "admin", "password", Accounts.hash("system-password-123", 1000))));
        try {
            assertThat(status(ops.accounts.login("system", "system-password-123", "192.0.2.77"))).isEqualTo(401);
        } finally {
            await(ops.redis.del(Accounts.key("system")));
        }
        Throwable boot = ops.accounts.ensureAdmin(Config.from(Map.of("ADMIN_USERNAME", "system", "ADMIN_PASSWORD", "long-enough-password")))
                .toCompletionStage().toCompletableFuture().handle((v, x) -> x).join();
        assertThat(boot).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("reserved");
    }

    static int status(io.vertx.core.Future<?> f) {
        return failure(f).status();
    }

    static BadRequest failure(io.vertx.core.Future<?> f) {
        Throwable e = f.toCompletionStage().toCompletableFuture().handle((ok, err) -> err).join();
        assertThat(e).isInstanceOf(BadRequest.class);
        return (BadRequest) e;
    }
}
