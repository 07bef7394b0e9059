package org.taama.operators;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.taama.cases.CaseStore;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.taama.operators.OpsServer.await;

/**
 * What the operators' side must never let slip, over real HTTP and real Redis: every refusal, sign-in
 * and admin action in the audit; notes only for the claimer and admins; a closed case without its number.
 */
class OperatorAuditHttpTest {
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

    String openCase(String number) {
        return await(ops.cases.open(ops.callers.of(number), number, "morning", false, "fr", "ussd"));
    }

    @Test
    void everyRefusalOnACaseRouteIsAudited() throws Exception {
        String nameA = "ref-a-" + OpsServer.suffix();
        String nameB = "ref-b-" + OpsServer.suffix();
        String a = ops.newOperator(admin, nameA);
        String b = ops.newOperator(admin, nameB);
        String id = openCase(OpsServer.number());
        assertThat(ops.post("/api/cases/" + id + "/claim", a, null).status()).isEqualTo(200);

        assertThat(ops.post("/api/cases/" + id + "/claim", b, null).status()).isEqualTo(409);
        assertThat(ops.post("/api/cases/" + id + "/reveal", b, null).status()).isEqualTo(403);
        assertThat(ops.post("/api/cases/" + id + "/notes", b, new JsonObject().put("note", "not mine")).status()).isEqualTo(403);
        assertThat(ops.post("/api/cases/" + id + "/release", b, null).status()).isEqualTo(403);
        assertThat(ops.get("/api/audit", b).status()).isEqualTo(403);

        List<JsonObject> refusedB = trail(e -> nameB.equals(e.getString("operator")) && "refused".equals(e.getString("action")));
        assertThat(refusedB).extracting(e -> e.getInteger("status") + " " + e.getString("route") + " " + e.getString("case", "-"))
                .containsExactlyInAnyOrder(
                        "409 POST /api/cases/:id/claim " + id,
                        "403 POST /api/cases/:id/reveal " + id,
                        "403 POST /api/cases/:id/notes " + id,
                        "403 POST /api/cases/:id/release " + id,
                        "403 GET /api/audit -");
        assertThat(refusedB.toString()).doesNotContain("not mine");

        // Without a token: counted per hour and route (the id in the path is anyone's text, not kept).
        long before = anonymous("refused:401 POST /api/cases/:id/reveal");
        assertThat(ops.post("/api/cases/" + id + "/reveal", null, null).status()).isEqualTo(401);
        assertThat(ops.post("/api/cases/" + id + "/reveal", "forged-token", null).status()).isEqualTo(401);
        assertThat(anonymous("refused:401 POST /api/cases/:id/reveal")).isEqualTo(before + 2);
    }

    @Test
    void signInsSignOutsAccountsAuditReadsAndErasuresAreAudited() throws Exception {
        String name = "who-" + OpsServer.suffix();
        String pass = "operator-pass-" + UUID.randomUUID();
        var created = ops.post("/api/operators", admin, new JsonObject().put("username", name).put("password", pass).put("role", "operator"));
        assertThat(created.status()).isEqualTo(201);
        var taken = ops.post("/api/operators", admin, new JsonObject().put("username", name).put("password", pass).put("role", "operator"));
        assertThat(taken.status()).isEqualTo(409);
        assertThat(ops.post("/api/login", null, new JsonObject().put("username", name).put("password", "wrong-password-1")).status())
                .isEqualTo(401);
        String token = ops.login(name, pass);
        assertThat(ops.post("/api/logout", token, null).status()).isEqualTo(204);
        long unknownBefore = counted("unknown", "login:failed");
        String stranger = "nobody-" + OpsServer.suffix();
        assertThat(ops.post("/api/login", null, new JsonObject().put("username", stranger).put("password", "a-guess-123")).status())
                .isEqualTo(401);
        assertThat(ops.get("/api/audit?limit=5", admin).status()).isEqualTo(200);
        assertThat(ops.get("/api/audit/reads?limit=5", admin).status()).isEqualTo(200);
        String number = OpsServer.number();
        openCase(number);
        assertThat(ops.post("/api/erase", admin, new JsonObject().put("number", number)).status()).isEqualTo(200);

        assertThat(trail(e -> name.equals(e.getString("subject")))).singleElement().satisfies(e -> {
            assertThat(e.getString("action")).isEqualTo("operator:create");
            assertThat(e.getString("operator")).isEqualTo(ops.adminUser);
            assertThat(e.getString("role")).isEqualTo("operator");
        });
        assertThat(trail(e -> "refused".equals(e.getString("action")) && ops.adminUser.equals(e.getString("operator"))
                && "POST /api/operators".equals(e.getString("route")))).extracting(e -> e.getInteger("status")).contains(409);
        List<JsonObject> own = trail(e -> name.equals(e.getString("operator")));
        assertThat(own).extracting(e -> e.getString("action")).containsExactly("logout", "login", "login:failed");
        assertThat(own.get(1).getString("from")).isEqualTo("127.0.0.1");
        assertThat(own.get(2).getString("from")).isEqualTo("127.0.0.1");
        // A name that is no account is never written (it could be anything someone typed).
        assertThat(counted("unknown", "login:failed")).isEqualTo(unknownBefore + 1);
        assertThat(ops.get("/api/audit?limit=1000", admin).body() + ops.get("/api/audit/reads?limit=1000", admin).body())
                .doesNotContain(stranger).doesNotContain(pass).doesNotContain("wrong-password-1").doesNotContain("a-guess-123");
        List<JsonObject> adminActions = trail(e -> ops.adminUser.equals(e.getString("operator")));
        assertThat(adminActions).extracting(e -> e.getString("action") + " " + e.getString("route", ""))
                .contains("audit:read GET /api/audit", "audit:read GET /api/audit/reads", "erase ");
        String erasures = trail(e -> "erase".equals(e.getString("action"))).toString();
        assertThat(erasures).doesNotContain(number).doesNotContain(org.taama.privacy.CallerHash.normalize(number))
                .doesNotContain(ops.callers.of(number));
    }

    @Test
    void notesAreShownOnlyToTheClaimerAndAdmins() throws Exception {
        String a = ops.newOperator(admin, "notes-a-" + OpsServer.suffix());
        String b = ops.newOperator(admin, "notes-b-" + OpsServer.suffix());
        String id = openCase(OpsServer.number());
        assertThat(ops.post("/api/cases/" + id + "/claim", a, null).status()).isEqualTo(200);
        String said = "her employer in Sikasso holds her papers";
        assertThat(ops.post("/api/cases/" + id + "/notes", a, new JsonObject().put("note", said)).status()).isEqualTo(201);

        JsonObject byClaimer = ops.get("/api/cases/" + id, a).json();
        JsonObject byAdmin = ops.get("/api/cases/" + id, admin).json();
        var byOther = ops.get("/api/cases/" + id, b);
        assertThat(byClaimer.getJsonArray("notes").getJsonObject(0).getString("text")).isEqualTo(said);
        assertThat(byAdmin.getJsonArray("notes").getJsonObject(0).getString("text")).isEqualTo(said);
        assertThat(byOther.status()).isEqualTo(200);
        assertThat(byOther.body()).doesNotContain(said).doesNotContain("Sikasso");
        assertThat(byOther.json().containsKey("notes")).isFalse();
        assertThat(byOther.json().getBoolean("notes_visible")).isFalse();
        assertThat(byOther.json().getLong("notes_count")).isEqualTo(1);

        // Released: nobody but admins reads them; claimed by b: b does, a no longer.
        assertThat(ops.post("/api/cases/" + id + "/release", a, null).status()).isEqualTo(200);
        assertThat(ops.get("/api/cases/" + id, a).body()).doesNotContain(said);
        assertThat(ops.post("/api/cases/" + id + "/claim", b, null).status()).isEqualTo(200);
        assertThat(ops.get("/api/cases/" + id, b).body()).contains(said);
        assertThat(ops.get("/api/cases/" + id, a).body()).doesNotContain(said);
        assertThat(ops.get("/api/cases/" + id, admin).body()).contains(said);
    }

    @Test
    void aClosedCaseDropsItsEncryptedNumberAtOnce() throws Exception {
        String a = ops.newOperator(admin, "close-" + OpsServer.suffix());
        String number = OpsServer.number();
        String id = openCase(number);
        String sealed = await(ops.redis.hget(CaseStore.key(id), "number"));
        assertThat(sealed).isNotBlank();
        assertThat(ops.post("/api/cases/" + id + "/claim", a, null).status()).isEqualTo(200);
        assertThat(ops.post("/api/cases/" + id + "/reveal", a, null).json().getString("number")).isEqualTo(number);
        assertThat(ops.post("/api/cases/" + id + "/status", a, new JsonObject().put("status", "closed").put("note", "helped"))
                .status()).isEqualTo(200);

        Map<String, String> h = await(ops.redis.hgetall(CaseStore.key(id)));
        assertThat(h).containsEntry("status", "closed").doesNotContainKey("number");
        assertThat(org.taama.support.RedisDump.everything(ops.redis)).doesNotContain(sealed);
        // The rest stays for the retention period: the case still reads, without a number to reveal.
        assertThat(ops.get("/api/cases/" + id, a).json().getString("status")).isEqualTo("closed");
        assertThat(ops.post("/api/cases/" + id + "/reveal", a, null).status()).isEqualTo(409);
    }

    @Test
    void casesClosedBeforeThisStillHoldingANumberLoseItAtStart() throws Exception {
        String a = ops.newOperator(admin, "old-close-" + OpsServer.suffix());
        String number = OpsServer.number();
        String id = openCase(number);
        String sealed = await(ops.redis.hget(CaseStore.key(id), "number"));
        assertThat(ops.post("/api/cases/" + id + "/claim", a, null).status()).isEqualTo(200);
        assertThat(ops.post("/api/cases/" + id + "/status", a, new JsonObject().put("status", "closed")).status()).isEqualTo(200);
        // As an older version left it: closed, with its number.
        await(ops.redis.hset(CaseStore.key(id), Map.of("number", sealed)));
        String open = openCase(OpsServer.number());

        assertThat(await(ops.cases.forgetClosedNumbers())).isGreaterThanOrEqualTo(1);
        assertThat(await(ops.redis.hgetall(CaseStore.key(id)))).containsEntry("status", "closed").doesNotContainKey("number");
        assertThat(await(ops.redis.hget(CaseStore.key(open), "number"))).as("open cases keep theirs").isNotBlank();
        assertThat(await(ops.cases.forgetClosedNumbers())).as("nothing left to drop").isZero();
    }

    static List<JsonObject> trail(java.util.function.Predicate<JsonObject> which) {
        return await(ops.cases.audit().recent(0, 100_000)).stream().filter(which).toList();
    }

    static long counted(String operator, String action) {
        return await(ops.cases.audit().reads(0, 100_000)).stream()
                .filter(r -> operator.equals(r.getString("operator")) && action.equals(r.getString("action")))
                .mapToLong(r -> r.getLong("count")).sum();
    }

    static long anonymous(String action) {
        return counted("anonymous", action);
    }
}
