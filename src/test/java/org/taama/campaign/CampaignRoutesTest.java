package org.taama.campaign;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.taama.config.QuietHours;
import org.taama.consent.Channel;
import org.taama.consent.ConsentStore;
import org.taama.cost.TextCost;
import org.taama.i18n.Spelling;
import org.taama.privacy.NumberCipher;
import org.taama.server.Server;
import org.taama.support.Await;
import org.taama.support.TestServers;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** Campaigns through the real server over HTTP, on real Redis: roles, the review path, the preview, hostile input. */
class CampaignRoutesTest {
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    /** Bambara with ɛ and ɔ: UCS-2 as written, GSM-7 once spelled GSM-safe. */
    static final String BM = "I ka kɛnɛya ni i ka hakɛw bɛ i bolo. Ni mɔgɔ b'i degun baara la, i bɛ se ka wele kɛ 80 00 00 00 kan.";
    static final String FR = "Vos droits vous suivent partout. Si un employeur vous retient vos papiers, appelez le 80 00 00 00.";
    static final String ADMIN = "admin-" + suffix();
    static final String ADMIN_PASS = "admin-password-" + UUID.randomUUID();
    static Server server;
    static String admin;
    static ConsentStore consent;

    @BeforeAll
    static void start() throws Exception {
        server = TestServers.start(Map.of("ADMIN_USERNAME", ADMIN, "ADMIN_PASSWORD", ADMIN_PASS));
        admin = login(server, ADMIN, ADMIN_PASS);
        consent = new ConsentStore(server.redis(), new NumberCipher(Base64.getDecoder().decode(TestServers.ENCRYPTION_KEY)),
                Clock.systemUTC());
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    // ---------------------------------------------------------------- the walk

    @Test
    void aVolunteerDraftsSubmitsAndAnOperatorApprovesEveryStepAudited() throws Exception {
        String region = region();
        subscribe(3, "sms", "bm", region);
        subscribe(2, "sms", "fr", region);
        subscribe(4, "whatsapp", "bm", region); // another channel: not this campaign's audience
        String volunteer = newAccount("volunteer");
        String operator = newAccount("operator");

        Reply created = post("/api/campaigns", volunteer, sms(region));
        assertThat(created.status()).isEqualTo(201);
        JsonObject c = created.json();
        assertThat(c.getString("status")).isEqualTo("draft");
        String id = c.getString("id");
        assertThat(c.getJsonObject("preview").getLong("recipients")).isEqualTo(5);
        assertThat(c.getJsonObject("counts").getLong("audience")).isEqualTo(5);
        assertThat(c.getJsonObject("counts").getLong("sent")).isZero();

        Reply preview = get("/api/campaigns/" + id + "/preview", volunteer);
        assertThat(preview.status()).isEqualTo(200);
        JsonObject bm = lang(preview.json(), "bm");
        assertThat(bm.getLong("recipients")).isEqualTo(3);

        assertThat(post("/api/campaigns/" + id + "/submit", volunteer, null).json().getString("status")).isEqualTo("submitted");
        // Staff see what waits for review.
        assertThat(ids(get("/api/campaigns?status=submitted&limit=100", operator).json())).contains(id);
        Reply approved = post("/api/campaigns/" + id + "/approve", operator, null);
        assertThat(approved.status()).isEqualTo(200);
        assertThat(approved.json().getString("status")).isEqualTo("approved");
        assertThat(approved.json().getString("decided_by")).isEqualTo(name(operator));
        assertThat(get("/api/campaigns/" + id, volunteer).json().getString("status")).isEqualTo("approved");

        List<JsonObject> trail = trail(id);
        assertThat(trail).extracting(e -> e.getString("action"))
                .containsExactly("campaign:approve", "campaign:submit", "campaign:create");
        assertThat(trail).extracting(e -> e.getString("operator"))
                .containsExactly(name(operator), name(volunteer), name(volunteer));
        assertThat(trail.get(0).getString("to")).isEqualTo("approved");
    }

    @Test
    void aVolunteerSeesOnlyTheirOwnAndMayNotReview() throws Exception {
        String a = newAccount("volunteer");
        String b = newAccount("volunteer");
        String id = post("/api/campaigns", a, sms(region())).json().getString("id");
        post("/api/campaigns/" + id + "/submit", a, null);

        Reply seen = get("/api/campaigns/" + id, b);
        assertThat(seen.status()).isEqualTo(404);
        Reply none = get("/api/campaigns/" + "0".repeat(20), b);
        assertThat(seen.body()).isEqualTo(none.body()); // another's looks like none at all
        assertThat(get("/api/campaigns/" + id + "/preview", b).status()).isEqualTo(404);
        assertThat(call("PUT", "/api/campaigns/" + id, b, sms(region()).encode()).status()).isEqualTo(404);
        assertThat(post("/api/campaigns/" + id + "/cancel", b, null).status()).isEqualTo(404);
        assertThat(ids(get("/api/campaigns", b).json())).doesNotContain(id);
        assertThat(ids(get("/api/campaigns", a).json())).contains(id);
        // Even on their own or another's, a volunteer does not review.
        assertThat(post("/api/campaigns/" + id + "/approve", a, null).status()).isEqualTo(403);
        assertThat(post("/api/campaigns/" + id + "/approve", b, null).status()).isIn(403, 404);
        assertThat(post("/api/campaigns/" + id + "/reject", a, new JsonObject().put("reason", "no")).status()).isEqualTo(403);
        assertThat(get("/api/campaigns/" + id, a).json().getString("status")).isEqualTo("submitted");
        // The refusal to a signed-in user is in the trail.
        assertThat(recent(200)).anySatisfy(e -> {
            assertThat(e.getString("operator")).isEqualTo(name(a));
            assertThat(e.getString("action")).isEqualTo("refused");
            assertThat(e.getString("route")).isEqualTo("POST /api/campaigns/:id/approve");
            assertThat(e.getString("campaign")).isEqualTo(id);
            assertThat(e.getInteger("status")).isEqualTo(403);
        });
    }

    @Test
    void nobodyApprovesOrRejectsTheirOwn() throws Exception {
        String op = newAccount("operator");
        String id = post("/api/campaigns", op, sms(region())).json().getString("id");
        post("/api/campaigns/" + id + "/submit", op, null);
        Reply self = post("/api/campaigns/" + id + "/approve", op, null);
        assertThat(self.status()).isEqualTo(403);
        assertThat(self.error()).contains("own");
        assertThat(trail(id).get(0).getString("action")).isEqualTo("refused");
        assertThat(trail(id).get(0).getString("operator")).isEqualTo(name(op));
        assertThat(post("/api/campaigns/" + id + "/approve", admin, null).status()).isEqualTo(200);

        String adminsOwn = post("/api/campaigns", admin, sms(region())).json().getString("id");
        post("/api/campaigns/" + adminsOwn + "/submit", admin, null);
        assertThat(post("/api/campaigns/" + adminsOwn + "/approve", admin, null).status()).isEqualTo(403);
        assertThat(post("/api/campaigns/" + adminsOwn + "/reject", admin, new JsonObject().put("reason", "mine")).status()).isEqualTo(403);
        assertThat(get("/api/campaigns/" + adminsOwn, admin).json().getString("status")).isEqualTo("submitted");
    }

    @Test
    void aRejectionNeedsAReasonAndTheAuthorFixesTheDraft() throws Exception {
        String v = newAccount("volunteer");
        String op = newAccount("operator");
        String id = post("/api/campaigns", v, sms(region())).json().getString("id");
        post("/api/campaigns/" + id + "/submit", v, null);
        assertThat(post("/api/campaigns/" + id + "/reject", op, null).status()).isEqualTo(400);
        assertThat(post("/api/campaigns/" + id + "/reject", op, new JsonObject()).error()).contains("reason");
        assertThat(post("/api/campaigns/" + id + "/reject", op, new JsonObject().put("reason", "  ")).status()).isEqualTo(400);
        assertThat(post("/api/campaigns/" + id + "/reject", op, new JsonObject().put("reason", 42)).status()).isEqualTo(400);
        assertThat(post("/api/campaigns/" + id + "/reject", op, new JsonObject().put("reason", "x".repeat(501))).status()).isEqualTo(400);
        assertThat(post("/api/campaigns/" + id + "/reject", op, new JsonObject().put("reason", "a\u0000b")).status()).isEqualTo(400);
        assertThat(get("/api/campaigns/" + id, v).json().getString("status")).isEqualTo("submitted");

        Reply rejected = post("/api/campaigns/" + id + "/reject", op, new JsonObject().put("reason", "Say which number to call"));
        assertThat(rejected.status()).isEqualTo(200);
        JsonObject seen = get("/api/campaigns/" + id, v).json();
        assertThat(seen.getString("status")).isEqualTo("rejected");
        assertThat(seen.getString("reason")).isEqualTo("Say which number to call");
        // The reason is the reviewer's free text: kept on the campaign, not in the audit trail.
        assertThat(trail(id).get(0).encode()).doesNotContain("Say which");

        Reply fixed = call("PUT", "/api/campaigns/" + id, v, sms(region()).put("name", "fixed").encode());
        assertThat(fixed.status()).isEqualTo(200);
        assertThat(fixed.json().getString("id")).isEqualTo(id);
        assertThat(fixed.json().getString("status")).isEqualTo("draft");
        assertThat(post("/api/campaigns/" + id + "/submit", v, null).status()).isEqualTo(200);
        assertThat(trail(id)).extracting(e -> e.getString("action"))
                .containsExactly("campaign:submit", "campaign:edit", "campaign:reject", "campaign:submit", "campaign:create");
    }

    @Test
    void movesFromTheWrongStatusAre409() throws Exception {
        String v = newAccount("volunteer");
        String op = newAccount("operator");
        String id = post("/api/campaigns", v, sms(region())).json().getString("id");
        assertThat(post("/api/campaigns/" + id + "/approve", op, null).status()).isEqualTo(409);
        assertThat(post("/api/campaigns/" + id + "/reject", op, new JsonObject().put("reason", "r")).status()).isEqualTo(409);
        assertThat(post("/api/campaigns/" + id + "/pause", op, null).status()).isEqualTo(409);
        assertThat(post("/api/campaigns/" + id + "/resume", op, null).status()).isEqualTo(409);
        assertThat(post("/api/campaigns/" + id + "/submit", v, null).status()).isEqualTo(200);
        Reply twice = post("/api/campaigns/" + id + "/submit", v, null);
        assertThat(twice.status()).isEqualTo(409);
        assertThat(twice.error()).contains("submitted");
        // Submitted: waiting for review, not editable.
        assertThat(call("PUT", "/api/campaigns/" + id, v, sms(region()).encode()).status()).isEqualTo(409);
        assertThat(post("/api/campaigns/" + id + "/approve", op, null).status()).isEqualTo(200);
        assertThat(post("/api/campaigns/" + id + "/approve", op, null).status()).isEqualTo(409);
        assertThat(post("/api/campaigns/" + id + "/resume", op, null).status()).isEqualTo(409);
        assertThat(post("/api/campaigns/" + id + "/pause", v, null).status()).isEqualTo(403);
        assertThat(post("/api/campaigns/" + id + "/pause", op, null).json().getString("status")).isEqualTo("paused");
        assertThat(post("/api/campaigns/" + id + "/pause", op, null).status()).isEqualTo(409);
        assertThat(post("/api/campaigns/" + id + "/resume", op, null).json().getString("status")).isEqualTo("approved");
        assertThat(post("/api/campaigns/" + id + "/cancel", v, null).json().getString("status")).isEqualTo("cancelled");
        assertThat(post("/api/campaigns/" + id + "/cancel", v, null).status()).isEqualTo(409);
        assertThat(post("/api/campaigns/" + id + "/submit", v, null).status()).isEqualTo(409);
        assertThat(post("/api/campaigns/" + id + "/resume", op, null).status()).isEqualTo(409);
        List<JsonObject> trail = trail(id);
        assertThat(trail).extracting(e -> e.getString("action")).filteredOn(a -> !a.equals("refused")).containsExactly(
                "campaign:cancel", "campaign:resume", "campaign:pause", "campaign:approve", "campaign:submit", "campaign:create");
        // Every refused move is in the trail too, with its status and the campaign: twelve 409s and one 403.
        assertThat(trail).filteredOn(e -> e.getString("action").equals("refused")).extracting(e -> e.getInteger("status"))
                .containsOnly(409, 403).hasSize(13).filteredOn(x -> x == 403).hasSize(1);
    }

    @Test
    void aCampaignWhoseSendAtHasPassedIsNeitherSubmittedNorApproved() throws Exception {
        String v = newAccount("volunteer");
        String op = newAccount("operator");
        String later = LocalDateTime.now(QuietHours.ZONE).plusDays(1).withHour(10).withMinute(0).withSecond(0).withNano(0).toString();
        String a = post("/api/campaigns", v, sms(region()).put("send_at", later)).json().getString("id");
        String b = post("/api/campaigns", v, sms(region()).put("send_at", later)).json().getString("id");
        assertThat(post("/api/campaigns/" + b + "/submit", v, null).status()).isEqualTo(200);
        // Time passes (as stored, the send_at is now yesterday's).
        for (String id : List.of(a, b)) {
            String key = CampaignStore.key(id);
            JsonObject spec = new JsonObject(Await.result(server.redis().hget(key, "spec")));
            Await.result(server.redis().hset(key, Map.of("spec", spec.put("send_at",
                    LocalDateTime.now(QuietHours.ZONE).minusDays(1).withNano(0).toString()).encode())));
        }
        Reply submit = post("/api/campaigns/" + a + "/submit", v, null);
        assertThat(submit.status()).isEqualTo(409);
        assertThat(submit.error()).contains("has passed");
        assertThat(post("/api/campaigns/" + b + "/approve", op, null).status()).isEqualTo(409);
        assertThat(get("/api/campaigns/" + b, v).json().getString("status")).isEqualTo("submitted");
        // The reviewer can still reject it, and its author set a new time.
        assertThat(post("/api/campaigns/" + b + "/reject", op, new JsonObject().put("reason", "pick a new date")).status()).isEqualTo(200);
        assertThat(call("PUT", "/api/campaigns/" + b, v, sms(region()).put("send_at", later).encode()).status()).isEqualTo(200);
        assertThat(post("/api/campaigns/" + b + "/submit", v, null).status()).isEqualTo(200);
    }

    @Test
    void reviewersRacingOnOneCampaignDecideItOnce() throws Exception {
        String v = newAccount("volunteer");
        String a = newAccount("operator");
        String b = newAccount("operator");
        String id = post("/api/campaigns", v, sms(region())).json().getString("id");
        post("/api/campaigns/" + id + "/submit", v, null);
        List<java.util.concurrent.CompletableFuture<Reply>> racing = new java.util.ArrayList<>();
        var pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        try {
            for (int i = 0; i < 8; i++) {
                String who = i % 2 == 0 ? a : b;
                boolean approve = i % 4 < 2;
                racing.add(java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                    try {
                        return approve ? post("/api/campaigns/" + id + "/approve", who, null)
                                : post("/api/campaigns/" + id + "/reject", who, new JsonObject().put("reason", "no"));
                    } catch (Exception e) {
                        throw new RuntimeException(e);
                    }
                }, pool));
            }
            racing.forEach(java.util.concurrent.CompletableFuture::join);
        } finally {
            pool.shutdown();
        }
        List<Integer> statuses = racing.stream().map(f -> f.join().status()).toList();
        assertThat(statuses).containsOnly(200, 409).filteredOn(x -> x == 200).hasSize(1);
        JsonObject decided = get("/api/campaigns/" + id, v).json();
        assertThat(decided.getLong("version")).isEqualTo(3);
        assertThat(trail(id)).filteredOn(e -> e.getString("action").matches("campaign:(approve|reject)")).hasSize(1)
                .allSatisfy(e -> assertThat(e.getString("to")).isEqualTo(decided.getString("status")));
    }

    @Test
    void anApprovedCampaignIsFrozenAChangeMakesANewDraft() throws Exception {
        String v = newAccount("volunteer");
        String op = newAccount("operator");
        JsonObject body = sms(region());
        String id = post("/api/campaigns", v, body).json().getString("id");
        post("/api/campaigns/" + id + "/submit", v, null);
        post("/api/campaigns/" + id + "/approve", op, null);

        JsonObject changed = body.copy().put("texts", new JsonObject().put("fr", FR + " Merci.").put("bm", BM + " I ni ce."));
        Reply edit = call("PUT", "/api/campaigns/" + id, v, changed.encode());
        assertThat(edit.status()).isEqualTo(201);
        String draft = edit.json().getString("id");
        assertThat(draft).isNotEqualTo(id);
        assertThat(edit.json().getString("status")).isEqualTo("draft");
        assertThat(edit.json().getString("parent")).isEqualTo(id);
        assertThat(edit.json().getJsonObject("texts").getString("fr")).endsWith("Merci.");
        JsonObject frozen = get("/api/campaigns/" + id, v).json();
        assertThat(frozen.getString("status")).isEqualTo("approved");
        assertThat(frozen.getJsonObject("texts").getString("fr")).isEqualTo(FR);
        assertThat(frozen.getLong("version")).isEqualTo(3); // created, submitted, approved: nothing since
        assertThat(trail(draft)).extracting(e -> e.getString("action")).containsExactly("campaign:create");
        assertThat(trail(draft).get(0).getString("parent")).isEqualTo(id);
        // Only its author edits it.
        assertThat(call("PUT", "/api/campaigns/" + id, op, changed.encode()).status()).isEqualTo(403);
    }

    // ---------------------------------------------------------------- the preview

    @Test
    void smsPreviewCountsTheGsmSafeBambaraAsTheCostCodeDoes() throws Exception {
        String region = region();
        subscribe(7, "sms", "bm", region);
        subscribe(2, "ussd", "fr", region); // subscribed on USSD: reached by SMS
        String v = newAccount("volunteer");
        JsonObject p = post("/api/campaigns", v, sms(region)).json().getJsonObject("preview");

        TextCost.Cost safe = new TextCost(Spelling.STANDARD, Spelling.gsmSafe("ny")).cost(BM, "sms", "bm");
        TextCost.Cost fr = new TextCost(server.config()).cost(FR, "sms", "fr");
        JsonObject bm = lang(p, "bm");
        assertThat(bm.getString("text")).isEqualTo(safe.text()).doesNotContain("ɛ", "ɔ");
        assertThat(bm.getString("encoding")).isEqualTo(safe.encoding()).isEqualTo("GSM-7");
        assertThat(bm.getInteger("characters")).isEqualTo(safe.characters());
        assertThat(bm.getInteger("segments")).isEqualTo(safe.smsSegments()).isEqualTo(1);
        assertThat(bm.getLong("recipients")).isEqualTo(7);
        assertThat(bm.getLong("total_segments")).isEqualTo(7L * safe.smsSegments());
        assertThat(lang(p, "fr").getInteger("segments")).isEqualTo(fr.smsSegments());
        long total = 7L * safe.smsSegments() + 2L * fr.smsSegments();
        assertThat(p.getLong("recipients")).isEqualTo(9);
        assertThat(p.getLong("total_segments")).isEqualTo(total);
        assertThat(p.getInteger("sender_rate")).isEqualTo(10);
        assertThat(p.getLong("estimated_seconds")).isEqualTo((total + 9) / 10);
        assertThat(codes(p)).doesNotContain("non_gsm");
    }

    @Test
    void withoutTheGsmSafeSpellingAnEpsilonMakesBambaraUcs2AndIsWarnedOf() throws Exception {
        try (Server raw = TestServers.start(Map.of("ADMIN_USERNAME", ADMIN, "ADMIN_PASSWORD", ADMIN_PASS,
                "SMS_GSM_SAFE", "false", "SENDER_RATE", "3"))) {
            String token = login(raw, ADMIN, ADMIN_PASS);
            String region = region();
            subscribe(5, "sms", "bm", region);
            Reply r = call(raw, "POST", "/api/campaigns", token, sms(region).encode());
            assertThat(r.status()).isEqualTo(201);
            JsonObject p = r.json().getJsonObject("preview");
            TextCost.Cost cost = new TextCost(raw.config()).cost(BM, "sms", "bm");
            assertThat(cost.encoding()).isEqualTo("UCS-2");
            int n = BM.codePointCount(0, BM.length());
            assertThat(cost.smsSegments()).isEqualTo(n <= 70 ? 1 : (n + 66) / 67);
            JsonObject bm = lang(p, "bm");
            assertThat(bm.getString("text")).isEqualTo(BM);
            assertThat(bm.getString("encoding")).isEqualTo("UCS-2");
            assertThat(bm.getInteger("segments")).isEqualTo(cost.smsSegments()).isEqualTo(2);
            assertThat(bm.getJsonArray("non_gsm").getList()).contains("ɛ", "ɔ");
            assertThat(bm.getLong("total_segments")).isEqualTo(10);
            assertThat(p.getLong("estimated_seconds")).isEqualTo(4); // 10 segments at 3 a second
            assertThat(codes(p)).contains("non_gsm");
        }
    }

    @Test
    void whatsAppShowsTheStandardSpellingBilledPerMessage() throws Exception {
        String region = region();
        subscribe(3, "whatsapp", "bm", region);
        subscribe(6, "sms", "bm", region);
        JsonObject p = post("/api/campaigns", admin, whatsapp(region)).json().getJsonObject("preview");
        assertThat(p.getString("billed_as")).isEqualTo("message");
        JsonObject bm = lang(p, "bm");
        assertThat(bm.getString("text")).isEqualTo(BM); // ɛ kept
        assertThat(bm.getInteger("segments")).isEqualTo(1);
        assertThat(p.getLong("recipients")).isEqualTo(3);
        assertThat(p.getLong("total_segments")).isEqualTo(3);
    }

    @Test
    void thePreviewWarnsOfBudgetQuietHoursAndAnUntranslatedText() throws Exception {
        String region = region();
        subscribe(4, "sms", "fr", region);
        JsonObject body = sms(region).put("max_segments", 1)
                .put("texts", new JsonObject().put("fr", FR).put("bm", " " + FR.toUpperCase() + " "))
                .put("send_at", LocalDateTime.now(QuietHours.ZONE).plusDays(1).withHour(23).withMinute(0).withSecond(0).withNano(0).toString());
        JsonObject p = post("/api/campaigns", admin, body).json().getJsonObject("preview");
        assertThat(codes(p)).contains("over_budget", "quiet_hours", "missing_translation");
        assertThat(p.getString("starts_at")).endsWith("T08:00");

        JsonObject calm = sms(region).put("send_at", LocalDateTime.now(QuietHours.ZONE).plusDays(1).withHour(10).withMinute(0)
                .withSecond(0).withNano(0).toString());
        JsonObject q = post("/api/campaigns", admin, calm).json().getJsonObject("preview");
        assertThat(codes(q)).doesNotContain("over_budget", "quiet_hours", "missing_translation", "no_recipients");
        assertThat(q.getString("starts_at")).endsWith("T10:00");
        assertThat(codes(post("/api/campaigns", admin, sms(region())).json().getJsonObject("preview"))).contains("no_recipients");
    }

    @Test
    void subscribersWhoseConsentExpiredOrWhoSaidStopAreNotCounted() throws Exception {
        String region = region();
        subscribe(2, "sms", "bm", region);
        // Subscribed 731 days ago and never since: their consent (730 days) has expired.
        ConsentStore old = new ConsentStore(server.redis(), new NumberCipher(Base64.getDecoder().decode(TestServers.ENCRYPTION_KEY)),
                Clock.fixed(Instant.now().minus(Duration.ofDays(731)), ZoneOffset.UTC));
        for (int i = 0; i < 3; i++) {
            String caller = "test-" + suffix();
            Await.result(old.optIn(caller, "+22370" + (100000 + i), Channel.SMS, "bm", region));
        }
        String stopped = "test-" + suffix();
        Await.result(consent.optIn(stopped, "+22371000001", Channel.SMS, "bm", region));
        Await.result(consent.optOut(stopped, Channel.SMS, "STOP"));
        JsonObject p = post("/api/campaigns", admin, sms(region)).json().getJsonObject("preview");
        assertThat(lang(p, "bm").getLong("recipients")).isEqualTo(2);
        assertThat(Await.result(server.redis().hget(org.taama.consent.Subscribers.WHERE, stopped))).isNull();
    }

    // ---------------------------------------------------------------- hostile input

    @Test
    void badCampaignsAre400WithAReason() throws Exception {
        String v = newAccount("volunteer");
        JsonObject ok = sms(region());
        List<Object> bodies = List.of(
                ok.copy().put("texts", new JsonObject().put("fr", FR)),
                ok.copy().put("texts", new JsonObject().put("fr", FR).put("bm", "")),
                ok.copy().put("texts", new JsonObject().put("fr", FR).put("bm", 12)),
                ok.copy().put("texts", new JsonObject().put("fr", FR).put("bm", BM).put("en", "hi")),
                ok.copy().put("texts", "both"),
                ok.copy().put("texts", new JsonObject().put("fr", "x".repeat(5000)).put("bm", BM)),
                ok.copy().put("texts", new JsonObject().put("fr", "a\u0007b").put("bm", BM)),
                ok.copy().put("texts", new JsonObject().put("fr", "a\u202Eb").put("bm", BM)),
                // A lone surrogate, as a JSON escape (a client would turn the char itself into '?').
                ok.copy().put("texts", new JsonObject().put("fr", "LONE").put("bm", BM)).encode().replace("LONE", "a\\ud800b"),
                ok.copy().put("name", "a\nb"),
                ok.copy().put("name", "n".repeat(101)),
                ok.copy().put("name", List.of("x")),
                ok.copy().put("channel", "fax"),
                ok.copy().put("channel", "ussd"),
                ok.copy().put("channel", 1),
                ok.copy().putNull("channel"),
                ok.copy().put("audience", new JsonObject().put("regions", regions(10_000)).put("languages", List.of("bm"))),
                ok.copy().put("audience", new JsonObject().put("regions", List.of("Bamako!")).put("languages", List.of("bm"))),
                ok.copy().put("audience", new JsonObject().put("regions", List.of(1)).put("languages", List.of("bm"))),
                ok.copy().put("audience", new JsonObject().put("regions", List.of()).put("languages", List.of())),
                ok.copy().put("audience", new JsonObject().put("regions", List.of()).put("languages", List.of("en"))),
                ok.copy().put("audience", new JsonObject().put("regions", "bamako").put("languages", List.of("bm"))),
                ok.copy().put("send_at", "2020-01-01T09:00"),
                ok.copy().put("send_at", "tomorrow"),
                ok.copy().put("send_at", "2030-01-01T09:00Z"),
                ok.copy().put("send_at", LocalDateTime.now(QuietHours.ZONE).plusYears(2).toString()),
                ok.copy().put("max_segments", 0),
                ok.copy().put("max_segments", "100"),
                ok.copy().put("max_segments", 1.5),
                ok.copy().put("template_sid", "HX" + "a".repeat(32)),
                ok.copy().put("admin", true),
                new JsonArray().add(ok),
                "\"just a string\"",
                "{\"name\": ",
                "");
        for (Object b : bodies) {
            String s = b instanceof String str ? str : b instanceof JsonObject o ? o.encode() : ((JsonArray) b).encode();
            Reply r = call("POST", "/api/campaigns", v, s);
            assertThat(r.status()).as("body %d: %s", bodies.indexOf(b), r.body()).isEqualTo(400);
            assertThat(r.error()).isNotBlank().doesNotContain("Exception").hasSizeLessThan(300);
        }
        // Over the body limit: 413, still one JSON line.
        JsonObject huge = ok.copy().put("texts", new JsonObject().put("fr", "x".repeat(70_000)).put("bm", BM));
        Reply big = call("POST", "/api/campaigns", v, huge.encode());
        assertThat(big.status()).isEqualTo(413);
        assertThat(big.error()).isNotBlank();
        assertThat(ids(get("/api/campaigns", v).json())).isEmpty();
        Reply missing = call("POST", "/api/campaigns", v, ok.copy().put("texts", new JsonObject().put("fr", FR)).encode());
        assertThat(missing.error()).isEqualTo("texts.bm is required");
        assertThat(call("POST", "/api/campaigns", null, ok.encode()).status()).isEqualTo(401);
        assertThat(get("/api/campaigns/not-an-id", v).status()).isEqualTo(404);
        assertThat(get("/api/campaigns?status=sent", v).status()).isEqualTo(400);
        assertThat(get("/api/campaigns?limit=100000", v).status()).isEqualTo(400);
    }

    @Test
    void aWhatsAppCampaignNeedsAnApprovedTemplateAndItsVariables() throws Exception {
        JsonObject ok = whatsapp(region());
        JsonObject noSid = ok.copy();
        noSid.remove("template_sid");
        Reply r = post("/api/campaigns", admin, noSid);
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.error()).contains("template_sid").contains("24-hour");
        assertThat(post("/api/campaigns", admin, ok.copy().put("template_sid", "HX123")).status()).isEqualTo(400);
        assertThat(post("/api/campaigns", admin, ok.copy().put("template_sid", "MG" + "a".repeat(32))).status()).isEqualTo(400);
        JsonObject noVars = ok.copy();
        noVars.remove("variables");
        assertThat(post("/api/campaigns", admin, noVars).error()).contains("variables");
        assertThat(post("/api/campaigns", admin, ok.copy().put("variables", new JsonObject().put("name", "x"))).status()).isEqualTo(400);
        assertThat(post("/api/campaigns", admin, ok.copy().put("variables", new JsonObject().put("1", 5))).status()).isEqualTo(400);
        Reply good = post("/api/campaigns", admin, ok);
        assertThat(good.status()).isEqualTo(201);
        assertThat(good.json().getString("template_sid")).isEqualTo(ok.getString("template_sid"));
        assertThat(good.json().getJsonObject("variables").getString("1")).isEqualTo("80 00 00 00");
    }

    @Test
    void aCampaignLongerToSendThanAMessageMayWaitIsNotApproved() throws Exception {
        // One segment a second, and a queued message may wait 2 s: three recipients take 3 s.
        try (Server slow = TestServers.start(Map.of("SENDER_RATE", "1", "SEND_VALIDITY_SECONDS", "2"))) {
            String region = region();
            subscribe(3, "sms", "fr", region);
            String author = newAccount("volunteer");
            String operator = newAccount("operator");
            String id = post("/api/campaigns", author, sms(region)).json().getString("id");
            assertThat(post("/api/campaigns/" + id + "/submit", author, null).status()).isEqualTo(200);
            JsonObject preview = call(slow, "GET", "/api/campaigns/" + id + "/preview", operator, null).json();
            assertThat(preview.getLong("estimated_seconds")).isEqualTo(3);
            assertThat(preview.getBoolean("approvable")).isFalse();
            Reply refused = call(slow, "POST", "/api/campaigns/" + id + "/approve", operator, "{}");
            assertThat(refused.status()).isEqualTo(409);
            assertThat(refused.error()).contains("SEND_VALIDITY_SECONDS").contains("split");
            assertThat(get("/api/campaigns/" + id, operator).json().getString("status")).isEqualTo("submitted");

            // Two recipients fit: 2 s.
            String fits = region();
            subscribe(2, "sms", "fr", fits);
            String ok = post("/api/campaigns", author, sms(fits)).json().getString("id");
            post("/api/campaigns/" + ok + "/submit", author, null);
            assertThat(call(slow, "GET", "/api/campaigns/" + ok + "/preview", operator, null).json().getBoolean("approvable")).isTrue();
            assertThat(call(slow, "POST", "/api/campaigns/" + ok + "/approve", operator, "{}").status()).isEqualTo(200);
            assertThat(call(slow, "POST", "/api/campaigns/" + ok + "/cancel", operator, "{}").status()).isEqualTo(200);
        }
    }

    @Test
    void aCampaignThatWouldWaitOutTheQuietHoursLongerThanAMessageMayIsNotApproved() throws Exception {
        // Quiet hours start in one or two minutes; 12 recipients of an 11-segment text take 132 s at one a second.
        LocalDateTime now = LocalDateTime.now(QuietHours.ZONE).withSecond(0).withNano(0);
        String start = now.plusMinutes(2).toLocalTime().toString();
        String longNight = start + "-" + now.plusMinutes(2).plusHours(5).toLocalTime();   // 5 h: longer than 4 h of validity
        String shortNight = start + "-" + now.plusMinutes(2).plusHours(1).toLocalTime();  // 1 h: the rest still goes
        String region = region();
        subscribe(12, "sms", "fr", region);
        String author = newAccount("volunteer");
        String operator = newAccount("operator");
        JsonObject body = sms(region).put("texts", new JsonObject().put("fr", "Vos droits. ".repeat(133)).put("bm", BM));
        body.getJsonObject("audience").put("languages", List.of("fr"));
        String id = post("/api/campaigns", author, body).json().getString("id");
        post("/api/campaigns/" + id + "/submit", author, null);
        try (Server s = TestServers.start(Map.of("SENDER_RATE", "1", "QUIET_HOURS", longNight))) {
            JsonObject p = call(s, "GET", "/api/campaigns/" + id + "/preview", operator, null).json();
            assertThat(p.getLong("estimated_seconds")).isEqualTo(132);
            Reply refused = call(s, "POST", "/api/campaigns/" + id + "/approve", operator, "{}");
            assertThat(refused.status()).as(refused.body()).isEqualTo(409);
            assertThat(refused.error()).contains("quiet hours").contains("send_at");
        }
        try (Server s = TestServers.start(Map.of("SENDER_RATE", "1", "QUIET_HOURS", shortNight))) {
            assertThat(call(s, "POST", "/api/campaigns/" + id + "/approve", operator, "{}").status()).isEqualTo(200);
            // Not left approved: a sending server of a later test would send its 132 segments first.
            assertThat(call(s, "POST", "/api/campaigns/" + id + "/cancel", operator, "{}").status()).isEqualTo(200);
        }
    }

    @Test
    void aWhatsAppCampaignMayNameATemplateAndVariablesPerLanguage() throws Exception {
        String fr = "HX" + "f".repeat(32);
        String bm = "HX" + "b".repeat(32);
        JsonObject per = whatsapp(region()).put("template_sid", new JsonObject().put("fr", fr).put("bm", bm))
                .put("variables", new JsonObject().put("fr", new JsonObject().put("1", "Appelez le 80 00 00 00"))
                        .put("bm", new JsonObject().put("1", "I bɛ se ka wele kɛ 80 00 00 00 kan")));
        Reply good = post("/api/campaigns", admin, per);
        assertThat(good.status()).as(good.body()).isEqualTo(201);
        assertThat(good.json().getJsonObject("template_sid").getMap()).isEqualTo(Map.of("fr", fr, "bm", bm));
        assertThat(good.json().getJsonObject("variables").getJsonObject("bm").getString("1")).startsWith("I bɛ");
        assertThat(get("/api/campaigns/" + good.json().getString("id"), admin).json().getJsonObject("template_sid").getString("fr"))
                .isEqualTo(fr);

        // Only fr in the audience: a template for fr is enough.
        JsonObject frOnly = whatsapp(region()).put("template_sid", new JsonObject().put("fr", fr));
        frOnly.getJsonObject("audience").put("languages", List.of("fr"));
        assertThat(post("/api/campaigns", admin, frOnly).status()).isEqualTo(201);

        List<JsonObject> bad = List.of(
                per.copy().put("template_sid", new JsonObject().put("fr", fr)),                       // bm in the audience, no template
                per.copy().put("template_sid", new JsonObject().put("fr", fr).put("bm", "HX1")),
                per.copy().put("template_sid", new JsonObject().put("fr", fr).put("bm", bm).put("en", fr)),
                per.copy().put("template_sid", new JsonObject()),
                per.copy().put("template_sid", new JsonArray().add(fr)),
                per.copy().put("template_sid", new JsonObject().put("fr", fr).put("bm", 7)),
                per.copy().put("variables", new JsonObject().put("fr", new JsonObject().put("1", "x"))),  // none for bm
                per.copy().put("variables", new JsonObject().put("fr", new JsonObject().put("1", "x")).put("1", "y")),
                per.copy().put("variables", new JsonObject().put("fr", "x").put("bm", new JsonObject())),
                per.copy().put("variables", new JsonObject().put("fr", new JsonObject().put("1", "a\u0000b"))
                        .put("bm", new JsonObject())),
                per.copy().put("variables", new JsonObject().put("fr", new JsonObject().put("1", "x".repeat(201)))
                        .put("bm", new JsonObject())),
                per.copy().put("variables", new JsonObject().put("fr", new JsonObject().put("zero", "x"))
                        .put("bm", new JsonObject())));
        for (JsonObject b : bad) {
            Reply r = post("/api/campaigns", admin, b);
            assertThat(r.status()).as("body %d: %s", bad.indexOf(b), r.body()).isEqualTo(400);
            assertThat(r.error()).isNotBlank().doesNotContain("Exception").hasSizeLessThan(300);
        }
    }

    // ---------------------------------------------------------------- helpers

    static JsonObject sms(String region) {
        return new JsonObject().put("name", "Droits au travail").put("channel", "sms")
                .put("texts", new JsonObject().put("fr", FR).put("bm", BM))
                .put("audience", new JsonObject().put("regions", List.of(region)).put("languages", List.of("fr", "bm")));
    }

    static JsonObject whatsapp(String region) {
        return sms(region).put("channel", "whatsapp").put("template_sid", "HX" + "0123456789abcdef".repeat(2))
                .put("variables", new JsonObject().put("1", "80 00 00 00"));
    }

    /** As many regions as fit in the body limit when that many (one letter each, as repeats count too). */
    static List<String> regions(int n) {
        return java.util.Collections.nCopies(n, "r");
    }

    /** A region nobody else is subscribed in now, so counts are this test's own. */
    static String region() {
        return org.taama.support.Audiences.freshRegion(server.redis());
    }

    static void subscribe(int n, String channel, String lang, String region) {
        for (int i = 0; i < n; i++) {
            String caller = "test-" + suffix();
            Channel ch = Channel.valueOf(channel.toUpperCase(java.util.Locale.ROOT));
            Await.result(consent.optIn(caller, "+2237" + ThreadLocalRandom.current().nextInt(1_000_000, 9_999_999), ch, lang, region));
        }
    }

    static JsonObject lang(JsonObject preview, String lang) {
        return preview.getJsonArray("languages").stream().map(JsonObject.class::cast)
                .filter(o -> o.getString("lang").equals(lang)).findFirst().orElseThrow();
    }

    static List<String> codes(JsonObject preview) {
        return preview.getJsonArray("warnings").stream().map(w -> ((JsonObject) w).getString("code")).toList();
    }

    static List<String> ids(JsonObject list) {
        return list.getJsonArray("campaigns").stream().map(c -> ((JsonObject) c).getString("id")).toList();
    }

    static final Map<String, String> NAMES = new java.util.concurrent.ConcurrentHashMap<>();

    static String name(String token) {
        return NAMES.get(token);
    }

    static String newAccount(String role) throws Exception {
        String user = role.substring(0, 3) + "-" + suffix();
        String pass = "campaign-pass-" + UUID.randomUUID();
        Reply r = post("/api/operators", admin, new JsonObject().put("username", user).put("password", pass).put("role", role));
        if (r.status() != 201) throw new AssertionError(r.status() + " " + r.body());
        String token = login(server, user, pass);
        NAMES.put(token, user);
        return token;
    }

    /** The trail entries about one campaign, newest first. */
    static List<JsonObject> trail(String id) throws Exception {
        return recent(1000).stream().filter(e -> id.equals(e.getString("campaign"))).toList();
    }

    static List<JsonObject> recent(int n) throws Exception {
        return get("/api/audit?limit=" + n, admin).json().getJsonArray("entries").stream().map(JsonObject.class::cast).toList();
    }

    static String suffix() {
        return Long.toString(ThreadLocalRandom.current().nextLong(1L << 40), 36);
    }

    record Reply(int status, String body) {
        JsonObject json() {
            return new JsonObject(body);
        }

        String error() {
            return json().getString("error");
        }
    }

    static String login(Server s, String user, String pass) throws Exception {
        Reply r = call(s, "POST", "/api/login", null, new JsonObject().put("username", user).put("password", pass).encode());
        if (r.status() != 200) throw new AssertionError("login " + r.status() + " " + r.body());
        return r.json().getString("token");
    }

    static Reply get(String path, String token) throws Exception {
        return call("GET", path, token, null);
    }

    static Reply post(String path, String token, JsonObject body) throws Exception {
        return call("POST", path, token, body == null ? null : body.encode());
    }

    static Reply call(String method, String path, String token, String body) throws Exception {
        return call(server, method, path, token, body);
    }

    static Reply call(Server s, String method, String path, String token, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://localhost:" + s.port() + path))
                .timeout(Duration.ofSeconds(20))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) b.header("Content-Type", "application/json");
        if (token != null) b.header("Authorization", "Bearer " + token);
        HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Reply(r.statusCode(), r.body());
    }
}
