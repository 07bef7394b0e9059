package org.taama.operators;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.taama.cases.CaseStore;
import org.taama.privacy.CallerHash;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.taama.operators.OpsServer.await;

/** The operator API over real HTTP and real Redis: accounts, tokens, roles, the case lifecycle, audit. */
class OperatorRoutesTest {
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
        return await(ops.cases.open(ops.callers.of(number), number, "evening", true, "bm", "ussd"));
    }

    /** The number in the forms someone might find it: as written, digits only, without the country code. */
    static List<String> forms(String number) {
        String digits = CallerHash.normalize(number);
        return List.of(number, digits, digits.substring(3));
    }

    @Test
    void loginGivesATokenAndWrongPasswordOrUnknownUserGet401Alike() throws Exception {
        var ok = ops.post("/api/login", null, new JsonObject().put("username", ops.adminUser).put("password", ops.adminPass));
        assertThat(ok.status()).isEqualTo(200);
        String token = ok.json().getString("token");
        assertThat(token).matches("[A-Za-z0-9_-]{43}");
        assertThat(ok.json().getString("role")).isEqualTo("admin");
        // Only the SHA-256 of the token is stored, with a TTL of 12 h.
        assertThat(await(ops.redis.get(Accounts.tokenKey(token)))).isEqualTo(ops.adminUser);
        assertThat(await(ops.redis.scan("taama:token:" + token))).isEmpty();
        assertThat(await(ops.redis.ttlMillis(Accounts.tokenKey(token)))).isBetween(11L * 3600_000, 12L * 3600_000);

        var bad = ops.post("/api/login", null, new JsonObject().put("username", ops.adminUser).put("password", "wrong-password-123"));
        var unknown = ops.post("/api/login", null, new JsonObject().put("username", "nobody-" + OpsServer.suffix()).put("password", "whatever-password"));
        assertThat(bad.status()).isEqualTo(401);
        assertThat(unknown.status()).isEqualTo(401);
        assertThat(bad.error()).isEqualTo(unknown.error()).isNotBlank();
        assertThat(bad.headers().get("www-authenticate")).containsExactly("Bearer");
    }

    @Test
    void missingOrWrongTokenIs401() throws Exception {
        assertThat(ops.get("/api/cases", null).status()).isEqualTo(401);
        assertThat(ops.get("/api/cases", "not-a-token").status()).isEqualTo(401);
        assertThat(ops.call("GET", "/api/cases", null, null).error()).isNotBlank();
        var basic = ops.HTTP.send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create("http://localhost:" + ops.server.actualPort() + "/api/cases"))
                .header("Authorization", "Basic YWRtaW46YWRtaW4=").build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(basic.statusCode()).isEqualTo(401);
        // A logged-out token no longer works.
        String t = ops.adminToken();
        assertThat(ops.get("/api/cases", t).status()).isEqualTo(200);
        assertThat(ops.post("/api/logout", t, null).status()).isEqualTo(204);
        assertThat(ops.get("/api/cases", t).status()).isEqualTo(401);
    }

    @Test
    void operatorCannotCallAdminEndpoints() throws Exception {
        String op = ops.newOperator(admin, "op-" + OpsServer.suffix());
        var create = ops.post("/api/operators", op, new JsonObject().put("username", "x-" + OpsServer.suffix())
                .put("password", "long-enough-password").put("role", "admin"));
        assertThat(create.status()).isEqualTo(403);
        assertThat(create.error()).isNotBlank();
        assertThat(ops.get("/api/audit", op).status()).isEqualTo(403);
        assertThat(ops.post("/api/erase", op, new JsonObject().put("number", OpsServer.number())).status()).isEqualTo(403);
        assertThat(ops.get("/api/cases", op).status()).isEqualTo(200);
    }

    @Test
    void adminListsTheAccountsWithTheirRolesAndNeverTheirPasswords() throws Exception {
        String name = "vol-" + OpsServer.suffix();
        assertThat(ops.post("/api/operators", admin, new JsonObject().put("username", name)
                .put("password", "a-good-long-password").put("role", "volunteer")).status()).isEqualTo(201);
        // Not an account, though under the same prefix: never listed.
        await(ops.redis.hset(Accounts.key("Not An Account"), java.util.Map.of("role", "admin")));
        await(ops.redis.hset(Accounts.key("no-role-" + OpsServer.suffix()), java.util.Map.of("password", "x")));
        var r = ops.get("/api/operators", admin);
        assertThat(r.status()).isEqualTo(200);
        JsonArray accounts = r.json().getJsonArray("accounts");
        List<String> names = accounts.stream().map(a -> ((JsonObject) a).getString("username")).toList();
        assertThat(names).contains(name, ops.adminUser).isSorted().doesNotContain("Not An Account")
                .noneMatch(n -> n.startsWith("no-role-"));
        JsonObject mine = accounts.stream().map(a -> (JsonObject) a).filter(a -> name.equals(a.getString("username"))).findFirst().orElseThrow();
        assertThat(mine.getString("role")).isEqualTo("volunteer");
        assertThat(mine.getString("created_at")).isNotBlank();
        assertThat(r.body()).doesNotContain("pbkdf2").doesNotContain("password");
        String op = ops.newOperator(admin, "op-" + OpsServer.suffix());
        assertThat(ops.get("/api/operators", op).status()).isEqualTo(403);
        assertThat(ops.get("/api/operators", null).status()).isEqualTo(401);
    }

    @Test
    void adminCreatesOperatorsWithRules() throws Exception {
        String name = "op-" + OpsServer.suffix();
        var r = ops.post("/api/operators", admin, new JsonObject().put("username", name)
                .put("password", "a-good-long-password").put("role", "operator"));
        assertThat(r.status()).isEqualTo(201);
        assertThat(r.json()).isEqualTo(new JsonObject().put("username", name).put("role", "operator"));
        assertThat(ops.login(name, "a-good-long-password")).isNotBlank();

        var dup = ops.post("/api/operators", admin, new JsonObject().put("username", name)
                .put("password", "another-long-password").put("role", "operator"));
        assertThat(dup.status()).isEqualTo(409);
        assertThat(ops.login(name, "a-good-long-password")).isNotBlank(); // not overwritten

        var shortPass = ops.post("/api/operators", admin, new JsonObject().put("username", "s-" + OpsServer.suffix())
                .put("password", "short").put("role", "operator"));
        assertThat(shortPass.status()).isEqualTo(400);
        assertThat(shortPass.error()).contains("password");
        String volunteerName = "v-" + OpsServer.suffix();
        var volunteer = ops.post("/api/operators", admin, new JsonObject().put("username", volunteerName)
                .put("password", "a-good-long-password").put("role", "volunteer"));
        assertThat(volunteer.status()).isEqualTo(201);
        assertThat(volunteer.json().getString("role")).isEqualTo("volunteer");
        // A volunteer signs in, but the case and admin endpoints are not theirs.
        String v = ops.login(volunteerName, "a-good-long-password");
        assertThat(ops.get("/api/cases", v).status()).isEqualTo(403);
        assertThat(ops.get("/api/audit", v).status()).isEqualTo(403);
        var badRole = ops.post("/api/operators", admin, new JsonObject().put("username", "r-" + OpsServer.suffix())
                .put("password", "a-good-long-password").put("role", "root"));
        assertThat(badRole.status()).isEqualTo(400);
        var badName = ops.post("/api/operators", admin, new JsonObject().put("username", "taama:{x}")
                .put("password", "a-good-long-password").put("role", "operator"));
        assertThat(badName.status()).isEqualTo(400);
        var noRole = ops.post("/api/operators", admin, new JsonObject().put("username", "n-" + OpsServer.suffix())
                .put("password", "a-good-long-password"));
        assertThat(noRole.status()).isEqualTo(400);
        assertThat(noRole.error()).isEqualTo("role is required");
    }

    @Test
    void caseLifecycleIsAuditedAndNeverShowsTheNumberButOnReveal() throws Exception {
        String nameA = "op-a-" + OpsServer.suffix();
        String nameB = "op-b-" + OpsServer.suffix();
        String a = ops.newOperator(admin, nameA);
        String b = ops.newOperator(admin, nameB);
        String number = OpsServer.number();
        String caller = ops.callers.of(number);
        String id = openCase(number);
        assertThat(id).matches("[0-9a-f]{32}");

        // Listed, newest first, without the number or the caller hash (opened a millisecond later at
        // least: the index is scored in milliseconds, and two cases of one millisecond tie).
        long opened = System.currentTimeMillis();
        while (System.currentTimeMillis() <= opened) Thread.onSpinWait();
        String other = openCase(OpsServer.number());
        var list = ops.get("/api/cases?status=new&size=100", a);
        assertThat(list.status()).isEqualTo(200);
        JsonArray listed = list.json().getJsonArray("cases");
        List<String> ids = listed.stream().map(o -> ((JsonObject) o).getString("id")).toList();
        assertThat(ids).contains(id, other);
        assertThat(ids.indexOf(other)).isLessThan(ids.indexOf(id));
        assertNoNumber(list.body(), number, caller);

        // Read: audited before returned; number masked.
        var read = ops.get("/api/cases/" + id, a);
        assertThat(read.status()).isEqualTo(200);
        JsonObject c = read.json();
        assertThat(c.getString("status")).isEqualTo("new");
        assertThat(c.getString("window")).isEqualTo("evening");
        assertThat(c.getBoolean("leave_message")).isTrue();
        assertThat(c.getString("number")).isEqualTo(CaseStore.MASK);
        assertNoNumber(read.body(), number, caller);
        assertThat(readsFor(id)).anySatisfy(e -> {
            assertThat(e.getString("operator")).isEqualTo(nameA);
            assertThat(e.getString("action")).isEqualTo("read");
            assertThat(e.getString("hour")).isNotBlank();
            assertThat(e.getLong("count")).isPositive();
        });

        // Claim; another operator cannot claim or reveal it.
        var claim = ops.post("/api/cases/" + id + "/claim", a, null);
        assertThat(claim.status()).isEqualTo(200);
        assertThat(claim.json().getString("claimed_by")).isEqualTo(nameA);
        var steal = ops.post("/api/cases/" + id + "/claim", b, null);
        assertThat(steal.status()).isEqualTo(409);
        assertThat(steal.error()).contains("claimed by another operator");
        var peek = ops.post("/api/cases/" + id + "/reveal", b, null);
        assertThat(peek.status()).isEqualTo(403);
        assertThat(peek.error()).isNotBlank();
        assertThat(ops.post("/api/cases/" + id + "/status", b, new JsonObject().put("status", "contacted")).status()).isEqualTo(403);

        // Reveal by the claimer: the number, audited.
        var reveal = ops.post("/api/cases/" + id + "/reveal", a, null);
        assertThat(reveal.status()).isEqualTo(200);
        assertThat(reveal.json().getString("number")).isEqualTo(number);
        assertThat(reveal.headers().get("cache-control")).containsExactly("no-store");
        assertThat(auditFor(id)).anySatisfy(e -> {
            assertThat(e.getString("operator")).isEqualTo(nameA);
            assertThat(e.getString("action")).isEqualTo("reveal");
        });

        // Forward only.
        var skip = ops.post("/api/cases/" + id + "/status", a, new JsonObject().put("status", "referred"));
        assertThat(skip.status()).isEqualTo(409);
        assertThat(skip.error()).contains("new").contains("referred");
        assertThat(status(a, id, "contacted", "called, will call back").status()).isEqualTo(200);
        assertThat(status(a, id, "referred", null).status()).isEqualTo(200);
        var back = status(a, id, "contacted", null);
        assertThat(back.status()).isEqualTo(409);
        assertThat(back.error()).contains("cannot move from referred to contacted");
        var note = ops.post("/api/cases/" + id + "/notes", a, new JsonObject().put("note", "referred to the legal clinic"));
        assertThat(note.status()).isEqualTo(201);
        var closed = status(a, id, "closed", null);
        assertThat(closed.status()).isEqualTo(200);
        assertThat(closed.json().getString("status")).isEqualTo("closed");
        assertThat(closed.json().getString("closed_at")).isNotBlank();
        var reopen = status(a, id, "new", null);
        assertThat(reopen.status()).isEqualTo(400); // "new" is never a target
        var again = status(a, id, "referred", null);
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.error()).contains("closed is final");
        assertThat(ops.post("/api/cases/" + id + "/notes", a, new JsonObject().put("note", "late")).status()).isEqualTo(409);

        // The read shows the notes; the audit has each change and never a number or a note.
        JsonObject done = ops.get("/api/cases/" + id, a).json();
        assertThat(done.getJsonArray("notes").stream().map(o -> ((JsonObject) o).getString("text")))
                .containsExactly("called, will call back", "referred to the legal clinic");
        assertThat(done.getString("contacted_at")).isNotBlank();
        assertThat(auditFor(id).stream().map(e -> e.getString("action")))
                .contains("open", "claim", "reveal", "status:contacted", "status:referred", "note", "status:closed");
        var audit = ops.get("/api/audit?limit=1000", admin);
        assertThat(audit.status()).isEqualTo(200);
        assertNoNumber(audit.body(), number, caller);
        assertThat(audit.body()).doesNotContain("legal clinic").doesNotContain("will call back");
        JsonArray entries = audit.json().getJsonArray("entries");
        assertThat(entries.getJsonObject(0).getString("at")).isGreaterThanOrEqualTo(entries.getJsonObject(entries.size() - 1).getString("at"));

        // Listed as closed, no longer as new.
        assertThat(ops.get("/api/cases?status=closed&size=100", a).body()).contains(id);
        assertThat(ops.get("/api/cases?status=new&size=100", a).body()).doesNotContain(id);
        // The reveal is over once closed.
        assertThat(ops.post("/api/cases/" + id + "/reveal", a, null).status()).isEqualTo(409);
    }

    @Test
    void releasedCaseCanBeClaimedByAnother() throws Exception {
        String a = ops.newOperator(admin, "op-r-" + OpsServer.suffix());
        String nameB = "op-s-" + OpsServer.suffix();
        String b = ops.newOperator(admin, nameB);
        String id = openCase(OpsServer.number());
        assertThat(ops.post("/api/cases/" + id + "/claim", a, null).status()).isEqualTo(200);
        assertThat(ops.post("/api/cases/" + id + "/release", b, null).status()).isEqualTo(403);
        assertThat(ops.post("/api/cases/" + id + "/release", a, null).status()).isEqualTo(200);
        var claimB = ops.post("/api/cases/" + id + "/claim", b, null);
        assertThat(claimB.status()).isEqualTo(200);
        assertThat(claimB.json().getString("claimed_by")).isEqualTo(nameB);
        // An admin may release anyone's claim (an operator who left).
        assertThat(ops.post("/api/cases/" + id + "/release", admin, null).status()).isEqualTo(200);
        // new → closed directly.
        assertThat(ops.post("/api/cases/" + id + "/claim", a, null).status()).isEqualTo(200);
        assertThat(status(a, id, "closed", "wrong number").status()).isEqualTo(200);
        assertThat(ops.post("/api/cases/" + id + "/claim", b, null).status()).isEqualTo(409);
    }

    @Test
    void hostileInputGets4xxWithAReasonNeverA5xx() throws Exception {
        String a = ops.newOperator(admin, "op-h-" + OpsServer.suffix());
        String id = openCase(OpsServer.number());
        assertThat(ops.post("/api/cases/" + id + "/claim", a, null).status()).isEqualTo(200);
        String unknown = "0123456789abcdef0123456789abcdef";

        List<OpsServer.Reply> replies = List.of(
                ops.call("POST", "/api/login", null, "{not json"),
                ops.call("POST", "/api/login", null, "[1,2]"),
                ops.call("POST", "/api/login", null, ""),
                ops.call("POST", "/api/login", null, "{\"username\": 5, \"password\": \"x\"}"),
                ops.call("POST", "/api/login", null, "{\"username\": \"" + "u".repeat(5000) + "\", \"password\": \"x\"}"),
                ops.call("POST", "/api/cases/" + id + "/status", a, "{\"status\":"),
                ops.post("/api/cases/" + id + "/status", a, new JsonObject()),
                ops.post("/api/cases/" + id + "/status", a, new JsonObject().put("status", "escalated")),
                ops.post("/api/cases/" + id + "/status", a, new JsonObject().put("status", "contacted").put("note", 42)),
                ops.post("/api/cases/" + id + "/notes", a, new JsonObject().put("note", "x".repeat(2001))),
                ops.post("/api/cases/" + id + "/notes", a, new JsonObject().put("note", "   ")),
                ops.post("/api/cases/" + id + "/notes", a, new JsonObject().put("text", "wrong field")),
                ops.call("POST", "/api/cases/" + id + "/notes", a, "{\"note\": \"" + "x".repeat(70_000) + "\"}"),
                ops.get("/api/cases/" + unknown, a),
                ops.get("/api/cases/..%2F..%2Fetc", a),
                ops.get("/api/cases/taama:%7Bx%7D", a),
                ops.post("/api/cases/" + unknown + "/claim", a, null),
                ops.post("/api/cases/" + unknown + "/reveal", a, null),
                ops.post("/api/cases/" + unknown + "/status", a, new JsonObject().put("status", "closed")),
                ops.post("/api/cases/" + unknown + "/notes", a, new JsonObject().put("note", "hi")),
                ops.get("/api/cases?status=bogus", a),
                ops.get("/api/cases?page=-1", a),
                ops.get("/api/cases?size=abc", a),
                ops.get("/api/cases?size=100000", a),
                ops.get("/api/audit?limit=0", admin),
                ops.get("/api/audit?offset=-1", admin),
                ops.get("/api/audit/reads?limit=1001", admin),
                ops.get("/api/audit/reads?offset=x", admin),
                ops.get("/api/audit/reads?limit=%00", admin),
                ops.post("/api/erase", admin, new JsonObject().put("number", "not a number")),
                ops.post("/api/erase", admin, new JsonObject()));
        for (OpsServer.Reply r : replies) {
            assertThat(r.status()).as(r.body()).isBetween(400, 499);
            assertThat(r.error()).as(r.body()).isNotBlank().doesNotContain("\n");
        }
        assertThat(replies.get(0).error()).isEqualTo("body is not valid JSON");
        assertThat(replies.get(7).error()).contains("status must be one of");
        assertThat(replies.get(9).status()).isEqualTo(400);
        assertThat(replies.get(9).error()).contains("2000");
        assertThat(replies.get(12).status()).isEqualTo(413);
        assertThat(replies.get(13).status()).isEqualTo(404);
        assertThat(replies.get(13).error()).isEqualTo("no such case");
        for (int i = 14; i <= 19; i++) assertThat(replies.get(i).status()).isEqualTo(404);
        // Nothing changed the case.
        assertThat(ops.get("/api/cases/" + id, a).json().getString("status")).isEqualTo("new");
    }

    OpsServer.Reply status(String token, String id, String status, String note) throws Exception {
        JsonObject b = new JsonObject().put("status", status);
        if (note != null) b.put("note", note);
        return ops.post("/api/cases/" + id + "/status", token, b);
    }

    static List<JsonObject> auditFor(String id) {
        return await(ops.cases.audit().recent(0, 100_000)).stream().filter(e -> id.equals(e.getString("case"))).toList();
    }

    static List<JsonObject> readsFor(String id) {
        return await(ops.cases.audit().reads(0, 100_000)).stream().filter(e -> id.equals(e.getString("case"))).toList();
    }

    static void assertNoNumber(String text, String number, String caller) {
        for (String f : forms(number)) assertThat(text).doesNotContain(f);
        assertThat(text).doesNotContain(caller);
    }
}
