package org.taama.http;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.taama.effects.Effects;
import org.taama.server.Server;
import org.taama.support.TestServers;
import org.taama.support.Ussd;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The ten-question self-check over USSD: one question a screen, answers kept only in the session. */
class SelfCheckHttpTest {
    static Server server;

    @BeforeAll
    static void start() throws Exception {
        server = TestServers.start();
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    private Ussd toFirstQuestion() {
        Ussd phone = new Ussd(server.port(), Phone.freshSessionId("check"), Phone.freshNumber());
        phone.dial();
        phone.type("1");                                        // Français
        phone.type("2");                                        // Signes de traite
        assertThat(phone.type("7").screen()).contains("12 questions");   // Faire le test
        Ussd.Reply q1 = phone.type("1");                        // Commencer
        assertThat(q1.screen()).contains("promis").contains("1. Oui").contains("2. Non");
        return phone;
    }

    private long tally(String name) throws Exception {
        String v = server.redis().get(Effects.STATS + name).await(5, TimeUnit.SECONDS);
        return v == null ? 0 : Long.parseLong(v);
    }

    @Test
    @DisplayName("no warning sign: the result says so, without labelling, and offers help")
    void noSigns() throws Exception {
        long completedBefore = tally("selfcheck.completed");
        Ussd phone = toFirstQuestion();
        // Oui is the warning answer to every question, so Non twelve times is calm.
        String[] calm = {"2", "2", "2", "2", "2", "2", "2", "2", "2", "2", "2", "2"};
        Ussd.Reply r = null;
        for (String a : calm) r = phone.type(a);
        assertThat(r.continues()).isTrue();
        assertThat(r.screen()).contains("ne montrent pas de signe").doesNotContain("victime");
        assertThat(tally("selfcheck.completed")).isEqualTo(completedBefore + 1);
    }

    @Test
    @DisplayName("documents kept and debt: some warning signs; three or more: stronger advice")
    void someAndManySigns() throws Exception {
        Ussd some = toFirstQuestion();
        String[] twoSigns = {"2", "1", "1", "2", "2", "2", "2", "2", "2", "2", "2", "2"};
        Ussd.Reply r = null;
        for (String a : twoSigns) r = some.type(a);
        assertThat(r.screen()).contains("Certaines réponses").doesNotContain("victime");

        long q4Before = tally("selfcheck.q4");
        Ussd many = toFirstQuestion();
        String[] threeSigns = {"1", "1", "2", "1", "2", "2", "2", "2", "2", "2", "2", "2"};
        for (String a : threeSigns) r = many.type(a);
        assertThat(r.screen()).contains("Plusieurs réponses");
        assertThat(tally("selfcheck.q4")).as("'cannot leave' counted, anonymously").isEqualTo(q4Before + 1);
    }

    @Test
    @DisplayName("yes is the warning answer to every question: a yes to q4, q5 or q6 (held, cut off, unpaid) counts as a sign")
    void yesIsAlwaysTheWarningAnswer() throws Exception {
        for (int q = 4; q <= 6; q++) {
            long before = tally("selfcheck.q" + q);
            Ussd phone = toFirstQuestion();
            Ussd.Reply r = null;
            for (int i = 1; i <= 12; i++) r = phone.type(i == q ? "1" : "2");
            assertThat(r.screen()).as("one yes, to q%d", q).contains("Certaines réponses");
            assertThat(tally("selfcheck.q" + q)).isEqualTo(before + 1);
        }
    }

    @Test
    @DisplayName("a completion is counted whichever the last answer, yes or no, and the last yes is counted too")
    void completionCountedOnEitherLastAnswer() throws Exception {
        for (String last : new String[] {"1", "2"}) {
            long completed = tally("selfcheck.completed");
            long q12 = tally("selfcheck.q12");
            Ussd phone = toFirstQuestion();
            for (int i = 1; i <= 11; i++) phone.type("2");
            Ussd.Reply result = phone.type(last);
            assertThat(result.screen()).as("the result after answering %s", last).contains("Merci");
            assertThat(tally("selfcheck.completed")).as("completed after a last answer %s", last).isEqualTo(completed + 1);
            assertThat(tally("selfcheck.q12")).isEqualTo(q12 + (last.equals("1") ? 1 : 0));
        }
    }

    @Test
    @DisplayName("two questions about the road: held against one's will (q11), family asked to pay for release (q12)")
    void roadQuestions() {
        Ussd phone = toFirstQuestion();
        Ussd.Reply r = null;
        for (int i = 1; i <= 10; i++) r = phone.type("2");
        assertThat(r.screen()).contains("voyage").contains("retenu");
        assertThat(phone.type("1").screen()).contains("famille").contains("libérer");
    }

    @Test
    @DisplayName("a yes to violence goes straight to the emergency numbers")
    void violenceGoesToEmergency() {
        Ussd phone = toFirstQuestion();
        Ussd.Reply r = null;
        for (String a : new String[] {"2", "2", "2", "2", "2", "2", "2"}) r = phone.type(a);
        assertThat(r.screen()).as("question 8").contains("violences");
        Ussd.Reply urgent = phone.type("1");
        assertThat(urgent.continues()).isTrue();
        assertThat(urgent.screen()).contains("80 00 11 15").contains("80 00 11 14");
    }

    @Test
    @DisplayName("in Bambara: Ɔwɔ/Ayi questions (Owò on USSD: capital Ò has no GSM form), and a yes to violence shows the emergency numbers (GSM-safe)")
    void inBambara() {
        Ussd phone = new Ussd(server.port(), Phone.freshSessionId("check-bm"), Phone.freshNumber());
        phone.dial();
        phone.type("2");                                        // Bamanankan
        phone.type("2");                                        // Farati taamasiyɛnw
        phone.type("7");                                        // Ɲininkaliw kɛ
        Ussd.Reply q1 = phone.type("1");
        assertThat(q1.screen()).contains("1. Owò").contains("2. Ayi");
        Ussd.Reply r = null;
        for (String a : new String[] {"2", "2", "2", "2", "2", "2", "2", "1"}) r = phone.type(a);
        assertThat(r.screen()).as("the numbers first").startsWith("Polisi 80 00 11 15, Zandarameri 80 00 11 14");
        assertThat(org.taama.i18n.Gsm.isGsm7(r.screen())).isTrue();
        assertThat(phone.type("98").screen()).contains("farati");
    }

    @Test
    @DisplayName("answers are sealed in Redis, and a re-dial does not offer to reopen them")
    void answersSealedAndNotResumed() throws Exception {
        String number = Phone.freshNumber();
        Ussd phone = new Ussd(server.port(), Phone.freshSessionId("sealed"), number);
        phone.dial();
        phone.type("1");
        phone.type("2");
        phone.type("7");
        phone.type("1");
        phone.type("1");                                   // q1: yes (a warning sign)
        phone.type("1");                                   // q2: yes
        String caller = new org.taama.privacy.CallerHash(org.taama.privacy.Secrets.decode("HASH_KEY",
                TestServers.HASH_KEY, 32)).of(number);
        String stored = server.redis().get("taama:{" + caller + "}:ussd:africastalking").await(5, TimeUnit.SECONDS);
        assertThat(stored).as("position and answers sealed").contains("\"v\":");
        // The sealed value is random base64, which may spell "q1" by chance; what is outside it may not.
        String clear = new io.vertx.core.json.JsonObject(stored).put("v", "").encode();
        assertThat(clear).as("not even which question, outside the sealed value")
                .doesNotContain("selfcheck").doesNotContain("q1").doesNotContain("yes");

        Ussd.Reply redial = new Ussd(server.port(), Phone.freshSessionId("sealed-2"), number).dial();
        assertThat(redial.screen()).startsWith("Taama: migration et droits").doesNotContain("Reprendre");
    }
}
