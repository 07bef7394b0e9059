package org.taama.http;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.taama.server.Server;
import org.taama.support.TestServers;
import org.taama.support.Ussd;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The screens someone in danger sees, through the real server: emergency numbers whole on one
 * screen, a wrong key that keeps the page, one paging key (98) everywhere, and service details a
 * caller can read (no label cut from its value, no internal source key).
 */
class DangerScreensHttpTest {
    static Server server;

    @BeforeAll
    static void start() throws Exception {
        server = TestServers.start();
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    /** A new caller who picked a language: 1 French, 2 Bambara. */
    static Ussd caller(String lang) {
        Ussd phone = new Ussd(server.port(), Phone.freshSessionId("danger"), Phone.freshNumber());
        Screens.continues(phone.dial());
        Screens.continues(phone.type(lang.equals("fr") ? "1" : "2"));
        return phone;
    }

    /** Every page of a paged text, from the one showing to the last, following 98. */
    static List<String> pagesFrom(Ussd phone, Ussd.Reply first) {
        List<String> pages = new ArrayList<>();
        Ussd.Reply r = Screens.continues(first);
        pages.add(r.screen());
        while (r.screen().contains("\n98 ") && pages.size() < 10) {
            r = Screens.continues(phone.type("98"));
            pages.add(r.screen());
        }
        return pages;
    }

    /** No screen ends its text with a digit while the next starts with one: no number is cut. */
    static void noNumberCut(List<String> screens) {
        for (int i = 0; i + 1 < screens.size(); i++) {
            String body = screens.get(i).substring(0, screens.get(i).indexOf("\n98 "));
            String next = screens.get(i + 1);
            assertThat(body.matches("(?s).*[0-9+]$") && next.matches("(?s)^[0-9].*"))
                    .as("a number is cut between%n%s%n---%n%s", screens.get(i), next).isFalse();
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            fr | Police 80 00 11 15 | Gendarmerie 80 00 11 14 | Pompiers 18    | femmes 80 00 11 32
            bm | Polisi 80 00 11 15 | Zandarameri 80 00 11 14 | Tasumafagalaw 18 | musow la 80 00 11 32
            """)
    @DisplayName("a yes to violence: all four emergency numbers, each with its name, on the first screen")
    void selfCheckUrgent(String lang, String police, String gendarmerie, String fire, String women) {
        Ussd phone = caller(lang);
        phone.type("2");                                   // Signs of trafficking
        phone.type("7");                                   // The self-check
        phone.type("1");                                   // Begin
        for (String a : new String[] {"2", "2", "2", "2", "2", "2", "2"}) Screens.continues(phone.type(a));
        List<String> pages = pagesFrom(phone, phone.type("1"));  // q8: yes, violence
        assertThat(pages.get(0)).contains(police, gendarmerie, fire, women);
        noNumberCut(pages);
        assertThat(pages.get(pages.size() - 1)).contains("1. ").contains("2. ");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            fr | Police au 80 00 11 15 | Gendarmerie au 80 00 11 14
            bm | 80 00 11 15           | zandarameri: 80 00 11 14
            """)
    @DisplayName("'threats, violence': the police and gendarmerie numbers whole on the first screen")
    void signsThreats(String lang, String police, String gendarmerie) {
        Ussd phone = caller(lang);
        phone.type("2");                                   // Signs of trafficking
        List<String> pages = pagesFrom(phone, phone.type("5"));  // Threats, violence
        assertThat(pages.get(0)).contains(police, gendarmerie);
        noNumberCut(pages);
    }

    @Test
    @DisplayName("a wrong key on page 1 or 2 of a text keeps that page under the hint; a re-dial resumes to the page, not a bare hint")
    void wrongKeyKeepsThePage() {
        String number = Phone.freshNumber();
        Ussd phone = new Ussd(server.port(), Phone.freshSessionId("wrong"), number);
        phone.dial();
        phone.type("1");                                   // Français
        phone.type("2");                                   // Signes de traite
        Ussd.Reply page1 = Screens.continues(phone.type("5"));
        assertThat(page1.screen()).contains("\n98 Suite\n");
        assertThat(Screens.continues(phone.type("7")).screen()).isEqualTo("Choix invalide.\n" + page1.screen());

        Ussd.Reply page2 = Screens.continues(phone.type("98"));
        assertThat(page2.screen()).isNotEqualTo(page1.screen()).contains("1. Obtenir de l'aide");
        Ussd.Reply wrong = Screens.continues(phone.type("42"));
        assertThat(wrong.screen()).isEqualTo("Choix invalide.\n" + page2.screen());
        assertThat(Screens.continues(phone.type("*#")).screen()).as("garbage too").isEqualTo("Choix invalide.\n" + page2.screen());

        Ussd again = new Ussd(server.port(), Phone.freshSessionId("wrong-redial"), number);
        assertThat(Screens.continues(again.dial()).screen()).startsWith("Reprendre");
        assertThat(Screens.continues(again.type("1")).screen()).isEqualTo(page2.screen());
        assertThat(Screens.continues(again.type("0")).screen()).as("0 goes back to page 1").isEqualTo(page1.screen());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            fr | 98 Suite | OIM, centres de transit      | Kanuya, foyer
            bm | 98 A tò  | OIM, tunkarankew ka jatigiya | Kanuya, jatigiya
            """)
    @DisplayName("a list of services goes on with 98, like any text, and 0 comes back to its first screen; Bambara names are Bambara")
    void servicesListPagesWith98(String lang, String more, String first, String later) {
        Ussd phone = caller(lang);
        phone.type("4");                                   // Get help
        phone.type("5");                                   // Services near you
        phone.type("1");                                   // Bamako
        Ussd.Reply list = Screens.continues(phone.type("2"));  // Health, housing, papers, rights
        assertThat(list.screen()).contains("\n" + more + "\n").doesNotContainPattern("(?m)^\\d\\. (Suite|A tò)$")
                .contains("1. " + first);
        Ussd.Reply next = Screens.continues(phone.type("98"));
        assertThat(next.screen()).isNotEqualTo(list.screen()).contains(later).doesNotContain(first);
        Ussd.Reply wrong = Screens.continues(phone.type("98"));
        assertThat(wrong.screen()).as("98 on the last screen of the list is a wrong key, and keeps the list")
                .endsWith(next.screen()).isNotEqualTo(next.screen());
        assertThat(Screens.continues(phone.type("0")).screen()).isEqualTo(list.screen());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"fr, 'AJDM, foyers pour filles'", "bm, 'AJDM, npogotigiw ka jatigiya'"})
    @DisplayName("a service's details: the phone line first, no label cut from its value, no source key")
    void serviceDetails(String lang, String name) {
        Ussd phone = caller(lang);
        phone.type("4");
        phone.type("5");
        phone.type("1");                                   // Bamako
        phone.type("2");                                   // social
        List<String> pages = pagesFrom(phone, phone.type("2"));  // AJDM, the fullest entry
        assertThat(pages.get(0)).startsWith(name + "\n").contains("80 00 11 15");
        for (String page : pages) {
            String body = page.contains("\n98 ") ? page.substring(0, page.indexOf("\n98 ")) : page;
            assertThat(body).as("no label without its value").doesNotContainPattern("(?m):$")
                    .doesNotContain("[").doesNotContain("AJDM]").doesNotContain("MW-2025").doesNotContain("Source");
        }
        assertThat(pages.get(pages.size() - 1)).contains(lang.equals("fr") ? "Info à vérifier" : "Kunnafoni ka kan ka lajè");
    }
}
