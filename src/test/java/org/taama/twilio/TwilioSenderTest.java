package org.taama.twilio;

import org.taama.support.Await;
import com.twilio.http.HttpMethod;
import com.twilio.http.Request;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.taama.config.Config;
import org.taama.consent.Channel;
import org.taama.consent.ConsentStore;
import org.taama.privacy.CallerHash;
import org.taama.privacy.NumberCipher;
import org.taama.redis.Redis;
import org.taama.support.FakeTwilio;
import org.taama.support.FakeTwilio.Answer;
import org.taama.support.FakeTwilio.Received;
import org.taama.support.TestRedis;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/** The real Twilio SDK against a real HTTP fake of Twilio's REST API, with real Redis. */
class TwilioSenderTest {
    static final String SID = "AC" + "0123456789abcdef0123456789abcdef";
    static final String TOKEN = "test-auth-token-0123456789";
    static final String SMS_FROM = "+15005550006";
    static final String WA_FROM = "+14155238886";
    static final String BASE = "https://taama.example.org";
    static final String TEMPLATE = "HX" + "0123456789abcdef0123456789abcdef";
    static final byte[] HASH_KEY = "test-hash-key-test-hash-key-0000".getBytes(StandardCharsets.US_ASCII);
    static final byte[] ENC_KEY = "test-enc-key-test-enc-key-000000".getBytes(StandardCharsets.US_ASCII);

    static Vertx vertx;
    static Redis redis;
    static FakeTwilio fake;
    static CallerHash callers;
    static ConsentStore consent;
    static WhatsAppWindow window;
    static DeliveryStatus statuses;
    static TwilioSender sender;
    static TwilioSender templateSender;

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        redis = Redis.connect(vertx, TestRedis.url(), TestRedis.cluster(), Duration.ofSeconds(2));
        fake = FakeTwilio.start(vertx, SID, TOKEN);
        callers = new CallerHash(HASH_KEY);
        consent = new ConsentStore(redis, new NumberCipher(ENC_KEY), Clock.systemUTC());
        window = new WhatsAppWindow(redis);
        statuses = new DeliveryStatus(redis, Clock.systemUTC());
        sender = sender(config(false));
        templateSender = sender(config(true));
    }

    @AfterAll
    static void stop() throws Exception {
        sender.close();
        templateSender.close();
        fake.close();
        redis.close();
        vertx.close().toCompletionStage().toCompletableFuture().get();
    }

    @BeforeEach
    void reset() {
        fake.reset();
    }

    static Config config(boolean template) {
        Map<String, String> env = new HashMap<>();
        env.put("TWILIO_ACCOUNT_SID", SID);
        env.put("TWILIO_AUTH_TOKEN", TOKEN);
        env.put("TWILIO_API_URL", fake.url());
        env.put("TWILIO_SMS_FROM", SMS_FROM);
        env.put("TWILIO_WHATSAPP_FROM", "whatsapp:" + WA_FROM);
        env.put("PUBLIC_BASE_URL", BASE + "/");
        env.put("SENDER_THREADS", "2");
        if (template) env.put("WHATSAPP_TEMPLATE_SID", TEMPLATE);
        return Config.from(env);
    }

    static TwilioSender sender(Config c) {
        return new TwilioSender(vertx, c, callers, consent, window, statuses);
    }

    /** A fresh Malian-looking number per test, so tests never share a caller. */
    static String number() {
        return org.taama.support.Numbers.fresh();
    }

    static String digits(String number) {
        return number.substring(1);
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "to \"{0}\"")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"+15552013344", "0015552013344", "+33612345678",
            "+2267012345", "+22", "not a number", "+223 7012 3456 7890 1234 5678 9"})
    void smsOutsideTheAllowedCountriesIsRefusedBeforeTwilio(String to) {
        Throwable t = Await.failure(sender.sendSms(to, "Police: 80 00 11 15"));
        assertThat(t).isInstanceOf(SendFailure.NotAllowed.class);
        assertThat(t.getMessage()).doesNotContain(to);
        assertThat(fake.requests()).as("Twilio is never asked").isEmpty();
    }

    @Test
    void smsAllowListComesFromTheConfigurationAndNumbersGoOutAsE164() throws Exception {
        try (TwilioSender both = sender(Config.from(new HashMap<>(Map.of("TWILIO_ACCOUNT_SID", SID,
                "TWILIO_AUTH_TOKEN", TOKEN, "TWILIO_API_URL", fake.url(), "TWILIO_SMS_FROM", SMS_FROM,
                "SMS_ALLOWED_COUNTRIES", "223, +226"))))) {
            Await.result(both.sendSms("+22670123456", "x"));
            String local = number().substring(4);
            Await.result(both.sendSms(local, "x"));                           // a local 8-digit number
            Await.result(both.sendSms("00223" + local, "x"));
            assertThat(Await.failure(both.sendSms("+15552013344", "x"))).isInstanceOf(SendFailure.NotAllowed.class);
            assertThat(fake.requests()).extracting(r -> r.field("To"))
                    .containsExactly("+22670123456", "+223" + local, "+223" + local);
        }
    }

    @Test
    void smsSendsExactlyToFromBodyAndStatusCallbackWithBasicAuth() {
        String to = number();
        SendResult r = Await.result(sender.sendSms(to, "Vos droits: appelez le 80 00 11 22 ☺"));

        assertThat(r.sid()).startsWith("SM").hasSize(34);
        assertThat(r.status()).isEqualTo("queued");
        assertThat(r.channel()).isEqualTo(Channel.SMS);
        assertThat(r.template()).isFalse();

        List<Received> reqs = fake.requests();
        assertThat(reqs).hasSize(1);
        Received q = reqs.get(0);
        assertThat(q.method()).isEqualTo("POST");
        assertThat(q.path()).isEqualTo("/2010-04-01/Accounts/" + SID + "/Messages.json");
        assertThat(q.authorization()).isEqualTo("Basic " + Base64.getEncoder()
                .encodeToString((SID + ":" + TOKEN).getBytes(StandardCharsets.UTF_8)));
        assertThat(q.contentType()).startsWith("application/x-www-form-urlencoded");
        assertThat(q.form()).containsOnlyKeys("To", "From", "Body", "StatusCallback");
        assertThat(q.form().get("To")).containsExactly(to);
        assertThat(q.form().get("From")).containsExactly(SMS_FROM);
        assertThat(q.form().get("Body")).containsExactly("Vos droits: appelez le 80 00 11 22 ☺");
        assertThat(q.form().get("StatusCallback")).containsExactly(BASE + "/twilio/status");

        // Twilio sends no callback for the initial status: the sender records it.
        Map<String, String> stored = Await.result(statuses.get(r.sid()));
        assertThat(stored).containsEntry("status", "queued").containsKey("updatedAt");
    }

    @Test
    void rateLimitedIsTypedAndNotRetried() {
        String to = number();
        fake.answerNext(Answer.rateLimited());
        Throwable t = Await.failure(sender.sendSms(to, "x"));
        assertThat(t).isInstanceOf(SendFailure.RateLimited.class);
        assertThat(((SendFailure) t).code()).isEqualTo(20429);
        assertThat(t.getMessage()).doesNotContain(digits(to));
        assertThat(fake.requests()).hasSize(1);
    }

    @Test
    void stoppedRecipientIsOptedOutInRedis() {
        String to = number();
        String caller = callers.of(to);
        Await.result(consent.optIn(caller, to, Channel.SMS, "fr", null));
        assertThat(Await.result(consent.get(caller)).subscribed()).isTrue();

        fake.answerNext(Answer.stopped());
        Throwable t = Await.failure(sender.sendSms(to, "x"));

        assertThat(t).isInstanceOf(SendFailure.Stopped.class);
        assertThat(((SendFailure) t).code()).isEqualTo(21610);
        assertThat(t.getMessage()).doesNotContain(digits(to));
        ConsentStore.Consent c = Await.result(consent.get(caller));
        assertThat(c.optedOut()).isTrue();
        assertThat(c.channel()).isEqualTo("sms");
        assertThat(Await.result(consent.number(caller))).isNull();
        assertThat(Await.result(new org.taama.consent.Subscribers(redis, java.time.Clock.systemUTC()).listed(caller))).isFalse();
        assertThat(Await.result(consent.history(caller)).get(0).getString("note")).isEqualTo("twilio 21610");
    }

    @Test
    void serverErrorIsRetriedThreeTimesBySdkThenUnavailable() {
        String to = number();
        fake.answerNext(Answer.serverError(), Answer.serverError(), Answer.serverError(), Answer.serverError());
        Throwable t = Await.failure(sender.sendSms(to, "x"));
        assertThat(t).isInstanceOf(SendFailure.Unavailable.class);
        assertThat(t.getMessage()).contains("500").doesNotContain(digits(to));
        assertThat(fake.requests()).hasSize(3);
        assertThat(fake.requests()).allSatisfy(q -> assertThat(q.field("To")).isEqualTo(to));
    }

    @Test
    void serverErrorThenSuccessSucceedsOnTheSdkRetry() {
        fake.answerNext(Answer.serverError());
        SendResult r = Await.result(sender.sendSms(number(), "x"));
        assertThat(r.sid()).startsWith("SM");
        assertThat(fake.requests()).hasSize(2);
    }

    @Test
    void otherClientErrorIsRejectedWithCodeAndNoNumberInTheMessage() {
        String to = number();
        fake.answerNext(Answer.error(400, 21211, "The 'To' number " + to + " is not a valid phone number."));
        Throwable t = Await.failure(sender.sendSms(to, "x"));
        assertThat(t).isInstanceOf(SendFailure.Rejected.class);
        SendFailure.Rejected r = (SendFailure.Rejected) t;
        assertThat(r.code()).isEqualTo(21211);
        assertThat(r.getMessage()).contains("21211").contains("[number]").doesNotContain(digits(to));
        assertThat(r.twilioMessage()).isEqualTo("The 'To' number [number] is not a valid phone number.");
        assertThat(fake.requests()).hasSize(1);
    }

    @Test
    void wrongAuthTokenIsRejectedByTheFake() {
        TwilioSender wrong = sender(config(false).with("TWILIO_AUTH_TOKEN", "not-the-token"));
        try {
            Throwable t = Await.failure(wrong.sendSms(number(), "x"));
            assertThat(t).isInstanceOf(SendFailure.Rejected.class);
            assertThat(((SendFailure) t).code()).isEqualTo(20003);
            assertThat(fake.requests()).hasSize(1);
        } finally {
            wrong.close();
        }
    }

    @Test
    void noConnectionIsUnavailable() throws Exception {
        // A port that was free a moment ago and has nothing listening now.
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort();
        }
        TwilioSender down = sender(config(false).with("TWILIO_API_URL", "http://localhost:" + port));
        try {
            String to = number();
            Throwable t = Await.failure(down.sendSms(to, "x"));
            assertThat(t).isInstanceOf(SendFailure.Unavailable.class);
            assertThat(t.getMessage()).contains("unreachable").doesNotContain(digits(to));
        } finally {
            down.close();
        }
    }

    @Test
    void whatsAppInsideWindowSendsFreeFormBody() {
        String to = number();
        Await.result(window.touch(callers.of(to)));
        assertThat(Await.result(window.isOpen(callers.of(to)))).isTrue();

        SendResult r = Await.result(templateSender.sendWhatsApp(to, "I ni ce", Map.of("1", "Awa")));

        assertThat(r.channel()).isEqualTo(Channel.WHATSAPP);
        assertThat(r.template()).isFalse();
        Received q = fake.requests().get(0);
        assertThat(fake.requests()).hasSize(1);
        assertThat(q.form()).containsOnlyKeys("To", "From", "Body", "StatusCallback");
        assertThat(q.field("To")).isEqualTo("whatsapp:" + to);
        assertThat(q.field("From")).isEqualTo("whatsapp:" + WA_FROM);
        assertThat(q.field("Body")).isEqualTo("I ni ce");
        assertThat(q.field("StatusCallback")).isEqualTo(BASE + "/twilio/status");
    }

    @Test
    void whatsAppPrefixedNumberIsTheSameCaller() {
        String to = number();
        Await.result(window.touch(callers.of(to)));
        Await.result(sender.sendWhatsApp("whatsapp:" + to, "hi", null));
        assertThat(fake.requests().get(0).field("To")).isEqualTo("whatsapp:" + to);
        assertThat(fake.requests().get(0).field("Body")).isEqualTo("hi");
    }

    @Test
    void whatsAppWindowKeyHas24HourTtl() {
        String caller = callers.of(number());
        Await.result(window.touch(caller));
        long ttl = Await.result(redis.ttlMillis(WhatsAppWindow.key(caller)));
        assertThat(ttl).isBetween(Duration.ofHours(24).minusMinutes(1).toMillis(), Duration.ofHours(24).toMillis());
        assertThat(WhatsAppWindow.key(caller)).isEqualTo("taama:{" + caller + "}:wa:window");
    }

    @Test
    void whatsAppOutsideWindowWithTemplateSendsContentSidAndVariablesWithoutBody() {
        String to = number();
        Map<String, String> vars = new LinkedHashMap<>();
        vars.put("2", "demain");
        vars.put("1", "Awa");
        SendResult r = Await.result(templateSender.sendWhatsApp(to, "free-form text", vars));

        assertThat(r.template()).isTrue();
        assertThat(r.sid()).startsWith("SM");
        assertThat(fake.requests()).hasSize(1);
        Received q = fake.requests().get(0);
        assertThat(q.form()).containsOnlyKeys("To", "From", "ContentSid", "ContentVariables", "StatusCallback");
        assertThat(q.form()).doesNotContainKey("Body");
        assertThat(q.field("To")).isEqualTo("whatsapp:" + to);
        assertThat(q.field("From")).isEqualTo("whatsapp:" + WA_FROM);
        assertThat(q.field("ContentSid")).isEqualTo(TEMPLATE);
        assertThat(q.field("ContentVariables")).isEqualTo("{\"1\":\"Awa\",\"2\":\"demain\"}");
        assertThat(q.field("StatusCallback")).isEqualTo(BASE + "/twilio/status");
    }

    @Test
    void whatsAppOutsideWindowWithoutTemplateFailsClearlyAndSendsNothing() {
        String to = number();
        Throwable t = Await.failure(sender.sendWhatsApp(to, "free-form text", Map.of()));
        assertThat(t).isInstanceOf(SendFailure.OutsideWhatsAppWindow.class);
        assertThat(t.getMessage()).contains("24-hour window").contains("WHATSAPP_TEMPLATE_SID").doesNotContain(digits(to));
        assertThat(fake.requests()).isEmpty();
    }

    @Test
    void twilio63016IsOutsideWhatsAppWindow() {
        String to = number();
        Await.result(window.touch(callers.of(to)));
        fake.answerNext(Answer.error(400, 63016, "Failed to send freeform message because you are outside the allowed window."));
        Throwable t = Await.failure(sender.sendWhatsApp(to, "x", null));
        assertThat(t).isInstanceOf(SendFailure.OutsideWhatsAppWindow.class);
        assertThat(((SendFailure) t).code()).isEqualTo(63016);
    }

    @Test
    void whatsAppStoppedOptsOutOnWhatsApp() {
        String to = number();
        String caller = callers.of(to);
        Await.result(window.touch(caller));
        fake.answerNext(Answer.stopped());
        Throwable t = Await.failure(sender.sendWhatsApp(to, "x", null));
        assertThat(t).isInstanceOf(SendFailure.Stopped.class);
        ConsentStore.Consent c = Await.result(consent.get(caller));
        assertThat(c.optedOut()).isTrue();
        assertThat(c.channel()).isEqualTo("whatsapp");
    }

    @Test
    void completesOnTheCallersContextAndNeverBlocksIt() throws Exception {
        Context ctx = vertx.getOrCreateContext();
        AtomicReference<Context> completedOn = new AtomicReference<>();
        AtomicReference<Thread> sdkWasCalledFrom = new AtomicReference<>();
        Promise<SendResult> done = Promise.promise();
        fake.delay(Duration.ofMillis(300));
        ctx.runOnContext(v -> {
            sdkWasCalledFrom.set(Thread.currentThread());
            long t0 = System.nanoTime();
            Future<SendResult> f = sender.sendSms(number(), "x");
            // The call returned at once: the SDK's blocking HTTP ran elsewhere.
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofMillis(200));
            f.onComplete(ar -> {
                completedOn.set(Vertx.currentContext());
                done.handle(ar);
            });
        });
        assertThat(Await.result(done.future()).sid()).startsWith("SM");
        assertThat(completedOn.get()).isSameAs(ctx);
    }

    @Test
    void fullQueueFailsFastWithBusy() {
        Config c = config(false).with("SENDER_THREADS", "1");
        TwilioSender small = new TwilioSender(vertx, c, callers, consent, window, statuses, 1);
        try {
            fake.delay(Duration.ofMillis(1500));
            List<Future<SendResult>> fs = new ArrayList<>();
            Future<SendResult> first = small.sendSms(number(), "1");
            // Wait until the first has left the queue for the one thread.
            long until = System.currentTimeMillis() + 5000;
            while (small.queued() > 0 && System.currentTimeMillis() < until) Thread.onSpinWait();
            Future<SendResult> second = small.sendSms(number(), "2");
            long t0 = System.nanoTime();
            Future<SendResult> third = small.sendSms(number(), "3");
            Throwable t = Await.failure(third);
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofMillis(500));
            assertThat(t).isInstanceOf(SendFailure.Busy.class);
            assertThat(t.getMessage()).contains("queue full");
            fs.add(first);
            fs.add(second);
            for (Future<SendResult> f : fs) assertThat(Await.result(f).sid()).startsWith("SM");
            assertThat(fake.requests()).hasSize(2);
        } finally {
            small.close();
        }
    }

    @Test
    void rewriteCopiesEverythingAndOnlyRewritesTwilioHosts() {
        Request in = new Request(HttpMethod.POST, "api", "/2010-04-01/Accounts/" + SID + "/Messages.json");
        assertThat(in.getUrl()).isEqualTo("https://api.twilio.com/2010-04-01/Accounts/" + SID + "/Messages.json");
        in.addPostParam("To", "+22370000000");
        in.addPostParam("MediaUrl", "https://a/1");
        in.addPostParam("MediaUrl", "https://a/2");
        in.addQueryParam("PageSize", "20");
        in.addHeaderParam("X-Custom", "yes");
        in.setAuth(SID, TOKEN);

        Request out = TwilioHttpClient.rewrite(in, "http://localhost:9999");
        assertThat(out.getUrl()).isEqualTo("http://localhost:9999/2010-04-01/Accounts/" + SID + "/Messages.json");
        assertThat(out.getMethod()).isEqualTo(HttpMethod.POST);
        assertThat(out.getPostParams()).isEqualTo(in.getPostParams());
        assertThat(out.getQueryParams()).isEqualTo(in.getQueryParams());
        assertThat(out.getHeaderParams()).isEqualTo(in.getHeaderParams());
        assertThat(out.getAuthString()).isEqualTo(in.getAuthString());
        assertThat(out.constructURL().toString()).isEqualTo("http://localhost:9999/2010-04-01/Accounts/" + SID + "/Messages.json?PageSize=20");

        Request other = new Request(HttpMethod.GET, "https://example.org/x");
        assertThat(TwilioHttpClient.rewrite(other, "http://localhost:9999")).isSameAs(other);
    }

    @Test
    void redactRemovesNumbersInAnyCommonFormat() {
        assertThat(TwilioSender.redact("to +223 70 00 00 00 failed")).isEqualTo("to [number] failed");
        assertThat(TwilioSender.redact("whatsapp:+22370000000 bad")).isEqualTo("whatsapp:[number] bad");
        assertThat(TwilioSender.redact("code 21610")).isEqualTo("code 21610");
    }
}
