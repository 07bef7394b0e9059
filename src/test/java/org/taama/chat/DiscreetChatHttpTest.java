package org.taama.chat;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.taama.chat.TwilioChatHttpTest.Texter;
import org.taama.consent.ConsentStore;
import org.taama.server.Server;
import org.taama.support.Await;
import org.taama.support.TestServers;
import org.taama.support.Ussd;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Discreet by default, on the channel the person is on: subscribing says the messages will be on
 * this phone and names the channel they come by; the self-check on SMS and WhatsApp ends by
 * suggesting the conversation be deleted (a USSD call leaves nothing to delete).
 */
class DiscreetChatHttpTest {
    static Server server;

    @BeforeAll
    static void start() throws Exception {
        server = TestServers.start(Map.of("TWILIO_AUTH_TOKEN", Twilio.TOKEN, "PUBLIC_BASE_URL", Twilio.PUBLIC_BASE));
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    static Texter texter(String channel) {
        return channel.equals("whatsapp") ? Texter.whatsapp() : Texter.sms();
    }

    static String send(Texter t, String body) {
        String reply = Twilio.post(server.port(), t.form(Texter.freshSid(), body)).message();
        assertThat(reply).as("reply to %s", body).isNotBlank();
        return reply;
    }

    /** A new texter at the French main menu. */
    static Texter atHome(String channel) {
        Texter t = texter(channel);
        send(t, "MENU");
        assertThat(send(t, "1")).contains("Nos messages");   // Français
        return t;
    }

    @Test
    @DisplayName("on WhatsApp, subscribing names WhatsApp and this phone, never 'par SMS'; consent is kept for WhatsApp")
    void subscribeOnWhatsApp() {
        Texter t = atHome("whatsapp");
        String menu = send(t, "5");
        assertThat(menu).contains("WhatsApp").contains("pourra les lire").doesNotContain("SMS");
        assertThat(send(t, "1")).contains("Kayes");
        String done = send(t, "2");
        assertThat(done).contains("sur ce WhatsApp").contains("STOP ici").doesNotContain("SMS");
        Map<String, String> consent = Await.result(server.redis().hgetall(ConsentStore.key(t.caller())));
        assertThat(consent).containsEntry("status", "in").containsEntry("channel", "whatsapp");
    }

    @Test
    @DisplayName("on SMS, subscribing says the SMS will arrive on this phone, where whoever uses it can read them")
    void subscribeOnSms() {
        Texter t = atHome("sms");
        assertThat(send(t, "5")).contains("par SMS, sur ce téléphone").contains("pourra les lire").doesNotContain("WhatsApp");
        send(t, "1");
        assertThat(send(t, "2")).contains("sur ce téléphone des SMS").doesNotContain("WhatsApp");
    }

    @Test
    @DisplayName("on USSD, the subscribe menu warns before anyone subscribes")
    void subscribeOnUssdWarnsFirst() {
        Ussd phone = new Ussd(server.port(), "ATUid_discreet_" + System.nanoTime(), "+2237" + (1_000_000 + System.nanoTime() % 8_000_000));
        phone.dial();
        phone.type("1");
        assertThat(phone.type("5").screen()).contains("par SMS, sur ce téléphone").contains("pourra les lire")
                .contains("1. Recevoir les messages");
    }

    static final String[] CALM = {"2", "2", "2", "2", "2", "2", "2", "2", "2", "2", "2", "2"};

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"sms", "whatsapp"})
    @DisplayName("the self-check by text ends with its result, then the suggestion to delete the conversation")
    void selfCheckEndsWithDeleteSuggestion(String channel) {
        Texter t = atHome(channel);
        send(t, "2");                                       // Signes de traite
        send(t, "7");                                       // Faire le test
        send(t, "1");                                       // Commencer
        String result = null;
        for (String a : CALM) result = send(t, a);
        String delete = "effacez cette conversation de votre téléphone";
        assertThat(result).contains("ne montrent pas de signe").contains(delete);
        assertThat(result.indexOf(delete)).as("after the result").isGreaterThan(result.indexOf("ne montrent pas"));
    }

    @Test
    @DisplayName("in Bambara by SMS too, GSM-safe")
    void selfCheckInBambaraBySms() {
        Texter t = Texter.sms();
        send(t, "MENU");
        send(t, "2");                                       // Bamanankan
        send(t, "2");
        send(t, "7");
        send(t, "1");
        String result = null;
        for (String a : CALM) result = send(t, a);
        assertThat(result).contains("nin cikanw bò i ka telefòni kan");
    }

    @Test
    @DisplayName("a USSD self-check leaves no conversation: its result says nothing about deleting one")
    void noDeleteSuggestionOnUssd() {
        Ussd phone = new Ussd(server.port(), "ATUid_discreet_" + System.nanoTime(), "+2237" + (1_000_000 + System.nanoTime() % 8_000_000));
        phone.dial();
        phone.type("1");
        phone.type("2");
        phone.type("7");
        phone.type("1");
        Ussd.Reply r = null;
        for (String a : CALM) r = phone.type(a);
        assertThat(r.screen()).contains("ne montrent pas de signe").doesNotContain("effacez");
    }
}
