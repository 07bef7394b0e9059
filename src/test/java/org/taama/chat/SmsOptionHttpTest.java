package org.taama.chat;

import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.taama.cases.CaseStore;
import org.taama.privacy.CallerHash;
import org.taama.privacy.Secrets;
import org.taama.server.Server;
import org.taama.support.Await;
import org.taama.support.FakeTwilio;
import org.taama.support.TestServers;
import org.taama.support.Ussd;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * "Recevoir par SMS" is offered only where it can be done and is worth it: on USSD with an SMS sender
 * configured; never in an SMS or WhatsApp conversation (they already have the text), never without
 * TWILIO_SMS_FROM.
 */
class SmsOptionHttpTest {
    static final String SID = "AC33333333333333333333333333333333";
    static final CallerHash CALLERS = new CallerHash(Secrets.decode("HASH_KEY", TestServers.HASH_KEY, 32));
    static Vertx vertx;
    static FakeTwilio twilio;
    static Server withSender;
    static Server withoutSender;

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        twilio = FakeTwilio.start(vertx, SID, Twilio.TOKEN);
        withSender = TestServers.start(Map.of("TWILIO_ACCOUNT_SID", SID, "TWILIO_AUTH_TOKEN", Twilio.TOKEN,
                "TWILIO_API_URL", twilio.url(), "TWILIO_SMS_FROM", "+22320000002", "PUBLIC_BASE_URL", Twilio.PUBLIC_BASE));
        withoutSender = TestServers.start(Map.of("TWILIO_ACCOUNT_SID", SID, "TWILIO_AUTH_TOKEN", Twilio.TOKEN,
                "TWILIO_API_URL", twilio.url(), "PUBLIC_BASE_URL", Twilio.PUBLIC_BASE));
    }

    @AfterAll
    static void stop() throws Exception {
        withSender.close();
        withoutSender.close();
        twilio.close();
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    static String freshNumber() {
        return "+2237" + String.format("%07d", ThreadLocalRandom.current().nextInt(10_000_000));
    }

    /** The police helpline screen on USSD. */
    static Ussd.Reply policeOnUssd(Server server, Ussd phone) {
        phone.dial();
        phone.type("1");
        phone.type("4");
        return phone.type("1");
    }

    @Test
    @DisplayName("USSD with TWILIO_SMS_FROM: the police screen offers the SMS")
    void offeredOnUssdWithSender() {
        Ussd phone = new Ussd(withSender.port(), "ATUid_opt_" + System.nanoTime(), freshNumber());
        Ussd.Reply police = policeOnUssd(withSender, phone);
        assertThat(police.screen()).contains("80 00 11 15");
        while (police.screen().contains("98 ")) police = phone.type("98");
        assertThat(police.screen()).contains("1. Recevoir par SMS");
    }

    @Test
    @DisplayName("USSD without TWILIO_SMS_FROM: no SMS option, '1' is not a choice, nothing is sent")
    void absentWithoutSender() {
        twilio.reset();
        Ussd phone = new Ussd(withoutSender.port(), "ATUid_nosms_" + System.nanoTime(), freshNumber());
        Ussd.Reply police = policeOnUssd(withoutSender, phone);
        assertThat(police.screen()).contains("80 00 11 15");
        while (police.screen().contains("98 ")) police = phone.type("98");
        assertThat(police.screen()).doesNotContain("SMS").doesNotContain("1. ");
        assertThat(phone.type("1").screen()).startsWith("Choix invalide");
        assertThat(twilio.requests()).isEmpty();
    }

    /** A text as Twilio posts it (PROTOCOLS.md §2.3), signed. */
    static String text(Server server, boolean whatsapp, String number, String body) {
        String sid = "SM" + Long.toHexString(ThreadLocalRandom.current().nextLong()) + Long.toHexString(System.nanoTime());
        Map<String, String> f = new LinkedHashMap<>();
        f.put("MessageSid", sid);
        f.put("SmsSid", sid);
        f.put("AccountSid", SID);
        f.put("NumMedia", "0");
        f.put("Body", body);
        f.put("To", (whatsapp ? "whatsapp:" : "") + "+22320000002");
        f.put("From", (whatsapp ? "whatsapp:" : "") + number);
        if (whatsapp) f.put("WaId", number.substring(1));
        return Twilio.post(server.port(), f).message();
    }

    @ParameterizedTest(name = "whatsapp={0}")
    @ValueSource(booleans = {false, true})
    @DisplayName("SMS and WhatsApp conversations: the police screen offers no SMS, even with a sender configured")
    void absentInConversations(boolean whatsapp) {
        twilio.reset();
        String number = freshNumber();
        text(withSender, whatsapp, number, "Bonjour");
        text(withSender, whatsapp, number, "1");                              // Français
        text(withSender, whatsapp, number, "4");                              // Numéros d'aide
        String police = text(withSender, whatsapp, number, "1");
        assertThat(police).contains("80 00 11 15");
        while (police.contains("98 ")) police = text(withSender, whatsapp, number, "98");
        assertThat(police).doesNotContain("Recevoir par SMS");
        assertThat(text(withSender, whatsapp, number, "1")).contains("Choix invalide");
        assertThat(twilio.requests()).isEmpty();
    }

    @Test
    @DisplayName("by SMS, the call-back confirmation ends the conversation: the next text starts afresh, one case")
    void callbackEndsTheConversation() {
        String number = freshNumber();
        text(withSender, false, number, "Bonjour");
        text(withSender, false, number, "1");
        text(withSender, false, number, "6");
        text(withSender, false, number, "1");
        text(withSender, false, number, "3");                                 // Le soir
        assertThat(text(withSender, false, number, "1")).contains("Quel num"); // message: yes
        assertThat(text(withSender, false, number, "1")).contains("Demande enregistr");
        assertThat(Await.result(withSender.redis().get("taama:{" + CALLERS.of(number) + "}:chat:sms")))
                .as("the ended conversation is not kept").isNull();
        assertThat(text(withSender, false, number, "1")).as("a new conversation: the main menu").contains("Vos droits");
        assertThat(Await.result(withSender.redis().smembers(CaseStore.callerKey(CALLERS.of(number))))).hasSize(1);
    }
}
