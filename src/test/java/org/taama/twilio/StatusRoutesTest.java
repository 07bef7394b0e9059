package org.taama.twilio;

import org.taama.support.Await;
import org.taama.support.TwilioSigner;

import com.twilio.security.RequestValidator;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.taama.consent.Channel;
import org.taama.consent.ConsentStore;
import org.taama.privacy.CallerHash;
import org.taama.privacy.NumberCipher;
import org.taama.redis.Redis;
import org.taama.support.TestRedis;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** POST /twilio/status on its own Router and real HTTP server, signed as Twilio signs, with real Redis. */
class StatusRoutesTest {
    static final String TOKEN = "status-test-token-0123456789";
    static final String PUBLIC = "https://taama.example.org";
    static final String URL = PUBLIC + "/twilio/status";
    static final byte[] HASH_KEY = "test-hash-key-test-hash-key-0000".getBytes(StandardCharsets.US_ASCII);
    static final byte[] ENC_KEY = "test-enc-key-test-enc-key-000000".getBytes(StandardCharsets.US_ASCII);
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    static Vertx vertx;
    static Redis redis;
    static HttpServer server;
    static DeliveryStatus statuses;
    static ConsentStore consent;
    static CallerHash callers;

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        redis = Redis.connect(vertx, TestRedis.url(), TestRedis.cluster(), Duration.ofSeconds(2));
        statuses = new DeliveryStatus(redis, Clock.systemUTC());
        callers = new CallerHash(HASH_KEY);
        consent = new ConsentStore(redis, new NumberCipher(ENC_KEY), Clock.systemUTC());
        Router router = Router.router(vertx);
        StatusRoutes.mount(router, new TwilioSignature(TOKEN, PUBLIC), statuses, consent, callers);
        server = vertx.createHttpServer().requestHandler(router).listen(0, "localhost")
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stop() throws Exception {
        server.close().toCompletionStage().toCompletableFuture().get();
        redis.close();
        vertx.close().toCompletionStage().toCompletableFuture().get();
    }

    static String sid() {
        return "SM" + UUID.randomUUID().toString().replace("-", "");
    }

    static String number() {
        return org.taama.support.Numbers.fresh();
    }

    /** A status callback as Twilio sends it (a subset of its fields, in Twilio's order). */
    static Map<String, String> callback(String sid, String status) {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("SmsSid", sid);
        f.put("SmsStatus", status);
        f.put("MessageStatus", status);
        f.put("To", "+22370000000");
        f.put("MessageSid", sid);
        f.put("AccountSid", "AC0123456789abcdef0123456789abcdef");
        f.put("From", "+15005550006");
        f.put("ApiVersion", "2010-04-01");
        return f;
    }

    record Reply(int status, String body) {}

    static Reply post(Map<String, String> form, String signature) throws Exception {
        StringJoiner body = new StringJoiner("&");
        form.forEach((k, v) -> body.add(URLEncoder.encode(k, StandardCharsets.UTF_8) + "=" + URLEncoder.encode(v, StandardCharsets.UTF_8)));
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://localhost:" + server.actualPort() + "/twilio/status"))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
        if (signature != null) b.header("X-Twilio-Signature", signature);
        HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Reply(r.statusCode(), r.body());
    }

    static Reply signed(Map<String, String> form) throws Exception {
        return post(form, TwilioSigner.sign(TOKEN, URL, form));
    }

    static <T> T await(Future<T> f) {
        return Await.result(f);
    }

    @Test
    void signerMatchesTwilioOfficialVectorAndTheSdkValidator() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("Digits", "1234");
        p.put("CallSid", "CA1234567890ABCDE");
        p.put("To", "+18005551212");
        p.put("Caller", "+14158675309");
        p.put("From", "+14158675309");
        String url = "https://mycompany.com/myapp.php?foo=1&bar=2";
        assertThat(TwilioSigner.sign("12345", url, p)).isEqualTo("RSOYDt4T1cUTdK1PDd93/VVr8B8=");
        Map<String, String> cb = callback(sid(), "sent");
        assertThat(new RequestValidator(TOKEN).validate(URL, cb, TwilioSigner.sign(TOKEN, URL, cb))).isTrue();
    }

    @Test
    void signedCallbackIsRecordedWith204() throws Exception {
        String sid = sid();
        Map<String, String> f = callback(sid, "delivered");
        Reply r = signed(f);
        assertThat(r.status()).isEqualTo(204);
        Map<String, String> stored = await(statuses.get(sid));
        assertThat(stored).containsEntry("status", "delivered").containsKey("updatedAt").doesNotContainKey("errorCode");
        assertThat(stored.keySet()).containsOnly("status", "updatedAt");
        long ttl = await(redis.ttlMillis(DeliveryStatus.key(sid)));
        assertThat(ttl).isBetween(Duration.ofDays(7).minusMinutes(1).toMillis(), Duration.ofDays(7).toMillis());
        assertThat(DeliveryStatus.key(sid)).isEqualTo("taama:msg:{" + sid + "}");
    }

    @Test
    void errorCodeIsStored() throws Exception {
        String sid = sid();
        Map<String, String> f = callback(sid, "undelivered");
        f.put("ErrorCode", "30003");
        assertThat(signed(f).status()).isEqualTo(204);
        assertThat(await(statuses.get(sid))).containsEntry("status", "undelivered").containsEntry("errorCode", "30003");
    }

    @Test
    void badSignatureIs403AndNothingIsRecorded() throws Exception {
        String sid = sid();
        Map<String, String> f = callback(sid, "delivered");
        String wrongToken = TwilioSigner.sign("another-token", URL, f);
        assertThat(post(f, wrongToken).status()).isEqualTo(403);
        // Signed for other values than those sent.
        Map<String, String> tampered = new LinkedHashMap<>(f);
        tampered.put("MessageStatus", "failed");
        assertThat(post(tampered, TwilioSigner.sign(TOKEN, URL, f)).status()).isEqualTo(403);
        // Signed for another URL.
        assertThat(post(f, TwilioSigner.sign(TOKEN, PUBLIC + "/other", f)).status()).isEqualTo(403);
        assertThat(await(statuses.get(sid))).isEmpty();
    }

    @Test
    void missingSignatureIs403() throws Exception {
        String sid = sid();
        assertThat(post(callback(sid, "sent"), null).status()).isEqualTo(403);
        assertThat(await(statuses.get(sid))).isEmpty();
    }

    @Test
    void missingMessageSidIs400WithOneLineReason() throws Exception {
        Map<String, String> f = callback(sid(), "sent");
        f.remove("MessageSid");
        Reply r = signed(f);
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.body().strip()).isEqualTo("missing MessageSid");
    }

    @Test
    void missingMessageStatusIs400WithOneLineReason() throws Exception {
        String sid = sid();
        Map<String, String> f = callback(sid, "sent");
        f.remove("MessageStatus");
        Reply r = signed(f);
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.body().strip()).isEqualTo("missing MessageStatus");
        assertThat(await(statuses.get(sid))).isEmpty();
    }

    @Test
    void outOfOrderSentAfterDeliveredStaysDelivered() throws Exception {
        String sid = sid();
        assertThat(signed(callback(sid, "delivered")).status()).isEqualTo(204);
        assertThat(signed(callback(sid, "sent")).status()).isEqualTo(204);
        assertThat(signed(callback(sid, "sending")).status()).isEqualTo(204);
        assertThat(signed(callback(sid, "queued")).status()).isEqualTo(204);
        assertThat(await(statuses.get(sid))).containsEntry("status", "delivered");
    }

    @Test
    void statusesMoveForwardInOrderAndReadFollowsDelivered() {
        String sid = sid();
        List<String> seen = new ArrayList<>();
        for (String s : List.of("queued", "sending", "sent", "delivered", "read")) {
            assertThat(await(statuses.record(sid, s, null))).isEqualTo(DeliveryStatus.Outcome.RECORDED);
            seen.add(await(statuses.get(sid)).get("status"));
        }
        assertThat(seen).containsExactly("queued", "sending", "sent", "delivered", "read");
        assertThat(await(statuses.record(sid, "delivered", null))).isEqualTo(DeliveryStatus.Outcome.IGNORED_OUT_OF_ORDER);
        assertThat(await(statuses.get(sid))).containsEntry("status", "read");
    }

    @Test
    void firstFinalStatusWins() {
        String sid = sid();
        await(statuses.record(sid, "failed", "30008"));
        assertThat(await(statuses.record(sid, "delivered", null))).isEqualTo(DeliveryStatus.Outcome.IGNORED_OUT_OF_ORDER);
        assertThat(await(statuses.record(sid, "undelivered", null))).isEqualTo(DeliveryStatus.Outcome.IGNORED_OUT_OF_ORDER);
        assertThat(await(statuses.get(sid))).containsEntry("status", "failed").containsEntry("errorCode", "30008");
    }

    @Test
    void canceledIsFinalAndOnlyBeforeAFinalStatus() {
        String a = sid();
        await(statuses.record(a, "scheduled", null));
        assertThat(await(statuses.record(a, "canceled", null))).isEqualTo(DeliveryStatus.Outcome.RECORDED);
        for (String s : List.of("sent", "delivered", "read", "failed")) {
            assertThat(await(statuses.record(a, s, null))).isEqualTo(DeliveryStatus.Outcome.IGNORED_OUT_OF_ORDER);
        }
        assertThat(await(statuses.get(a))).containsEntry("status", "canceled");

        String b = sid();
        await(statuses.record(b, "delivered", null));
        assertThat(await(statuses.record(b, "canceled", null))).isEqualTo(DeliveryStatus.Outcome.IGNORED_OUT_OF_ORDER);
        assertThat(await(statuses.get(b))).containsEntry("status", "delivered");
    }

    @Test
    void concurrentCallbacksInAnyOrderEndAtTheLatestStatus() {
        String sid = sid();
        List<String> order = new ArrayList<>();
        for (int i = 0; i < 10; i++) order.addAll(List.of("queued", "sending", "sent", "delivered", "read"));
        Collections.shuffle(order);
        List<Future<DeliveryStatus.Outcome>> all = new ArrayList<>();
        for (String s : order) all.add(statuses.record(sid, s, null));
        await(Future.all(all));
        assertThat(await(statuses.get(sid))).containsEntry("status", "read");
    }

    static List<String> everyStatus() {
        return List.of("queued", "sending", "sent", "failed", "delivered", "undelivered", "receiving", "received",
                "accepted", "scheduled", "read", "partially_delivered", "canceled");
    }

    @ParameterizedTest
    @MethodSource("everyStatus")
    void everyTwilioStatusIsAccepted(String status) throws Exception {
        assertThat(DeliveryStatus.STATUSES).contains(status);
        String sid = sid();
        assertThat(signed(callback(sid, status)).status()).isEqualTo(204);
        assertThat(await(statuses.get(sid))).containsEntry("status", status);
    }

    @Test
    void everyStatusOfTheSdkEnumIsKnown() {
        for (com.twilio.rest.api.v2010.account.Message.Status s : com.twilio.rest.api.v2010.account.Message.Status.values()) {
            assertThat(DeliveryStatus.STATUSES).contains(s.toString());
        }
    }

    @Test
    void unknownStatusIsAcknowledgedButNotStored() throws Exception {
        String sid = sid();
        assertThat(signed(callback(sid, "teleported")).status()).isEqualTo(204);
        assertThat(await(statuses.get(sid))).isEmpty();
    }

    @Test
    void errorCode21610OptsTheWhatsAppRecipientOut() throws Exception {
        String number = number();
        String caller = callers.of(number);
        await(consent.optIn(caller, number, Channel.WHATSAPP, "bm", null));
        String sid = sid();
        Map<String, String> f = callback(sid, "failed");
        f.put("To", "whatsapp:" + number);
        f.put("From", "whatsapp:+14155238886");
        f.put("ErrorCode", "21610");
        assertThat(signed(f).status()).isEqualTo(204);

        ConsentStore.Consent c = await(consent.get(caller));
        assertThat(c.optedOut()).isTrue();
        assertThat(c.channel()).isEqualTo("whatsapp");
        assertThat(await(consent.number(caller))).isNull();
        assertThat(await(new org.taama.consent.Subscribers(redis, java.time.Clock.systemUTC()).listed(caller))).isFalse();
        assertThat(await(statuses.get(sid))).containsEntry("status", "failed").containsEntry("errorCode", "21610");
    }

    @Test
    void errorCode21610OptsTheSmsRecipientOut() throws Exception {
        String number = number();
        String caller = callers.of(number);
        Map<String, String> f = callback(sid(), "undelivered");
        f.put("To", number);
        f.put("ErrorCode", "21610");
        assertThat(signed(f).status()).isEqualTo(204);
        ConsentStore.Consent c = await(consent.get(caller));
        assertThat(c.optedOut()).isTrue();
        assertThat(c.channel()).isEqualTo("sms");
    }

    @Test
    void otherErrorCodesDoNotOptOut() throws Exception {
        String number = number();
        Map<String, String> f = callback(sid(), "undelivered");
        f.put("To", number);
        f.put("ErrorCode", "30003");
        assertThat(signed(f).status()).isEqualTo(204);
        assertThat(await(consent.get(callers.of(number))).status()).isEqualTo("none");
    }

    @Test
    void bodyOver16KiBIsRefused() throws Exception {
        Map<String, String> f = callback(sid(), "sent");
        f.put("Padding", "x".repeat(17 * 1024));
        Reply r = signed(f);
        assertThat(r.status()).isEqualTo(413);
        assertThat(r.body().strip()).isEqualTo("request body larger than 16384 bytes");
    }
}
