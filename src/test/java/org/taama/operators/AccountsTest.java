package org.taama.operators;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.taama.config.Config;
import org.taama.web.BadRequest;

import java.util.Base64;
import java.util.Map;

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
    void tenWrongPasswordsFromOneAddressMustWaitOthersStillLogIn() {
        String name = "guess-" + OpsServer.suffix();
        await(ops.accounts.create(name, "the-right-password", "operator"));
        for (int i = 0; i < Accounts.MAX_FAILURES; i++) {
            Throwable wrong = ops.accounts.login(name, "wrong-" + i, "203.0.113.7").toCompletionStage()
                    .toCompletableFuture().handle((ok, err) -> err).join();
            assertThat(((org.taama.web.BadRequest) wrong).status()).isEqualTo(401);
        }
        Throwable blocked = ops.accounts.login(name, "the-right-password", "203.0.113.7").toCompletionStage()
                .toCompletableFuture().handle((ok, err) -> err).join();
        assertThat(((org.taama.web.BadRequest) blocked).status()).isEqualTo(429);
        assertThat(await(ops.accounts.login(name, "the-right-password", "198.51.100.2"))).isNotBlank();
    }
}
