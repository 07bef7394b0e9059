package org.taama.campaign;

import io.lettuce.core.Range;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.taama.config.Config;
import org.taama.config.QuietHours;
import org.taama.consent.Channel;
import org.taama.consent.ConsentStore;
import org.taama.cost.TextCost;
import org.taama.privacy.CallerHash;
import org.taama.privacy.NumberCipher;
import org.taama.pace.SenderPace;
import org.taama.server.Server;
import org.taama.support.Await;
import org.taama.support.FakeTwilio;
import org.taama.support.RedisDump;
import org.taama.support.TestServers;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalTime;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Approved campaigns sent by two real servers on one real Redis, through the real Twilio SDK to the
 * fake Twilio: each recipient gets one message in their language, whatever is retried or redelivered.
 */
class CampaignSenderTest {
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    static final String SID = "AC" + "0123456789abcdef0123456789abcdef";
    static final String TOKEN = "test-auth-token-0123456789";
    /** A sender of this run's own, so its stream holds only this class's campaigns. */
    static final String FROM = "+1500555" + ThreadLocalRandom.current().nextInt(1000, 9999);
    static final String WA_FROM = "whatsapp:+1500666" + ThreadLocalRandom.current().nextInt(1000, 9999);
    /** The server-wide template, for replies to a person: never a campaign's. */
    static final String SERVER_TEMPLATE = "HX" + "9".repeat(32);
    static final String FR = "Vos droits vous suivent partout. Appelez le 80 00 00 00.";
    static final String BM = "I ka hakɛw bɛ i bolo. I bɛ se ka wele kɛ 80 00 00 00 kan.";
    static final String PUBLIC = "https://taama.example.org";
    static final String ADMIN = "admin-" + UUID.randomUUID().toString().substring(0, 8);
    static final String ADMIN_PASS = "admin-password-" + UUID.randomUUID();

    static Vertx vertx;
    /** Quiet hours well away from now, so nothing waits for the morning. */
    static String quiet;
    static FakeTwilio fake;
    static Server a;
    static Server b;
    static String volunteer;
    static String operator;
    static ConsentStore consent;
    static CallerHash callers;

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        fake = FakeTwilio.start(vertx, SID, TOKEN);
        // Quiet hours well away from now, whenever the suite runs.
        LocalTime now = LocalTime.now(QuietHours.ZONE);
        quiet = now.plusHours(6).withSecond(0).withNano(0).toString() + "-" + now.plusHours(7).withSecond(0).withNano(0);
        Map<String, String> env = new HashMap<>(Map.of("TWILIO_ACCOUNT_SID", SID, "TWILIO_AUTH_TOKEN", TOKEN,
                "TWILIO_API_URL", fake.url(), "TWILIO_SMS_FROM", FROM, "SENDER_RATE", "1000", "SENDER_THREADS", "2",
                "QUIET_HOURS", quiet, "ADMIN_USERNAME", ADMIN, "ADMIN_PASSWORD", ADMIN_PASS));
        env.put("PUBLIC_BASE_URL", PUBLIC);
        env.put("TWILIO_WHATSAPP_FROM", WA_FROM);
        env.put("WHATSAPP_TEMPLATE_SID", SERVER_TEMPLATE);
        a = TestServers.start(env);
        b = TestServers.start(env);
        String admin = login(a, ADMIN, ADMIN_PASS);
        volunteer = account(admin, "volunteer");
        operator = account(admin, "operator");
        consent = new ConsentStore(a.redis(), new NumberCipher(Base64.getDecoder().decode(TestServers.ENCRYPTION_KEY)), Clock.systemUTC());
        callers = new CallerHash(Base64.getDecoder().decode(TestServers.HASH_KEY));
    }

    @AfterAll
    static void stop() throws Exception {
        b.close();
        a.close();
        fake.close();
        vertx.close();
    }

    @BeforeEach
    void reset() {
        // Campaigns approved by other tests on this Redis may be sent meanwhile: answers are set per number.
        fake.reset();
    }

    // ---------------------------------------------------------------- the walk

    @Test
    void fiftySubscribersEachGetOneMessageInTheirLanguageFromTwoNodesAndAPauseHoldsTheRest() throws Exception {
        String region = region();
        Map<String, String> numbers = subscribe(30, "fr", region);
        numbers.putAll(subscribe(20, "bm", region));
        fake.delay(Duration.ofMillis(60)); // slow enough to pause half-way

        String id = approved(region);
        until(() -> mine(numbers).size() >= 5, "the first messages go");
        assertThat(post("/api/campaigns/" + id + "/pause", operator).statusCode()).isEqualTo(200);
        Thread.sleep(700); // what was already handed to Twilio lands
        int atPause = mine(numbers).size();
        assertThat(atPause).as("paused before the end").isLessThan(50);

        String late = numbers.keySet().stream().filter(n -> !mine(numbers).containsKey(n)).findFirst().orElseThrow();
        Await.result(consent.optOut(callers.of(late), Channel.SMS, "test"));
        Thread.sleep(1000);
        assertThat(mine(numbers)).as("nothing goes while paused").hasSize(atPause);
        assertThat(counts(id).getLong("queued")).isEqualTo(50L - atPause);

        assertThat(post("/api/campaigns/" + id + "/resume", operator).statusCode()).isEqualTo(200);
        until(() -> finished(id), "the rest goes");

        Map<String, List<String>> got = mine(numbers);
        assertThat(got).hasSize(49).doesNotContainKey(late);
        String bmSms = new TextCost(a.config()).cost(BM, "sms", "bm").text();
        got.forEach((number, bodies) -> assertThat(bodies).as("one message, in the recipient's language")
                .containsExactly(numbers.get(number).equals("fr") ? FR : bmSms));
        JsonObject c = counts(id);
        assertThat(c.getLong("audience")).isEqualTo(50);
        assertThat(c.getLong("sent")).isEqualTo(49);
        assertThat(c.getLong("opted_out")).isEqualTo(1);
        assertThat(c.getLong("failed") + c.getLong("skipped")).isZero();

        // Both nodes read the stream as one group.
        List<Object> consumers = Await.result(Future.fromCompletionStage(a.redis().commands()
                .xinfoConsumers(CampaignSender.stream(FROM), CampaignSender.GROUP)));
        assertThat(consumers).hasSizeGreaterThanOrEqualTo(2);

        // No number anywhere in Redis (the stream holds caller hashes), not even the opted-out one's.
        String dump = RedisDump.everything(a.redis());
        assertThat(numbers.keySet()).allSatisfy(n -> assertThat(dump).doesNotContain(n.substring(1)));
    }

    @Test
    void aRedeliveredEntryNeverSendsTwice() throws Exception {
        String region = region();
        Map<String, String> numbers = subscribe(3, "fr", region);
        String id = approved(region);
        until(() -> counts(id).getLong("sent") == 3, "all sent");
        String number = numbers.keySet().iterator().next();
        // As if a node died after sending and its entry were handed to another.
        Await.result(Future.fromCompletionStage(a.redis().commands().xadd(CampaignSender.stream(FROM),
                Map.of("c", id, "to", callers.of(number), "l", "fr", "a", "1"))));
        until(() -> Await.result(Future.fromCompletionStage(a.redis().commands()
                .xpending(CampaignSender.stream(FROM), CampaignSender.GROUP))).getCount() == 0, "the entry is handled");
        Thread.sleep(300);
        assertThat(mine(numbers).get(number)).hasSize(1);
        assertThat(counts(id).getLong("sent")).isEqualTo(3);
    }

    @Test
    void aDeadNodesMessageIsTakenOverOnceItHasBeenIdleForSendClaimIdle() throws Exception {
        String region = region();
        Map<String, String> numbers = subscribe(1, "fr", region);
        // Not in the audience: only the dead node's entry names this one.
        Map<String, String> orphan = subscribe(1, "bm", region());
        String id = submitted(region);
        Map<String, String> env = new HashMap<>(Map.of("TWILIO_ACCOUNT_SID", SID, "TWILIO_AUTH_TOKEN", TOKEN,
                "TWILIO_API_URL", fake.url(), "TWILIO_SMS_FROM", FROM, "SENDER_RATE", "1000", "SEND_CLAIM_IDLE", "1",
                "QUIET_HOURS", quiet));
        try (Server c = TestServers.start(env)) {
            // A node that took the entry and died at once: it is pending to a consumer that never comes back.
            // (a and b take over after the default 30 s only; c after 1 s.) Counted in before the campaign
            // is approved, so it is still being sent when the entry is taken over.
            long taken = System.nanoTime();
            // The counts first, then the stream (another slot on Redis Cluster: two steps, as the sender does).
            Await.result(a.redis().hincrby(CampaignStore.key(id), "n_audience", 1));
            Await.result(a.redis().hincrby(CampaignStore.key(id), "n_queued", 1));
            Await.result(a.redis().eval("""
                    local id = redis.call('XADD', KEYS[1], '*', 'c', ARGV[1], 'to', ARGV[2], 'l', 'bm', 'a', '1')
                    redis.call('XREADGROUP', 'GROUP', ARGV[3], 'node-dead', 'COUNT', 1, 'STREAMS', KEYS[1], '>')
                    return 1
                    """, io.lettuce.core.ScriptOutputType.INTEGER, new String[]{CampaignSender.stream(FROM)},
                    id, callers.of(orphan.keySet().iterator().next()), CampaignSender.GROUP));
            assertThat(post("/api/campaigns/" + id + "/approve", operator).statusCode()).isEqualTo(200);
            until(() -> mine(orphan).size() == 1, "the dead node's message is sent by another");
            assertThat(Duration.ofNanos(System.nanoTime() - taken)).as("not before it was idle SEND_CLAIM_IDLE")
                    .isGreaterThanOrEqualTo(Duration.ofMillis(900)).isLessThan(Duration.ofSeconds(15));
            until(() -> finished(id), "counted");
            assertThat(mine(orphan).values().iterator().next()).containsExactly(new TextCost(a.config()).cost(BM, "sms", "bm").text());
            assertThat(counts(id).getLong("sent")).isEqualTo(2);
            assertThat(mine(numbers).values().iterator().next()).hasSize(1);
        }
    }

    /**
     * A send held longer than SEND_CLAIM_IDLE (Twilio slow to answer; the SDK waits up to 30 s, the default
     * SEND_CLAIM_IDLE) looks like a dead node's: another node takes the entry over and counts the recipient
     * skipped. When the answer then says "try again" (a 429, a 5xx, a time-out), the recipient is settled
     * already: it is not sent again, nor counted a second time (which would finish the campaign one
     * recipient early).
     */
    @Test
    void aSendHeldPastSendClaimIdleAndTakenOverIsNeitherRetriedNorCountedTwice() throws Exception {
        String region = region();
        String held = subscribe(1, "fr", region).keySet().iterator().next();
        Map<String, String> orphan = subscribe(1, "bm", region());
        String id = submitted(region);
        // A dead node's entry, so the campaign is still being sent when the held send is answered.
        deadNodesEntry(id, orphan.keySet().iterator().next());
        fake.delay(Duration.ofSeconds(6)).answerTo(held, FakeTwilio.Answer.rateLimited());
        assertThat(post("/api/campaigns/" + id + "/approve", operator).statusCode()).isEqualTo(200);
        until(() -> asked(held) == 1, "a or b (SEND_CLAIM_IDLE 30 s) sends; Twilio holds the answer");
        long firstAsked = fake.requests().stream().filter(r -> held.equals(r.field("To"))).findFirst().orElseThrow().atNanos();

        try (Server d = quickToTakeOver()) {
            until(() -> counts(id).getLong("skipped") == 1, "d takes the held entry over after 1 s idle: skipped");
            // The 429 comes 6 s after the send, a retry would follow within a back-off (at most 750 ms): wait past both.
            long quietUntil = firstAsked + Duration.ofMillis(6000 + 1500).toNanos();
            Thread.sleep(Math.max(0, (quietUntil - System.nanoTime()) / 1_000_000));
            assertThat(asked(held)).as("not sent again: another node settled it").isEqualTo(1);
            until(() -> finished(id) && mine(orphan).size() == 1, "the dead node's entry is sent by d");
            JsonObject c = counts(id);
            assertThat(c.getLong("audience")).isEqualTo(2);
            assertThat(c.getLong("sent") + c.getLong("skipped") + c.getLong("failed") + c.getLong("opted_out"))
                    .as("each recipient counted once: %s", c).isEqualTo(2);
            assertThat(c.getLong("skipped")).isEqualTo(1);
        }
    }

    @Test
    void aSendWaitingForItsSlotPastSendClaimIdleAndTakenOverDoesNotGetItsRecipientBackWhenPaused() throws Exception {
        String region = region();
        String held = subscribe(1, "fr", region).keySet().iterator().next();
        Map<String, String> orphan = subscribe(1, "bm", region());
        String id = submitted(region);
        // A dead node's entry keeps the campaign unfinished once the held recipient is settled, so it can be paused.
        deadNodesEntry(id, orphan.keySet().iterator().next());
        // The sender owes 10 s (as when many nodes booked ahead): the held recipient's entry waits that long for its slot.
        Await.result(a.redis().eval("""
                local t = redis.call('TIME')
                redis.call('SET', KEYS[1], string.format('%.0f', t[1] * 1000000 + t[2] + ARGV[1]), 'PX', ARGV[2])
                return 1
                """, io.lettuce.core.ScriptOutputType.INTEGER, new String[]{SenderPace.key(FROM)}, "10000000", "10000"));
        String marker = CampaignSender.marker(id, callers.of(held));
        assertThat(post("/api/campaigns/" + id + "/approve", operator).statusCode()).isEqualTo(200);
        until(() -> String.valueOf(Await.result(a.redis().get(marker))).startsWith("busy:"), "a or b takes the held recipient and waits");

        try (Server d = quickToTakeOver()) {
            until(() -> counts(id).getLong("skipped") == 1, "d takes the waiting entry over after 1 s idle: skipped");
            assertThat(post("/api/campaigns/" + id + "/pause", operator).statusCode()).isEqualTo(200);
            // The slot comes: the node that waited sees the pause. It must not give the settled recipient back.
            until(() -> Await.result(a.redis().get(SenderPace.key(FROM))) == null, "the owed time is over");
            Thread.sleep(1000);
            assertThat(Await.result(a.redis().get(marker))).as("the recipient stays settled").isEqualTo("done");
            assertThat(post("/api/campaigns/" + id + "/resume", operator).statusCode()).isEqualTo(200);
            until(() -> finished(id) && mine(orphan).size() == 1, "resumed, the dead node's entry goes");
            Thread.sleep(500);
            assertThat(asked(held)).as("never sent: it was settled as skipped").isZero();
            JsonObject c = counts(id);
            assertThat(c.getLong("sent") + c.getLong("skipped") + c.getLong("failed") + c.getLong("opted_out"))
                    .as("each recipient counted once: %s", c).isEqualTo(2);
        }
    }

    /**
     * A dead node's entry for {@code number}, counted in the campaign first and then queued and read by
     * "node-dead" (two slots on a Cluster, so two steps, as a snapshot does).
     */
    static void deadNodesEntry(String id, String number) {
        Await.result(a.redis().hincrby(CampaignStore.key(id), "n_audience", 1));
        Await.result(a.redis().hincrby(CampaignStore.key(id), "n_queued", 1));
        Await.result(a.redis().eval("""
                local id = redis.call('XADD', KEYS[1], '*', 'c', ARGV[1], 'to', ARGV[2], 'l', 'bm', 'a', '1')
                redis.call('XREADGROUP', 'GROUP', ARGV[3], 'node-dead', 'COUNT', 1, 'STREAMS', KEYS[1], '>')
                return 1
                """, io.lettuce.core.ScriptOutputType.INTEGER, new String[]{CampaignSender.stream(FROM)},
                id, callers.of(number), CampaignSender.GROUP));
    }

    /** A third sending node that takes over any entry idle for a second (SEND_CLAIM_IDLE 1). */
    static Server quickToTakeOver() throws Exception {
        return TestServers.start(new HashMap<>(Map.of("TWILIO_ACCOUNT_SID", SID, "TWILIO_AUTH_TOKEN", TOKEN,
                "TWILIO_API_URL", fake.url(), "TWILIO_SMS_FROM", FROM, "SENDER_RATE", "1000", "SEND_CLAIM_IDLE", "1",
                "QUIET_HOURS", quiet)));
    }

    static long asked(String number) {
        return fake.requests().stream().filter(r -> number.equals(r.field("To"))).count();
    }

    @Test
    void garbageInTheStreamIsDroppedAndNothingIsSent() throws Exception {
        String region = region();
        Map<String, String> numbers = subscribe(1, "fr", region);
        String id = approved(region);
        until(() -> finished(id), "sent");
        String caller = callers.of(numbers.keySet().iterator().next());
        var c = a.redis().commands();
        String stream = CampaignSender.stream(FROM);
        for (Map<String, String> bad : List.of(Map.of("c", "not-an-id", "to", caller, "l", "fr", "a", "1"),
                Map.of("to", caller, "l", "fr"), Map.of("c", id, "l", "fr"), Map.of("c", id, "to", caller),
                Map.of("c", id, "to", caller, "l", "x".repeat(10_000), "a", "\u0000zz"),
                Map.of("c", "00000000000000000000", "to", caller, "l", "bm", "a", "1"),
                Map.of("junk", "\r\n"))) {
            Await.result(Future.fromCompletionStage(c.xadd(stream, bad)));
        }
        until(() -> Await.result(Future.fromCompletionStage(c.xpending(stream, CampaignSender.GROUP))).getCount() == 0,
                "every entry is acknowledged");
        assertThat(mine(numbers).get(numbers.keySet().iterator().next())).hasSize(1);
        assertThat(counts(id).getLong("sent")).isEqualTo(1);
    }

    @Test
    void aRateLimitBurstIsRetriedNoneLostNoneDoubled() throws Exception {
        String region = region();
        Map<String, String> numbers = subscribe(10, "fr", region);
        List<String> ten = List.copyOf(numbers.keySet());
        fake.answerTo(ten.get(0), FakeTwilio.Answer.rateLimited(), FakeTwilio.Answer.rateLimited())
                .answerTo(ten.get(1), FakeTwilio.Answer.serverError());
        String id = approved(region);
        until(() -> finished(id), "all done");
        List<String> asked = fake.requests().stream().map(r -> r.field("To")).filter(numbers::containsKey).toList();
        // Refused twice with 429, then accepted; the 500 is retried by the SDK itself first, then by us.
        assertThat(asked.stream().filter(ten.get(0)::equals).count()).isEqualTo(3);
        assertThat(asked.stream().filter(n -> !n.equals(ten.get(0)) && !n.equals(ten.get(1))))
                .as("the others once each").doesNotHaveDuplicates().hasSize(8);
        assertThat(asked).containsAll(numbers.keySet());
        assertThat(counts(id).getLong("sent")).isEqualTo(10);
        assertThat(counts(id).getLong("failed")).isZero();
    }

    @Test
    void aRateLimitThatOutlastsTheAttemptsIsDeadLetteredAsFailed() throws Exception {
        String region = region();
        Map<String, String> numbers = subscribe(1, "fr", region);
        fake.answerTo(numbers.keySet().iterator().next(), FakeTwilio.Answer.rateLimited(), FakeTwilio.Answer.rateLimited(),
                FakeTwilio.Answer.rateLimited());
        String id = approved(region);
        until(() -> finished(id), "done");
        assertThat(counts(id).getLong("failed")).as("counts %s, asked %s", counts(id),
                fake.requests().stream().filter(r -> numbers.containsKey(r.field("To"))).count()).isEqualTo(1);
        assertThat(counts(id).getLong("sent")).isZero();
        assertThat(fake.requests().stream().filter(r -> numbers.containsKey(r.field("To"))).count()).isEqualTo(3);
        var dead = Await.result(Future.fromCompletionStage(a.redis().commands()
                .xrange(CampaignSender.deadLetters(FROM), Range.create("-", "+"))));
        assertThat(dead).anySatisfy(m -> assertThat(m.getBody()).containsEntry("c", id)
                .containsEntry("to", callers.of(numbers.keySet().iterator().next())).doesNotContainKey("number"));
    }

    @Test
    void twilioStopOptsTheRecipientOutAndARefusalFailsWithoutRetry() throws Exception {
        String region = region();
        Map<String, String> numbers = subscribe(2, "fr", region);
        List<String> two = List.copyOf(numbers.keySet());
        fake.answerTo(two.get(0), FakeTwilio.Answer.stopped()).answerTo(two.get(1), FakeTwilio.Answer.error(400, 63016, "outside the window"));
        String id = approved(region);
        until(() -> finished(id), "done");
        JsonObject c = counts(id);
        assertThat(c.getLong("opted_out")).isEqualTo(1);
        assertThat(c.getLong("failed")).isEqualTo(1);
        assertThat(fake.requests().stream().filter(r -> numbers.containsKey(r.field("To"))).count()).as("no retry").isEqualTo(2);
        assertThat(Await.result(consent.optedOut(callers.of(two.get(0))))).isTrue();
        assertThat(Await.result(consent.optedOut(callers.of(two.get(1))))).isFalse();
    }

    @Test
    void cancellingSkipsTheRest() throws Exception {
        String region = region();
        Map<String, String> numbers = subscribe(30, "bm", region);
        fake.delay(Duration.ofMillis(60));
        String id = approved(region);
        until(() -> mine(numbers).size() >= 3, "the first messages go");
        assertThat(post("/api/campaigns/" + id + "/cancel", operator).statusCode()).isEqualTo(200);
        until(() -> finished(id), "the rest is skipped");
        Thread.sleep(300);
        JsonObject c = counts(id);
        assertThat(c.getLong("skipped")).isPositive();
        assertThat(c.getLong("sent") + c.getLong("skipped")).isEqualTo(30);
        assertThat(mine(numbers).size()).isEqualTo(c.getLong("sent").intValue());
    }

    @Test
    void statusCallbacksMoveDeliveredAndFailedOnceAndNeverBackwards() throws Exception {
        String region = region();
        subscribe(3, "fr", region);
        String id = approved(region);
        until(() -> finished(id), "all sent");
        List<String> sids = new java.util.ArrayList<>();
        for (String key : Await.result(a.redis().scan("taama:msg:{*}"))) {
            if (CampaignStore.key(id).equals(Await.result(a.redis().hget(key, "counts")))) {
                sids.add(key.substring("taama:msg:{".length(), key.length() - 1));
            }
        }
        assertThat(sids).hasSize(3);
        assertThat(status(a, sids.get(0), "sent")).isEqualTo(204);
        assertThat(status(b, sids.get(0), "delivered")).isEqualTo(204);
        assertThat(status(a, sids.get(0), "delivered")).as("Twilio repeats itself").isEqualTo(204);
        assertThat(status(b, sids.get(0), "failed")).as("never backwards").isEqualTo(204);
        assertThat(status(a, sids.get(1), "undelivered")).isEqualTo(204);
        assertThat(status(a, sids.get(1), "delivered")).isEqualTo(204);
        assertThat(status(b, sids.get(2), "read")).isEqualTo(204);
        assertThat(status(b, sids.get(2), "sending")).isEqualTo(204);

        JsonObject c = counts(id);
        assertThat(c.getLong("sent")).isEqualTo(3);
        assertThat(c.getLong("delivered")).as("the first and the read one").isEqualTo(2);
        assertThat(c.getLong("failed")).isEqualTo(1);
    }

    @Test
    void aWhatsAppCampaignSendsItsOwnTemplateWithEachLanguagesVariables() throws Exception {
        String region = region();
        Map<String, String> numbers = subscribe(2, "fr", region, Channel.WHATSAPP);
        numbers.putAll(subscribe(2, "bm", region, Channel.WHATSAPP));
        // Inside the 24-hour window WhatsApp takes free text: this one gets the campaign's text, no template.
        String open = numbers.keySet().iterator().next();
        Await.result(new org.taama.twilio.WhatsAppWindow(a.redis()).touch(callers.of(open)));
        String frTemplate = "HX" + "f0".repeat(16);
        String bmTemplate = "HX" + "b0".repeat(16);
        JsonObject body = new JsonObject().put("name", "Droits").put("channel", "whatsapp")
                .put("texts", new JsonObject().put("fr", FR).put("bm", BM))
                .put("audience", new JsonObject().put("regions", List.of(region)).put("languages", List.of("fr", "bm")))
                .put("template_sid", new JsonObject().put("fr", frTemplate).put("bm", bmTemplate))
                .put("variables", new JsonObject().put("fr", new JsonObject().put("1", "Appelez le 80 00 00 00").put("2", "Taama"))
                        .put("bm", new JsonObject().put("1", "I bɛ se ka wele kɛ 80 00 00 00 kan")));
        String id = approve(body);
        until(() -> finished(id), "all sent");

        Map<String, List<FakeTwilio.Received>> got = fake.requests().stream()
                .filter(r -> r.field("To") != null && numbers.containsKey(r.field("To").replace("whatsapp:", "")))
                .collect(Collectors.groupingBy(r -> r.field("To").replace("whatsapp:", "")));
        assertThat(got).hasSize(4);
        got.forEach((number, requests) -> {
            assertThat(requests).as("one message each").hasSize(1);
            FakeTwilio.Received r = requests.get(0);
            assertThat(r.field("From")).isEqualTo(WA_FROM);
            if (number.equals(open)) {
                assertThat(r.field("Body")).isEqualTo(FR);
                assertThat(r.field("ContentSid")).isNull();
            } else if (numbers.get(number).equals("fr")) {
                assertThat(r.field("ContentSid")).isEqualTo(frTemplate);
                assertThat(new JsonObject(r.field("ContentVariables")).getMap())
                        .isEqualTo(Map.of("1", "Appelez le 80 00 00 00", "2", "Taama"));
                assertThat(r.field("Body")).isNull();
            } else {
                assertThat(r.field("ContentSid")).isEqualTo(bmTemplate);
                assertThat(new JsonObject(r.field("ContentVariables")).getMap()).isEqualTo(Map.of("1", "I bɛ se ka wele kɛ 80 00 00 00 kan"));
            }
        });
        assertThat(counts(id).getLong("sent")).isEqualTo(4);
    }

    @Test
    void oneTemplateAndOneSetOfVariablesServeBothLanguages() throws Exception {
        String region = region();
        Map<String, String> numbers = subscribe(1, "fr", region, Channel.WHATSAPP);
        numbers.putAll(subscribe(1, "bm", region, Channel.WHATSAPP));
        String template = "HX" + "ab".repeat(16);
        String id = approve(new JsonObject().put("name", "Droits").put("channel", "whatsapp")
                .put("texts", new JsonObject().put("fr", FR).put("bm", BM))
                .put("audience", new JsonObject().put("regions", List.of(region)).put("languages", List.of("fr", "bm")))
                .put("template_sid", template).put("variables", new JsonObject().put("1", "80 00 00 00")));
        until(() -> finished(id), "all sent");
        List<FakeTwilio.Received> got = fake.requests().stream()
                .filter(r -> r.field("To") != null && numbers.containsKey(r.field("To").replace("whatsapp:", ""))).toList();
        assertThat(got).hasSize(2).allSatisfy(r -> {
            assertThat(r.field("ContentSid")).isEqualTo(template).isNotEqualTo(SERVER_TEMPLATE);
            assertThat(r.field("ContentVariables")).isEqualTo("{\"1\":\"80 00 00 00\"}");
        });
    }

    // ---------------------------------------------------------------- finished, resumed, trimmed

    @Test
    void aSentCampaignFinishesOnceAuditedWithItsFinalCountsAndLeavesTheWatchedIndex() throws Exception {
        String region = region();
        Map<String, String> numbers = subscribe(6, "fr", region);
        List<String> six = List.copyOf(numbers.keySet());
        fake.answerTo(six.get(0), FakeTwilio.Answer.error(400, 21211, "invalid number"));
        String id = approved(region);
        until(() -> "finished".equals(campaign(id).getString("status")), "finished");

        JsonObject c = campaign(id);
        assertThat(c.getString("finished_at")).isNotBlank();
        JsonObject counts = c.getJsonObject("counts");
        assertThat(counts.getLong("audience")).isEqualTo(6);
        assertThat(counts.getLong("sent")).isEqualTo(5);
        assertThat(counts.getLong("failed")).isEqualTo(1);
        assertThat(counts.getLong("queued")).isZero();
        // Both nodes saw the last recipient settled or looked each second: one of them finished it, once.
        Thread.sleep(1500);
        assertThat(finishes(id)).hasSize(1);
        assertThat(finishes(id).get(0).getString("operator")).isEqualTo("system");
        assertThat(zset(CampaignStore.statusIndex(Campaign.Status.APPROVED))).doesNotContain(id);
        assertThat(zset(CampaignStore.statusIndex(Campaign.Status.FINISHED))).contains(id);
        // Staff list it; it is over: no pause, no cancel; a change makes a new draft.
        HttpResponse<String> listed = call(b, "GET", "/api/campaigns?status=finished&limit=100", operator, null);
        assertThat(listed.body()).contains(id);
        assertThat(post("/api/campaigns/" + id + "/pause", operator).statusCode()).isEqualTo(409);
        assertThat(post("/api/campaigns/" + id + "/cancel", operator).statusCode()).isEqualTo(409);
        assertThat(campaign(id).getString("status")).isEqualTo("finished");
    }

    @Test
    void aCampaignThatReachesNobodyFinishesAtOnce() throws Exception {
        String id = approved(region());
        until(() -> "finished".equals(campaign(id).getString("status")), "finished");
        assertThat(campaign(id).getJsonObject("counts").getLong("audience")).isZero();
        assertThat(finishes(id)).hasSize(1);
    }

    @Test
    void aCampaignResumedWithNothingLeftFinishes() throws Exception {
        String region = region();
        subscribe(2, "fr", region);
        String id = submitted(region);
        // As if it had been paused after its last recipient was settled: nothing is queued when it resumes.
        Await.result(a.redis().hset(CampaignStore.key(id), Map.of("n_audience", "2", "n_queued", "0", "n_sent", "2",
                "snapshot", "node-gone", "snapshot_at", java.time.Instant.now().toString())));
        assertThat(post("/api/campaigns/" + id + "/approve", operator).statusCode()).isEqualTo(200);
        until(() -> "finished".equals(campaign(id).getString("status")), "finished by the once-a-second look");
        assertThat(finishes(id)).hasSize(1);
    }

    @Test
    void aSnapshotStoppedHalfWayIsCompletedByAnotherNodeCountedOnceAndNobodyGetsTwo() throws Exception {
        String region = region();
        Map<String, String> numbers = subscribe(25, "fr", region);
        numbers.putAll(subscribe(12, "bm", region));
        String id = submitted(region);
        Config config = a.config();
        CampaignSender dying = new CampaignSender(vertx, a.redis(), new CampaignStore(a.redis(), Clock.systemUTC()),
                new org.taama.cases.Audit(a.redis(), Clock.systemUTC()), consent, org.taama.pace.SenderPace.from(a.redis(), config),
                new TextCost(config), new CampaignSender.Outbox() {
                    public String sender(String channel) {
                        return FROM;
                    }

                    public Future<CampaignSender.Outcome> send(CampaignSender.Outgoing m) {
                        throw new AssertionError("the dying node only copies");
                    }

                    public int capacity() {
                        return 1;
                    }
                }, config.quietHours(), 3, Duration.ofMillis(500), Duration.ofSeconds(3), config.sendValidity(), Clock.systemUTC());
        dying.snapshotBatch = 10;
        dying.stopsAtBatch = 2; // two batches counted, the third added to the stream but not counted: then it dies
        try {
            // It holds the lease when the campaign is approved, so a and b wait for it to run out.
            Await.result(a.redis().hset(CampaignStore.key(id), Map.of("snapshot", dying.consumer(),
                    "snapshot_until", Long.toString(System.currentTimeMillis() + 5_000))));
            assertThat(post("/api/campaigns/" + id + "/approve", operator).statusCode()).isEqualTo(200);
            assertThat(Await.failure(dying.look(id)).getMessage()).contains("as if killed");
        } finally {
            dying.close();
        }
        Map<String, String> left = Await.result(a.redis().hgetall(CampaignStore.key(id)));
        assertThat(left).doesNotContainKey("snapshot_at").containsEntry("snapshot", dying.consumer());
        assertThat(Long.parseLong(left.get("n_audience"))).as("counted before it died: the 12 bm, not the 10 fr added last").isEqualTo(12);
        assertThat(left.get("snapshot_cursor")).isNotBlank();

        until(() -> "finished".equals(campaign(id).getString("status")), "another node completes the snapshot and the send");
        JsonObject c = campaign(id).getJsonObject("counts");
        assertThat(c.getLong("audience")).isEqualTo(37);
        assertThat(c.getLong("sent")).isEqualTo(37);
        assertThat(c.getLong("queued") + c.getLong("failed") + c.getLong("skipped")).isZero();
        Map<String, List<String>> got = mine(numbers);
        assertThat(got).hasSize(37);
        got.forEach((number, bodies) -> assertThat(bodies).as("one message each").hasSize(1));
        assertThat(Await.result(a.redis().hgetall(CampaignStore.key(id)))).containsKey("snapshot_at")
                .doesNotContainKey("snapshot_cursor").doesNotContainEntry("snapshot", dying.consumer());
        assertThat(Await.result(a.redis().scan(CampaignSender.queuedSet(id)))).as("the copy's own set is gone").isEmpty();
        assertThat(finishes(id)).hasSize(1);
    }

    @Test
    void aMessageQueuedLongerAgoThanItsValidityIsSkippedAndTwilioGetsWhatIsLeftOfIt() throws Exception {
        String region = region();
        Map<String, String> numbers = subscribe(2, "fr", region);
        Map<String, String> stale = subscribe(1, "fr", region()); // only the old entry names this one
        String id = submitted(region);
        // An entry queued five hours ago (a backlog, a long pause): past SEND_VALIDITY_SECONDS' 4 hours.
        long fiveHoursAgo = System.currentTimeMillis() - Duration.ofHours(5).toMillis();
        // The counts first, then the entry (two slots on a Cluster, so two steps), as a snapshot does.
        Await.result(a.redis().hincrby(CampaignStore.key(id), "n_audience", 1));
        Await.result(a.redis().hincrby(CampaignStore.key(id), "n_queued", 1));
        Await.result(a.redis().eval("""
                redis.call('XADD', KEYS[1], '*', 'c', ARGV[1], 'to', ARGV[2], 'l', 'fr', 'a', '1', 't', ARGV[3])
                return 1
                """, io.lettuce.core.ScriptOutputType.INTEGER, new String[]{CampaignSender.stream(FROM)},
                id, callers.of(stale.keySet().iterator().next()), Long.toString(fiveHoursAgo)));
        assertThat(post("/api/campaigns/" + id + "/approve", operator).statusCode()).isEqualTo(200);
        until(() -> "finished".equals(campaign(id).getString("status")), "finished");

        assertThat(mine(stale)).as("never sent late").isEmpty();
        JsonObject c = counts(id);
        assertThat(c.getLong("sent")).isEqualTo(2);
        assertThat(c.getLong("skipped")).isEqualTo(1);
        List<FakeTwilio.Received> sent = fake.requests().stream().filter(r -> numbers.containsKey(r.field("To"))).toList();
        assertThat(sent).hasSize(2).allSatisfy(r -> assertThat(Integer.parseInt(r.field("ValidityPeriod")))
                .as("what is left of 4 hours").isBetween(14_400 - 120, 14_400));
    }

    @Test
    void anIdleNodeReadsItsSendersStreamsAboutOnceASecond() throws Exception {
        String stream = CampaignSender.stream(FROM);
        until(() -> Await.result(Future.fromCompletionStage(a.redis().commands().xlen(stream))) == 0, "nothing left to send");
        Thread.sleep(1200); // long enough for both nodes to back off
        long before = streamReads();
        Thread.sleep(2000);
        long reads = streamReads() - before;
        // Two nodes, two senders (SMS and WhatsApp) each, a read of new entries and a look for dead nodes' a second:
        // 16 in 2 s, and a little slack; polling every 100 ms made it 240.
        assertThat(reads).isLessThanOrEqualTo(24);

        // A new campaign is still picked up at once, and sent in full.
        String region = region();
        Map<String, String> numbers = subscribe(3, "fr", region);
        String id = approved(region);
        until(() -> finished(id), "sent");
        assertThat(mine(numbers)).hasSize(3);
    }

    /** XREADGROUP and XAUTOCLAIM calls Redis has answered so far. */
    static long streamReads() {
        String info = Await.result(Future.fromCompletionStage(a.redis().commands().info("commandstats")));
        long n = 0;
        for (String line : info.split("\r?\n")) {
            if (line.startsWith("cmdstat_xreadgroup:") || line.startsWith("cmdstat_xautoclaim:")) {
                n += Long.parseLong(line.replaceAll(".*calls=(\\d+).*", "$1"));
            }
        }
        return n;
    }

    @Test
    void acknowledgedEntriesLeaveTheStream() throws Exception {
        String region = region();
        Map<String, String> numbers = subscribe(30, "bm", region);
        fake.answerTo(numbers.keySet().iterator().next(), FakeTwilio.Answer.rateLimited()); // a retry's entries too
        String id = approved(region);
        until(() -> "finished".equals(campaign(id).getString("status")), "finished");
        String stream = CampaignSender.stream(FROM);
        var entries = Await.result(Future.fromCompletionStage(a.redis().commands().xrange(stream, Range.create("-", "+"))));
        assertThat(entries).as("nothing of a finished campaign stays in its sender's stream")
                .noneSatisfy(m -> assertThat(m.getBody()).containsEntry("c", id));
        // What is left is only what is still to be sent: no other campaign is running now.
        long pending = Await.result(Future.fromCompletionStage(a.redis().commands().xpending(stream, CampaignSender.GROUP))).getCount();
        assertThat((long) entries.size()).isLessThanOrEqualTo(pending + 5);
    }

    // ---------------------------------------------------------------- helpers

    /** A signed status callback to one server; its HTTP status. */
    static int status(Server s, String sid, String status) throws Exception {
        Map<String, String> form = new java.util.TreeMap<>(Map.of("MessageSid", sid, "MessageStatus", status,
                "AccountSid", SID, "From", FROM, "To", "+22370000000", "ApiVersion", "2010-04-01"));
        String body = form.entrySet().stream().map(e -> java.net.URLEncoder.encode(e.getKey(), java.nio.charset.StandardCharsets.UTF_8)
                + "=" + java.net.URLEncoder.encode(e.getValue(), java.nio.charset.StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://localhost:" + s.port() + "/twilio/status"))
                .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/x-www-form-urlencoded")
                .header("X-Twilio-Signature", org.taama.support.TwilioSigner.sign(TOKEN, PUBLIC + "/twilio/status", form))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        return HTTP.send(req, HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    /** An approved SMS campaign to fr and bm subscribers of {@code region}, made and reviewed over HTTP. */
    static String approved(String region) throws Exception {
        return approve(new JsonObject().put("name", "Droits").put("channel", "sms")
                .put("texts", new JsonObject().put("fr", FR).put("bm", BM))
                .put("audience", new JsonObject().put("regions", List.of(region)).put("languages", List.of("fr", "bm"))));
    }

    /** An SMS campaign as {@link #approved}, submitted and waiting for its review. */
    static String submitted(String region) throws Exception {
        JsonObject body = new JsonObject().put("name", "Droits").put("channel", "sms")
                .put("texts", new JsonObject().put("fr", FR).put("bm", BM))
                .put("audience", new JsonObject().put("regions", List.of(region)).put("languages", List.of("fr", "bm")));
        HttpResponse<String> created = call(a, "POST", "/api/campaigns", volunteer, body.encode());
        assertThat(created.statusCode()).isEqualTo(201);
        String id = new JsonObject(created.body()).getString("id");
        assertThat(post("/api/campaigns/" + id + "/submit", volunteer).statusCode()).isEqualTo(200);
        return id;
    }

    /** A campaign of this body, made, submitted and approved over HTTP. */
    static String approve(JsonObject body) throws Exception {
        HttpResponse<String> created = call(a, "POST", "/api/campaigns", volunteer, body.encode());
        assertThat(created.statusCode()).isEqualTo(201);
        String id = new JsonObject(created.body()).getString("id");
        assertThat(post("/api/campaigns/" + id + "/submit", volunteer).statusCode()).isEqualTo(200);
        assertThat(post("/api/campaigns/" + id + "/approve", operator).statusCode()).isEqualTo(200);
        return id;
    }

    /** Subscribers made through the consent store: number → language. */
    static Map<String, String> subscribe(int n, String lang, String region) {
        return subscribe(n, lang, region, Channel.SMS);
    }

    static Map<String, String> subscribe(int n, String lang, String region, Channel channel) {
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            String number = org.taama.support.Numbers.fresh();
            Await.result(consent.optIn(callers.of(number), number, channel, lang, region));
            out.put(number, lang);
        }
        return out;
    }

    /** What the fake Twilio received for these numbers: number → bodies. */
    static Map<String, List<String>> mine(Map<String, String> numbers) {
        return fake.requests().stream().filter(r -> numbers.containsKey(r.field("To")) && r.field("Body") != null)
                .collect(Collectors.groupingBy(r -> r.field("To"), Collectors.mapping(r -> r.field("Body"), Collectors.toList())));
    }

    static JsonObject campaign(String id) {
        try {
            return new JsonObject(call(b, "GET", "/api/campaigns/" + id, operator, null).body());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    static List<JsonObject> finishes(String id) {
        return Await.result(new org.taama.cases.Audit(a.redis(), Clock.systemUTC()).recent(0, 1000)).stream()
                .filter(e -> "campaign:finish".equals(e.getString("action")) && id.equals(e.getString("campaign"))).toList();
    }

    static List<String> zset(String key) {
        return Await.result(a.redis().zrevrange(key, 0, -1));
    }

    static JsonObject counts(String id) {
        try {
            HttpResponse<String> r = call(b, "GET", "/api/campaigns/" + id, operator, null);
            return new JsonObject(r.body()).getJsonObject("counts");
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** Snapshotted and every recipient accounted for. */
    static boolean finished(String id) {
        JsonObject c = counts(id);
        return c.getLong("queued") == 0 && c.getLong("audience") > 0 && c.getLong("audience")
                == c.getLong("sent") + c.getLong("failed") + c.getLong("opted_out") + c.getLong("skipped");
    }

    interface Check {
        boolean ok() throws Exception;
    }

    static void until(Check check, String what) throws Exception {
        long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!check.ok()) {
            if (System.nanoTime() > end) throw new AssertionError("timed out waiting: " + what);
            Thread.sleep(50);
        }
    }

    static String region() {
        return org.taama.support.Audiences.freshRegion(a.redis());
    }

    static String account(String admin, String role) throws Exception {
        String user = role.substring(0, 3) + "-" + UUID.randomUUID().toString().substring(0, 8);
        String pass = "campaign-pass-" + UUID.randomUUID();
        HttpResponse<String> r = call(a, "POST", "/api/operators", admin,
                new JsonObject().put("username", user).put("password", pass).put("role", role).encode());
        assertThat(r.statusCode()).isEqualTo(201);
        return login(a, user, pass);
    }

    static String login(Server s, String user, String pass) throws Exception {
        HttpResponse<String> r = call(s, "POST", "/api/login", null, new JsonObject().put("username", user).put("password", pass).encode());
        assertThat(r.statusCode()).isEqualTo(200);
        return new JsonObject(r.body()).getString("token");
    }

    static HttpResponse<String> post(String path, String token) throws Exception {
        return call(a, "POST", path, token, "{}");
    }

    static HttpResponse<String> call(Server s, String method, String path, String token, String body) throws Exception {
        HttpRequest.Builder req = HttpRequest.newBuilder(URI.create("http://localhost:" + s.port() + path)).timeout(Duration.ofSeconds(10))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) req.header("Authorization", "Bearer " + token);
        if (body != null) req.header("Content-Type", "application/json");
        return HTTP.send(req.build(), HttpResponse.BodyHandlers.ofString());
    }
}
