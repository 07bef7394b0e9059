package org.taama.campaign;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.taama.config.QuietHours;
import org.taama.consent.Channel;
import org.taama.consent.ConsentStore;
import org.taama.cost.TextCost;
import org.taama.privacy.CallerHash;
import org.taama.privacy.NumberCipher;
import org.taama.server.Server;
import org.taama.support.Await;
import org.taama.support.FakeTwilio;
import org.taama.support.TestServers;
import org.taama.support.Ussd;

import java.time.Clock;
import java.time.Duration;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 8's proof at size: 10,000 subscribers (fr and bm, in several regions, some from the real USSD
 * and SMS menus) receive one campaign from two real servers on one Redis, through the real Twilio SDK
 * to the fake Twilio, which answers slowly, refuses a share with 429 and 500 and has a burst of 429s;
 * a few hundred text STOP while it runs. Each recipient gets exactly one message, in their language;
 * nobody gets one after their STOP was answered (beyond what was already handed to Twilio); nothing is
 * lost, and the counts add up to the audience.
 */
class TenThousandRecipientsTest {
    static final String SID = "AC" + "0123456789abcdef0123456789abcdef";
    static final String TOKEN = "scale-auth-token-0123456789";
    static final String PUBLIC = "https://taama.example.org";
    static final String FROM = "+1500666" + ThreadLocalRandom.current().nextInt(1000, 9999);
    static final String FR = "Vos droits vous suivent partout. Appelez le 80 00 00 00.";
    static final String BM = "I ka hakɛw bɛ i bolo. I bɛ se ka wele kɛ 80 00 00 00 kan.";
    static final String ADMIN = "admin-" + UUID.randomUUID().toString().substring(0, 8);
    static final String ADMIN_PASS = "admin-password-" + UUID.randomUUID();
    static final int RECIPIENTS = 10_000;
    static final int FROM_MENUS = 10;   // each by USSD and by SMS
    static final int STOPS = 300;
    static final int THREADS = 8;

    static Vertx vertx;
    static FakeTwilio fake;
    static Server a;
    static Server b;
    static ConsentStore consent;
    static CallerHash callers;
    static final Map<String, String> numbers = new LinkedHashMap<>();   // number → language

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        fake = FakeTwilio.start(vertx, SID, TOKEN);
        LocalTime now = LocalTime.now(QuietHours.ZONE);
        String quiet = now.plusHours(6).withSecond(0).withNano(0) + "-" + now.plusHours(7).withSecond(0).withNano(0);
        Map<String, String> env = new HashMap<>(Map.of("TWILIO_ACCOUNT_SID", SID, "TWILIO_AUTH_TOKEN", TOKEN,
                "TWILIO_API_URL", fake.url(), "TWILIO_SMS_FROM", FROM, "SENDER_RATE", "10000",
                "SENDER_THREADS", Integer.toString(THREADS), "SEND_ATTEMPTS", "10", "QUIET_HOURS", quiet,
                "ADMIN_USERNAME", ADMIN, "ADMIN_PASSWORD", ADMIN_PASS));
        env.put("PUBLIC_BASE_URL", PUBLIC);
        a = TestServers.start(env);
        b = TestServers.start(env);
        consent = new ConsentStore(a.redis(), new NumberCipher(Base64.getDecoder().decode(TestServers.ENCRYPTION_KEY)), Clock.systemUTC());
        callers = new CallerHash(Base64.getDecoder().decode(TestServers.HASH_KEY));
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            // Out of every audience again, so later tests on this Redis count only their own.
            List<String> all = List.copyOf(numbers.keySet());
            for (int i = 0; i < all.size(); i += 500) {
                Await.result(Future.all(all.subList(i, Math.min(all.size(), i + 500)).stream()
                        .map(n -> consent.subscribers().drop(callers.of(n))).toList()));
            }
        } finally {
            if (b != null) b.close();
            if (a != null) a.close();
            fake.close();
            vertx.close();
        }
    }

    @Test
    void tenThousandSubscribersEachGetOneMessageInTheirLanguageThroughRateLimitsErrorsAndStops() throws Exception {
        String r1 = region(), r2 = region(), r3 = region();
        long t0 = System.nanoTime();
        subscribeByUssd(FROM_MENUS);
        subscribeBySms(FROM_MENUS);
        subscribe(RECIPIENTS - 2 * FROM_MENUS, List.of(r1, r2, r3));
        assertThat(numbers).hasSize(RECIPIENTS);
        System.out.printf("subscribed %d in %.1f s%n", RECIPIENTS, (System.nanoTime() - t0) / 1e9);

        CampaignApi api = new CampaignApi(a.port());
        String admin = api.login(ADMIN, ADMIN_PASS);
        String volunteer = api.account(admin, "volunteer");
        String operator = api.account(admin, "operator");
        fake.latency(Duration.ofMillis(1), Duration.ofMillis(8)).errors(0.03, 0.01);

        long commandsBefore = commands(a);
        long started = System.nanoTime();
        String id = api.approved(volunteer, operator, FR, BM, List.of("kayes", "sikasso", r1, r2, r3));

        // Mid-campaign: a burst of 429s, and STOPs texted to either server by people not reached yet.
        CampaignApi.until(Duration.ofSeconds(60), () -> accepted().size() >= RECIPIENTS / 5, "a fifth is sent");
        fake.rateLimitFor(Duration.ofMillis(300));
        Map<String, Long> stoppedAt = new ConcurrentHashMap<>();
        List<String> notYet = new ArrayList<>(numbers.keySet());
        notYet.removeAll(accepted().keySet());
        Collections.shuffle(notYet);
        for (String n : notYet.subList(0, STOPS)) {
            Server via = stoppedAt.size() % 2 == 0 ? a : b;
            Ussd.Reply r = new CampaignApi(via.port()).text(TOKEN, PUBLIC, n, "STOP");
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            stoppedAt.put(n, System.nanoTime());
        }

        CampaignApi.until(Duration.ofSeconds(120), () -> CampaignApi.finished(api.counts(id, operator)), "every recipient is accounted for");
        double seconds = (System.nanoTime() - started) / 1e9;
        long commands = commands(a) - commandsBefore;
        System.out.printf("sent in %.1f s (%.0f a second), %.1f Redis commands a recipient%n", seconds, RECIPIENTS / seconds,
                (double) commands / RECIPIENTS);
        Thread.sleep(200); // anything still arriving at the fake would be a duplicate: let it show

        Map<String, List<FakeTwilio.Received>> got = accepted();
        String bmSms = new TextCost(a.config()).cost(BM, "sms", "bm").text();
        List<String> twice = got.entrySet().stream().filter(e -> e.getValue().size() > 1).map(Map.Entry::getKey).toList();
        assertThat(twice).as("nobody gets the message twice").isEmpty();
        List<String> lost = new ArrayList<>();
        List<String> afterStop = new ArrayList<>();
        int stoppedAndReached = 0;
        for (Map.Entry<String, String> e : numbers.entrySet()) {
            List<FakeTwilio.Received> mine = got.getOrDefault(e.getKey(), List.of());
            Long stop = stoppedAt.get(e.getKey());
            if (stop != null) {
                if (!mine.isEmpty()) stoppedAndReached++;
                if (!mine.isEmpty() && mine.get(0).atNanos() > stop) afterStop.add(e.getKey());
                continue;
            }
            if (mine.isEmpty()) {
                lost.add(e.getKey());
                continue;
            }
            assertThat(mine.get(0).field("Body")).as("in the recipient's language").isEqualTo(e.getValue().equals("fr") ? FR : bmSms);
            assertThat(mine.get(0).field("From")).isEqualTo(FROM);
        }
        assertThat(lost).as("nobody who stayed subscribed is lost").isEmpty();
        // A message checked just before the STOP was stored may reach Twilio just after it was answered:
        // at most what both nodes hold in flight, and each only the send pipeline's time late.
        long latestMs = afterStop.stream().mapToLong(n -> (got.get(n).get(0).atNanos() - stoppedAt.get(n)) / 1_000_000).max().orElse(0);
        System.out.printf("after their STOP was answered: %d messages, the latest %d ms after%n", afterStop.size(), latestMs);
        assertThat(afterStop).as("nobody gets it after their STOP was answered, but what was being handed to Twilio")
                .hasSizeLessThanOrEqualTo(2 * 2 * THREADS);
        assertThat(latestMs).as("handed over before the STOP, not decided after it").isLessThan(2000);

        JsonObject c = api.counts(id, operator);
        long refused = fake.requests().stream().filter(r -> !r.accepted()).count();
        System.out.printf("10,000 recipients: %s in %.1f s (%.0f/s) from two nodes; Twilio refused %d requests (429/500), "
                + "%d STOPs mid-campaign (%d had been reached already)%n", c.encode(), seconds, RECIPIENTS / seconds,
                refused, STOPS, stoppedAndReached);
        assertThat(refused).as("the fake did refuse: the retries were exercised").isGreaterThan(100);
        assertThat(c.getLong("audience")).as("ours, and whoever else subscribed in Kayes or Sikasso on this Redis")
                .isGreaterThanOrEqualTo(RECIPIENTS);
        assertThat(c.getLong("failed")).as("every refusal was retried until accepted").isZero();
        assertThat(c.getLong("queued")).isZero();
        assertThat(c.getLong("sent")).as("each accepted message counted once").isEqualTo(got.size());
        assertThat(c.getLong("opted_out")).as("the STOPs nobody had reached yet").isEqualTo(STOPS - stoppedAndReached);
        assertThat(c.getLong("sent") + c.getLong("failed") + c.getLong("opted_out") + c.getLong("skipped"))
                .isEqualTo(c.getLong("audience"));
    }

    /** Every command Redis has run since it started (INFO commandstats), STOP, counts and test reads included. */
    static long commands(Server s) {
        String info = Await.result(Future.fromCompletionStage(s.redis().commands().info("commandstats")));
        long calls = 0;
        for (String line : info.split("\r?\n")) {
            int at = line.indexOf("calls=");
            if (line.startsWith("cmdstat_") && at > 0) calls += Long.parseLong(line.substring(at + 6, line.indexOf(',', at)));
        }
        return calls;
    }

    /** Accepted messages by number, in the order they came. */
    static Map<String, List<FakeTwilio.Received>> accepted() {
        return fake.requests().stream().filter(FakeTwilio.Received::accepted)
                .collect(Collectors.groupingBy(r -> r.field("To"), Collectors.toList()));
    }

    /** Through the USSD menu: language, "receive our messages", yes, Kayes or Sikasso. */
    static void subscribeByUssd(int n) {
        for (int i = 0; i < n; i++) {
            String number = fresh();
            String lang = i % 2 == 0 ? "fr" : "bm";
            Ussd phone = new Ussd(a.port(), "ATUid_scale_" + UUID.randomUUID(), number);
            phone.dial();
            phone.type(lang.equals("fr") ? "1" : "2");
            phone.type("5");
            phone.type("1");
            assertThat(phone.type(i % 4 < 2 ? "2" : "4").ends()).as("subscribed").isTrue();
            subscribed(number, lang);
        }
    }

    /** Through the SMS menu: a first text, the language, "receive our messages", yes, Kayes or Sikasso. */
    static void subscribeBySms(int n) {
        CampaignApi api = new CampaignApi(b.port());
        for (int i = 0; i < n; i++) {
            String number = fresh();
            String lang = i % 2 == 0 ? "bm" : "fr";
            for (String body : List.of("Salut", lang.equals("fr") ? "1" : "2", "5", "1", i % 4 < 2 ? "4" : "2")) {
                assertThat(api.text(TOKEN, PUBLIC, number, body).status()).isEqualTo(200);
            }
            subscribed(number, lang);
        }
    }

    static void subscribed(String number, String lang) {
        ConsentStore.Consent c = Await.result(consent.get(callers.of(number)));
        assertThat(c.subscribed()).as("consent of a menu subscriber").isTrue();
        assertThat(c.lang()).isEqualTo(lang);
        numbers.put(number, lang);
    }

    /** The rest straight into the consent store, 500 at a time. */
    static void subscribe(int n, List<String> regions) {
        List<Future<Void>> batch = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String number = fresh();
            String lang = ThreadLocalRandom.current().nextInt(3) == 0 ? "bm" : "fr";
            batch.add(consent.optIn(callers.of(number), number, Channel.SMS, lang, regions.get(i % regions.size())));
            numbers.put(number, lang);
            if (batch.size() == 500 || i == n - 1) {
                Await.result(Future.all(batch));
                batch.clear();
            }
        }
    }

    private static long next = ThreadLocalRandom.current().nextLong(1_000_000, 8_000_000);

    /** Consecutive numbers from a random start: all distinct, unlike random ones (10,000 of 10 million collide). */
    static String fresh() {
        return "+2237" + String.format("%07d", next++);
    }

    /** Apart from Kayes and Sikasso, where the menus subscribe callers too. */
    static String region() {
        return org.taama.support.Audiences.freshRegion(a.redis(), "kayes", "sikasso");
    }
}
