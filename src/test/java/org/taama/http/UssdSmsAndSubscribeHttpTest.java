package org.taama.http;

import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.taama.consent.ConsentStore;
import org.taama.i18n.Gsm;
import org.taama.privacy.CallerHash;
import org.taama.privacy.NumberCipher;
import org.taama.privacy.Secrets;
import org.taama.server.Server;
import org.taama.support.FakeTwilio;
import org.taama.support.TestServers;
import org.taama.support.Ussd;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A USSD caller asks for a helpline by SMS (sent through the real Twilio SDK to a fake Twilio on
 * localhost) and subscribes to awareness messages for their region.
 */
class UssdSmsAndSubscribeHttpTest {
    static final String SID = "AC11111111111111111111111111111111";
    static final String TOKEN = "ussd-sms-token";
    static Vertx vertx;
    static FakeTwilio twilio;
    static Server server;

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        twilio = FakeTwilio.start(vertx, SID, TOKEN);
        server = TestServers.start(Map.of("TWILIO_ACCOUNT_SID", SID, "TWILIO_AUTH_TOKEN", TOKEN,
                "TWILIO_API_URL", twilio.url(), "TWILIO_SMS_FROM", "+15550009999",
                "PUBLIC_BASE_URL", "https://taama.example.org"));
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
        twilio.close();
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    @Test
    @DisplayName("'send me this by SMS' on the police screen texts the number, GSM-safe, to the caller")
    void helplineBySms() throws Exception {
        String number = Phone.freshNumber();
        Ussd phone = new Ussd(server.port(), Phone.freshSessionId("sms"), number);
        phone.dial();
        phone.type("2");                                   // Bamanankan
        phone.type("4");                                   // Get help
        assertThat(phone.type("1").screen()).contains("80 00 11 15");
        assertThat(phone.type("1").screen()).contains("telefòni");   // A sɔrɔ bataki la: the warning
        Ussd.Reply sent = phone.type("1");                 // Bataki ci
        assertThat(sent.ends()).isTrue();
        assertThat(sent.screen()).contains("bataki");

        FakeTwilio.Received sms = awaitRequest(number);
        assertThat(sms.field("From")).isEqualTo("+15550009999");
        assertThat(sms.field("Body")).contains("80 00 11 15");
        assertThat(Gsm.isGsm7(sms.field("Body"))).as("GSM-safe Bambara: one segment costs 160, not 70").isTrue();
        assertThat(sms.field("StatusCallback")).isEqualTo("https://taama.example.org/twilio/status");
    }

    @Test
    @DisplayName("the subscribe option stores consent with language, region and the number encrypted")
    void subscribeOverUssd() throws Exception {
        String number = Phone.freshNumber();
        Ussd phone = new Ussd(server.port(), Phone.freshSessionId("sub"), number);
        phone.dial();
        phone.type("1");                                   // Français
        assertThat(phone.type("5").screen()).contains("Ne plus les recevoir");
        assertThat(phone.type("1").screen()).contains("Kayes");
        Ussd.Reply done = phone.type("2");                 // Kayes, then the confirmation
        assertThat(done.screen()).contains("STOP");
        assertThat(done.ends()).isTrue();

        String caller = new CallerHash(Secrets.decode("HASH_KEY", TestServers.HASH_KEY, 32)).of(number);
        Map<String, String> consent = server.redis().hgetall(ConsentStore.key(caller)).await(5, TimeUnit.SECONDS);
        assertThat(consent).containsEntry("status", "in").containsEntry("lang", "fr")
                .containsEntry("region", "kayes").containsEntry("channel", "ussd");
        assertThat(consent.get("number")).doesNotContain(number.substring(1));
        NumberCipher cipher = new NumberCipher(Secrets.decode("ENCRYPTION_KEY", TestServers.ENCRYPTION_KEY, 32));
        assertThat(cipher.decrypt(consent.get("number"), caller)).isEqualTo(number);
        assertThat(new org.taama.consent.Subscribers(server.redis(), java.time.Clock.systemUTC()).listed(caller).await(5, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    @DisplayName("'stop receiving' on the USSD menu opts out at once and drops the stored number")
    void unsubscribeOverUssd() throws Exception {
        String number = Phone.freshNumber();
        String caller = new CallerHash(Secrets.decode("HASH_KEY", TestServers.HASH_KEY, 32)).of(number);
        Ussd subscribe = new Ussd(server.port(), Phone.freshSessionId("sub2"), number);
        subscribe.dial();
        subscribe.type("1");
        subscribe.type("5");
        subscribe.type("1");
        assertThat(subscribe.type("1").ends()).as("subscribed: the session is done").isTrue();   // Bamako
        assertThat(server.redis().hgetall(ConsentStore.key(caller)).await(5, TimeUnit.SECONDS))
                .containsEntry("status", "in").containsKey("number");

        Ussd again = new Ussd(server.port(), Phone.freshSessionId("unsub"), number);
        assertThat(again.dial().screen()).contains("Nos messages");   // ended: nothing to resume
        again.type("5");
        Ussd.Reply stopped = again.type("2");
        assertThat(stopped.screen()).contains("ne recevrez plus");
        assertThat(stopped.ends()).isTrue();
        Map<String, String> consent = server.redis().hgetall(ConsentStore.key(caller)).await(5, TimeUnit.SECONDS);
        assertThat(consent).containsEntry("status", "out").containsEntry("channel", "ussd").doesNotContainKey("number");
        assertThat(new org.taama.consent.Subscribers(server.redis(), java.time.Clock.systemUTC()).listed(caller).await(5, TimeUnit.SECONDS)).isFalse();
    }

    private static FakeTwilio.Received awaitRequest(String to) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
        while (Instant.now().isBefore(deadline)) {
            for (FakeTwilio.Received r : twilio.requests()) {
                if (to.equals(r.field("To"))) return r;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no SMS reached the fake Twilio within 10 s");
    }
}
