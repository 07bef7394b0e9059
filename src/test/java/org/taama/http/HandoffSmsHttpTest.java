package org.taama.http;

import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.taama.effects.Effects;
import org.taama.privacy.CallerHash;
import org.taama.privacy.Secrets;
import org.taama.server.Server;
import org.taama.support.Await;
import org.taama.support.FakeTwilio;
import org.taama.support.RedisDump;
import org.taama.support.TestServers;
import org.taama.support.Ussd;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * "Send me this by SMS" on USSD, through the real Twilio SDK against the fake Twilio: the screen
 * says the SMS is sent only once Twilio accepted it, says so when it was not, warns first that the
 * SMS stays on the phone, texts neutral words only, and a session cannot make us text without end.
 */
class HandoffSmsHttpTest {
    static final String SID = "AC22222222222222222222222222222222";
    static final String TOKEN = "handoff-sms-token";
    static final CallerHash CALLERS = new CallerHash(Secrets.decode("HASH_KEY", TestServers.HASH_KEY, 32));
    static Vertx vertx;
    static FakeTwilio twilio;
    static Server server;

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        twilio = FakeTwilio.start(vertx, SID, TOKEN);
        server = TestServers.start(Map.of("TWILIO_ACCOUNT_SID", SID, "TWILIO_AUTH_TOKEN", TOKEN,
                "TWILIO_API_URL", twilio.url(), "TWILIO_SMS_FROM", "+22320000001"));
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
        twilio.close();
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    @BeforeEach
    void quiet() {
        twilio.reset();
    }

    /** Dials, French, Get help, Police, "Recevoir par SMS": the warning screen. */
    static Ussd atPoliceWarning(String number) {
        Ussd phone = new Ussd(server.port(), Phone.freshSessionId("handoff"), number);
        // A caller seen before is not asked the language again.
        if (phone.dial().screen().contains("Bamanankan")) phone.type("1");   // Français
        phone.type("4");                                            // Numéros d'aide
        Ussd.Reply police = Screens.continues(phone.type("1"));     // Police
        assertThat(police.screen()).contains("80 00 11 15");
        while (!police.screen().contains("1. Recevoir par SMS")) police = Screens.continues(phone.type("98"));
        Ussd.Reply warning = Screens.continues(phone.type("1"));
        assertThat(warning.screen()).contains("Le SMS restera dans ce téléphone", "1. Envoyer le SMS");
        return phone;
    }

    static List<FakeTwilio.Received> sentTo(String number) {
        return twilio.requests().stream().filter(r -> number.equals(r.field("To"))).toList();
    }

    @Test
    @DisplayName("the warning comes before anything is sent; 'sent' is said only after Twilio's 201, and the session ends")
    void sentAfterTwilioAccepted() {
        String number = Phone.freshNumber();
        Ussd phone = atPoliceWarning(number);
        assertThat(sentTo(number)).as("nothing sent while the warning is read").isEmpty();

        Ussd.Reply sent = Screens.ends(phone.type("1"));
        assertThat(sent.screen()).contains("Le numéro vous est envoyé par SMS");
        // The screen came back after Twilio answered: the request is already there, no waiting.
        List<FakeTwilio.Received> sms = sentTo(number);
        assertThat(sms).hasSize(1);
        assertThat(sms.get(0).field("Body")).isEqualTo("Police: 80 00 11 15");
        assertThat(sms.get(0).field("From")).isEqualTo("+22320000001");
    }

    @Test
    @DisplayName("Twilio refuses (400): the screen says the SMS could not be sent, gives the number, and it does not count")
    void failureAfter400() {
        String number = Phone.freshNumber();
        Ussd phone = atPoliceWarning(number);
        twilio.answerNext(FakeTwilio.Answer.error(400, 21211, "The 'To' number is not a valid phone number."));
        Ussd.Reply failed = Screens.continues(phone.type("1"));
        assertThat(failed.screen()).contains("Le SMS n'a pas pu etre envoyé", "Police: 80 00 11 15")
                .doesNotContain("envoyé par SMS");
        assertThat(sentTo(number)).hasSize(1);
        assertThat(Await.result(server.redis().get(Effects.smsCounterKey(CALLERS.of(number)))))
                .as("a failed SMS is not one of the day's SMS").isEqualTo("0");
        // 0 goes back to the warning, 1 tries again, and this time Twilio takes it.
        assertThat(Screens.continues(phone.type("0")).screen()).contains("Le SMS restera");
        assertThat(Screens.ends(phone.type("1")).screen()).contains("envoyé par SMS");
    }

    @Test
    @DisplayName("Twilio down (5xx after the SDK's retries): the failure screen, never 'sent'")
    void failureAfter5xx() {
        String number = Phone.freshNumber();
        Ussd phone = atPoliceWarning(number);
        twilio.answerNext(FakeTwilio.Answer.serverError(), FakeTwilio.Answer.serverError(),
                FakeTwilio.Answer.serverError(), FakeTwilio.Answer.serverError());
        Ussd.Reply failed = Screens.continues(phone.type("1"));
        assertThat(failed.screen()).contains("n'a pas pu etre envoyé", "80 00 11 15");
        assertThat(sentTo(number)).isNotEmpty();
    }

    @Test
    @DisplayName("Twilio slow (2 s, more than a Redis hop may take): the caller waits and reads 'sent', not the apology")
    void slowTwilioStillSent() {
        String number = Phone.freshNumber();
        Ussd phone = atPoliceWarning(number);
        twilio.delay(java.time.Duration.ofSeconds(2));
        Ussd.Reply sent = Screens.ends(phone.type("1"));
        assertThat(sent.screen()).contains("envoyé par SMS");
        assertThat(sentTo(number)).hasSize(1);
    }

    @Test
    @DisplayName("Twilio slower than the screen can wait: 'not sent' with the number, never 'sent', inside the gateway's 10 s")
    void tooSlowTwilioIsNotSent() {
        String number = Phone.freshNumber();
        Ussd phone = atPoliceWarning(number);
        twilio.delay(Effects.SMS_WAIT.plusSeconds(1));
        long start = System.nanoTime();
        Ussd.Reply failed = Screens.continues(phone.type("1"));
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertThat(failed.screen()).contains("n'a pas pu etre envoyé", "Police: 80 00 11 15");
        assertThat(millis).isLessThan(10_000);
    }

    @Test
    @DisplayName("the 4th SMS of a day to one number gets the polite limit screen, Twilio is not asked, the metric moves")
    void fourthSmsOfTheDay() {
        String number = Phone.freshNumber();
        double before = Metrics.counter(server, "taama_limit_refusals_total", "limit", "sms_per_number_per_day");
        for (int i = 0; i < 3; i++) {
            assertThat(Screens.ends(atPoliceWarning(number).type("1")).screen()).contains("envoyé par SMS");
        }
        Ussd.Reply limit = Screens.continues(atPoliceWarning(number).type("1"));
        assertThat(limit.screen()).contains("assez de SMS aujourd'hui", "Police: 80 00 11 15");
        assertThat(sentTo(number)).hasSize(3);
        assertThat(Metrics.counter(server, "taama_limit_refusals_total", "limit", "sms_per_number_per_day")).isEqualTo(before + 1);

        // The counter is kept under the caller hash, expires within a day, and no key or value holds the number.
        String key = Effects.smsCounterKey(CALLERS.of(number));
        assertThat(Await.result(server.redis().get(key))).isEqualTo("4");
        assertThat(Await.result(server.redis().ttlMillis(key))).isPositive().isLessThanOrEqualTo(86_400_000L);
        assertThat(RedisDump.everything(server.redis())).doesNotContain(number.substring(1));
        assertThat(Metrics.scrape(server)).doesNotContain(number.substring(1));
    }

    @Test
    @DisplayName("the last hop sent eight times at once (a gateway retrying, or a forger) still texts the number 3 times at most")
    void concurrentHopsKeepTheLimit() throws Exception {
        String number = Phone.freshNumber();
        Phone phone = new Phone(Phone.freshSessionId("pump"), number);
        int port = server.port();
        phone.dial(port);
        phone.type(port, "1");
        phone.type(port, "4");
        String police = phone.type(port, "1").screen();
        while (!police.contains("1. Recevoir par SMS")) police = phone.type(port, "98").screen();
        assertThat(phone.type(port, "1").screen()).contains("Le SMS restera");
        String last = phone.history() + "*1";
        // Twilio takes its time, so every copy reads the session before the first one ends it.
        twilio.delay(java.time.Duration.ofMillis(700));
        List<java.util.concurrent.CompletableFuture<Ussd.Reply>> hops = new java.util.ArrayList<>();
        var pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        try {
            for (int i = 0; i < 8; i++) {
                hops.add(java.util.concurrent.CompletableFuture.supplyAsync(() -> phone.sendText(port, last), pool));
            }
            for (var h : hops) Screens.readable(h.get(20, TimeUnit.SECONDS));
        } finally {
            pool.shutdown();
        }
        assertThat(Long.parseLong(Await.result(server.redis().get(Effects.smsCounterKey(CALLERS.of(number))))))
                .as("more copies than the limit asked for an SMS").isGreaterThan(3);
        assertThat(sentTo(number)).hasSize(3);
    }

    @Test
    @DisplayName("the same person from another spelling of the number (local 8 digits) shares the day's count")
    void counterFollowsTheCanonicalNumber() {
        String number = Phone.freshNumber();
        String local = number.substring(4);                        // "7xxxxxxx"
        for (int i = 0; i < 3; i++) Screens.ends(atPoliceWarning(i % 2 == 0 ? number : local).type("1"));
        assertThat(atPoliceWarning(local).type("1").screen()).contains("assez de SMS");
    }

    @Test
    @DisplayName("a caller whose number is not Malian (+1…) is not texted: a polite screen, Twilio is not asked, the metric moves")
    void smsToAnotherCountryRefused() throws Exception {
        String number = "+1555" + Phone.freshNumber().substring(5);
        double before = Metrics.counter(server, "taama_limit_refusals_total", "limit", "sms_country");
        Ussd.Reply refused = Screens.continues(atPoliceWarning(number).type("1"));
        assertThat(refused.screen()).contains("Nous ne pouvons pas envoyer de SMS à ce numéro", "80 00 11 15");
        assertThat(twilio.requests()).isEmpty();
        assertThat(Metrics.counter(server, "taama_limit_refusals_total", "limit", "sms_country")).isEqualTo(before + 1);
    }

    @Test
    @DisplayName("the SMS and its warning exist for every helpline; every SMS is neutral")
    void everyHelplineBySms() {
        Map<String, String> expected = Map.of("1", "Police: 80 00 11 15", "2", "Gendarmerie: 80 00 11 14",
                "3", "Pompiers: 18", "4", "Numéro d'aide: 80 00 11 32");
        expected.forEach((choice, body) -> {
            String number = Phone.freshNumber();
            Ussd phone = new Ussd(server.port(), Phone.freshSessionId("lines"), number);
            phone.dial();
            phone.type("1");
            phone.type("4");
            Ussd.Reply line = Screens.continues(phone.type(choice));
            while (!line.screen().contains("1. Recevoir par SMS")) line = Screens.continues(phone.type("98"));
            assertThat(Screens.continues(phone.type("1")).screen()).contains("Le SMS restera");
            Screens.ends(phone.type("1"));
            assertThat(sentTo(number)).extracting(r -> r.field("Body")).containsExactly(body);
        });
    }
}
