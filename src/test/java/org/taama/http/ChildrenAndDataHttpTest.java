package org.taama.http;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.taama.i18n.Gsm;
import org.taama.server.Server;
import org.taama.support.TestServers;
import org.taama.support.Ussd;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The children's section and the "Vos données" screen, walked over real HTTP USSD in both languages;
 * and the data screen quoting the server's own settings, so a changed setting changes the screen.
 */
class ChildrenAndDataHttpTest {
    static Server server;
    /** The same content with other retention settings. */
    static Server other;

    @BeforeAll
    static void start() throws Exception {
        server = TestServers.start();
        other = TestServers.start(Map.of("LANG_TTL_DAYS", "30", "SESSION_TTL_SECONDS", "600",
                "CHAT_SESSION_TTL_SECONDS", "7200", "CASE_RETENTION_DAYS", "45", "CASE_IDLE_DAYS", "200"));
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
        other.close();
    }

    static Ussd caller(Server s, String lang) {
        Ussd phone = new Ussd(s.port(), Phone.freshSessionId("children"), Phone.freshNumber());
        Screens.continues(phone.dial());
        Screens.continues(phone.type(lang.equals("fr") ? "1" : "2"));
        return phone;
    }

    /** The whole text of a paged screen, its pages joined, as a caller reads it following 98. */
    static String read(List<String> pages) {
        StringBuilder all = new StringBuilder();
        for (String p : pages) all.append(p, 0, p.contains("\n98 ") ? p.indexOf("\n98 ") : p.length()).append(' ');
        return all.toString().replaceAll("\\s+", " ");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            fr | 8. Enfants   | Mendicité forcée   | d'alerte        | Police au 80 00 11 15 | juge des enfants  
            bm | 8. Denmisènw | Delili diyagoya la | farati taamasiyèn | polisi wele: 80 00 11 15 | kiritigèla    
            """)
    @DisplayName("main menu → children: the three signs, what to do with the numbers first, who protects children, and on to a call-back")
    void walkTheChildrenSection(String lang, String homeOption, String begging, String sign, String police,
                                String actor) {
        Ussd phone = caller(server, lang);
        Ussd.Reply home = Screens.continues(phone.type("00"));
        assertThat(home.screen()).contains(homeOption);
        Ussd.Reply menu = Screens.continues(phone.type("8"));
        assertThat(menu.screen()).contains("1. " + begging).contains("5. ");

        for (String item : new String[] {"1", "2", "3"}) {
            List<String> pages = DangerScreensHttpTest.pagesFrom(phone, phone.type(item));
            assertThat(read(pages)).as("sign %s", item).contains(sign);
            assertThat(pages.get(pages.size() - 1)).as("what to do, one key away").contains("1. ");
            DangerScreensHttpTest.noNumberCut(pages);
            Screens.continues(phone.type("00"));
            assertThat(Screens.continues(phone.type("8")).screen()).contains("1. " + begging);
        }

        List<String> next = DangerScreensHttpTest.pagesFrom(phone, phone.type("4"));
        assertThat(next.get(0)).as("the emergency numbers on the first screen").contains(police).contains("80 00 11 14");
        DangerScreensHttpTest.noNumberCut(next);
        assertThat(Screens.continues(phone.type("1")).screen()).as("option 1 of 'what to do': a call-back")
                .contains(lang.equals("fr") ? "rappeler" : "wele");

        Ussd again = caller(server, lang);
        again.type("8");
        List<String> actors = DangerScreensHttpTest.pagesFrom(again, again.type("5"));
        assertThat(read(actors)).contains(actor).doesNotContain("116");
        for (String p : actors) assertThat(Gsm.isGsm7(p)).as("GSM-safe: %s", p).isTrue();
    }

    @Test
    @DisplayName("the self-check's result leads to the children's section too")
    void fromTheSelfCheckResult() {
        Ussd phone = caller(server, "fr");
        phone.type("2");                                   // Signes d'alerte
        phone.type("7");                                   // Faire le test
        phone.type("1");                                   // Commencer
        Ussd.Reply r = null;
        for (int i = 0; i < 12; i++) r = Screens.continues(phone.type("2"));
        List<String> result = DangerScreensHttpTest.pagesFrom(phone, r);
        String last = result.get(result.size() - 1);
        assertThat(last).contains("3. Enfants");
        assertThat(Screens.continues(phone.type("3")).screen()).startsWith("Enfants en danger");
    }

    /** The data screen's whole text, reached from the subscribe menu (main menu 5, option 3). */
    static String dataScreen(Server s, String lang) {
        Ussd phone = caller(s, lang);
        phone.type("5");
        List<String> pages = DangerScreensHttpTest.pagesFrom(phone, phone.type("3"));
        assertThat(pages.get(pages.size() - 1)).as("the way to ask for erasure: a call-back").contains("1. ");
        return read(pages);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            fr | 365 jours | 5 minutes   | 24 heures | 730 jours | 90 jours | 365 jours sans suite
            bm | don 365   | miniti 5    | lèrè 24   | don 730   | don 90   | don 365 ni foyi
            """)
    @DisplayName("Vos données: what is kept and how long, with the durations of this server's settings")
    void dataScreenQuotesTheSettings(String lang, String language, String session, String chat, String consent,
                                     String cases, String idle) {
        String text = dataScreen(server, lang);
        assertThat(text).contains(language, session, chat, consent, cases, idle).doesNotContain("{").doesNotContain("}");
        assertThat(text).contains("STOP");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            fr | 30 jours | 10 minutes | 2 heures | 45 jours | 200 jours
            bm | don 30   | miniti 10  | lèrè 2   | don 45   | don 200
            """)
    @DisplayName("changing a setting changes the screen: another server, other durations")
    void changingTheSettingChangesTheScreen(String lang, String language, String session, String chat, String cases,
                                            String idle) {
        String text = dataScreen(other, lang);
        assertThat(text).contains(language, session, chat, cases, idle).doesNotContain("365").doesNotContain("90 jours");
    }

    @Test
    @DisplayName("Vos données is offered where a number is given: the call-back's first screen")
    void fromTheCallBack() {
        Ussd phone = caller(server, "fr");
        phone.type("6");                                   // Être rappelé
        List<String> pages = DangerScreensHttpTest.pagesFrom(phone, phone.type("2"));
        assertThat(pages.get(0)).startsWith("Taama ne garde jamais votre numéro en clair");
    }
}
