package org.taama.operators;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.taama.cases.CaseStore;
import org.taama.consent.Channel;
import org.taama.consent.ConsentStore;
import org.taama.privacy.CallerHash;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.taama.operators.OpsServer.await;

/** POST /api/erase leaves nothing about the number anywhere in Redis, and other callers' data stays. */
class ErasureTest {
    static OpsServer ops;
    static String admin;

    @BeforeAll
    static void start() throws Exception {
        ops = new OpsServer();
        admin = ops.adminToken();
    }

    @AfterAll
    static void stop() throws Exception {
        ops.close();
    }

    @Test
    void erasureLeavesNothingAboutTheNumberAndKeepsOthers() throws Exception {
        ConsentStore consent = new ConsentStore(ops.redis, ops.cipher, Clock.systemUTC());
        String number = OpsServer.number();
        String h = ops.callers.of(number);
        String otherNumber = OpsServer.number();
        String otherH = ops.callers.of(otherNumber);
        String thirdNumber = OpsServer.number();

        // Everything a caller leaves behind: consent (and the subscriber set), language, a session…
        await(consent.optIn(h, number, Channel.SMS, "fr", "kayes"));
        await(ops.redis.setex("taama:{" + h + "}:lang", "bm", Duration.ofDays(1)));
        await(ops.redis.setex("taama:{" + h + "}:ussd:africastalking:abc", "{\"node\":\"x\"}", Duration.ofMinutes(5)));
        // …cases they opened (one to call them back, one on a friend's phone), and one a friend opened for them.
        String own = await(ops.cases.open(h, number, "morning", false, "fr", "ussd"));
        String onFriendsPhone = await(ops.cases.open(h, thirdNumber, "afternoon", true, "fr", "sms"));
        String byFriend = await(ops.cases.open(ops.callers.of(thirdNumber), number, "evening", true, "bm", "whatsapp"));
        // Another caller who must keep everything.
        await(consent.optIn(otherH, otherNumber, Channel.SMS, "bm", "mopti"));
        String othersCase = await(ops.cases.open(otherH, otherNumber, "evening", true, "bm", "ussd"));

        String op = ops.newOperator(admin, "op-e-" + OpsServer.suffix());
        for (String id : List.of(own, byFriend, othersCase)) {
            assertThat(ops.post("/api/cases/" + id + "/claim", op, null).status()).isEqualTo(200);
            assertThat(ops.post("/api/cases/" + id + "/reveal", op, null).status()).isEqualTo(200);
            assertThat(ops.post("/api/cases/" + id + "/notes", op, new JsonObject().put("note", "call after 6pm")).status()).isEqualTo(201);
        }
        assertThat(ops.post("/api/cases/" + own + "/status", op, new JsonObject().put("status", "contacted")).status()).isEqualTo(200);

        // Every stored ciphertext of the number, to be sure none survives.
        List<String> forbidden = new ArrayList<>(List.of(h, own, onFriendsPhone, byFriend));
        for (String id : List.of(own, byFriend)) forbidden.add(await(ops.redis.hget(CaseStore.key(id), "number")));
        forbidden.add(await(ops.redis.hget(ConsentStore.key(h), "number")));
        String digits = CallerHash.normalize(number);
        forbidden.addAll(List.of(number, digits, digits.substring(3)));
        assertThat(dump()).as("the setup really stored them").contains(h, own, byFriend);

        var r = ops.post("/api/erase", admin, new JsonObject().put("number", number));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().getInteger("cases")).isEqualTo(3);
        assertThat(r.json().getInteger("keys")).isGreaterThanOrEqualTo(4);
        assertThat(r.json().getBoolean("subscriber")).isTrue();
        assertNoNumber(r.body(), number);

        String everything = dump();
        for (String f : forbidden) assertThat(everything).as("Redis still holds " + f).doesNotContain(f);
        assertThat(await(new org.taama.consent.Subscribers(ops.redis, java.time.Clock.systemUTC()).listed(h))).isFalse();

        // The other caller keeps consent, subscription, case, notes and audit trail.
        assertThat(await(new org.taama.consent.Subscribers(ops.redis, java.time.Clock.systemUTC()).listed(otherH))).isTrue();
        assertThat(await(consent.number(otherH))).isEqualTo(otherNumber);
        var kept = ops.get("/api/cases/" + othersCase, op);
        assertThat(kept.status()).isEqualTo(200);
        assertThat(kept.json().getJsonArray("notes")).hasSize(1);
        assertThat(ops.post("/api/cases/" + othersCase + "/reveal", op, null).json().getString("number")).isEqualTo(otherNumber);
        assertThat(everything).contains(othersCase, otherH);

        // The erasure is audited by whom, without the number; the erased cases' entries say "erased".
        List<JsonObject> audit = await(ops.cases.audit().recent(0, 100_000));
        assertThat(audit).anySatisfy(e -> {
            assertThat(e.getString("action")).isEqualTo("erase");
            assertThat(e.getString("operator")).isEqualTo(ops.adminUser);
            assertThat(e.containsKey("case")).isFalse();
        });
        assertThat(audit).anySatisfy(e -> assertThat(e.getString("case")).isEqualTo("erased"));
        assertThat(ops.get("/api/cases/" + own, op).status()).isEqualTo(404);

        // Erasing again finds nothing.
        var again = ops.post("/api/erase", admin, new JsonObject().put("number", number));
        assertThat(again.json()).isEqualTo(new JsonObject().put("keys", 0).put("cases", 0).put("subscriber", false));
    }

    static void assertNoNumber(String text, String number) {
        String digits = CallerHash.normalize(number);
        assertThat(text).doesNotContain(number).doesNotContain(digits).doesNotContain(digits.substring(3));
    }

    /** Every key and every value in Redis as one text. */
    static String dump() {
        return org.taama.support.RedisDump.everything(ops.redis);
    }
}
