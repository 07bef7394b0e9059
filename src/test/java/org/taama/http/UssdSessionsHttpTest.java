package org.taama.http;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.taama.cases.CaseStore;
import org.taama.server.Server;
import org.taama.support.TestServers;
import org.taama.support.Ussd;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.taama.http.Keys.await;
import static org.taama.http.Screens.continues;
import static org.taama.http.Screens.ends;

@DisplayName("USSD sessions over HTTP, on the repository's real flows and texts")
class UssdSessionsHttpTest {
    static final int SESSION_TTL_SECONDS = 240;
    static Server server;

    @BeforeAll
    static void start() throws Exception {
        server = TestServers.start(Map.of("SESSION_TTL_SECONDS", String.valueOf(SESSION_TTL_SECONDS)));
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) server.close();
    }

    static int port() {
        return server.port();
    }

    @Nested
    @DisplayName("a whole session")
    class WholeSession {
        @Test
        @DisplayName("in French: language, main menu, rights, a paged law text (98, then 0), home, helpline number")
        void inFrench() {
            Phone phone = new Phone(Phone.freshSessionId("fr"), Phone.freshNumber());

            Ussd.Reply language = continues(phone.dial(port()));
            assertThat(language.screen()).contains("Choisir la langue / Kan sugandi", "1. Francais", "2. Bamanankan");

            Ussd.Reply home = continues(phone.type(port(), "1"));
            assertThat(home.screen()).startsWith("Taama: migration et droits")
                    .contains("1. Vos droits", "4. Obtenir de l'aide");

            Ussd.Reply rights = continues(phone.type(port(), "1"));
            assertThat(rights.screen()).startsWith("Vos droits").contains("2. La loi du Mali", "0 Retour 00 Accueil");

            Ussd.Reply law1 = continues(phone.type(port(), "2"));
            assertThat(law1.screen()).startsWith("La loi 2012-023 du 12 juillet 2012").contains("98 Suite");

            Ussd.Reply law2 = continues(phone.type(port(), "98"));
            assertThat(law2.screen()).isNotEqualTo(law1.screen()).contains("98 Suite")
                    .doesNotContain("La loi 2012-023");
            assertThat(law1.screen() + law2.screen()).contains("réclusion", "criminelle");

            Ussd.Reply backToLaw1 = continues(phone.type(port(), "0"));
            assertThat(backToLaw1.screen()).isEqualTo(law1.screen());

            Ussd.Reply homeAgain = continues(phone.type(port(), "00"));
            assertThat(homeAgain.screen()).isEqualTo(home.screen());

            Ussd.Reply help = continues(phone.type(port(), "4"));
            assertThat(help.screen()).startsWith("Numéros d'aide au Mali").contains("1. Police", "2. Gendarmerie");

            Ussd.Reply police = continues(phone.type(port(), "1"));
            assertThat(police.screen()).contains("Police, numéro vert: 80 00 11 15");
        }

        @Test
        @DisplayName("in Bambara (GSM-safe spelling): language, main menu, rights, a paged text, home, helpline number")
        void inBambara() {
            Phone phone = new Phone(Phone.freshSessionId("bm"), Phone.freshNumber());

            Ussd.Reply language = continues(phone.dial(port()));
            assertThat(language.screen()).contains("2. Bamanankan");

            Ussd.Reply home = continues(phone.type(port(), "2"));
            assertThat(home.screen()).startsWith("Taama: tunkarankew ka kunnafoni")
                    .contains("1. I ka josiraw", "4. Dèmènyini")
                    .doesNotContain("ɛ", "ɔ", "ɲ");

            Ussd.Reply rights = continues(phone.type(port(), "1"));
            assertThat(rights.screen()).startsWith("I ka josiraw").contains("2. Mali ka sariya", "0 Segin 00 Daminè");

            Ussd.Reply law1 = continues(phone.type(port(), "2"));
            assertThat(law1.screen()).contains("2012-023", "98 A tò");

            Ussd.Reply law2 = continues(phone.type(port(), "98"));
            assertThat(law2.screen()).isNotEqualTo(law1.screen()).contains("San 2017").doesNotContain("2012-023");

            Ussd.Reply backToLaw1 = continues(phone.type(port(), "0"));
            assertThat(backToLaw1.screen()).isEqualTo(law1.screen());

            Ussd.Reply homeAgain = continues(phone.type(port(), "00"));
            assertThat(homeAgain.screen()).isEqualTo(home.screen());

            Ussd.Reply help = continues(phone.type(port(), "4"));
            assertThat(help.screen()).startsWith("Dèmè nimòròw Mali la").contains("1. Polisi");

            Ussd.Reply police = continues(phone.type(port(), "1"));
            assertThat(police.screen()).contains("Polisi, nimòrò: 80 00 11 15");
        }
    }

    @Nested
    @DisplayName("the caller's language is remembered")
    class LanguageIsRemembered {
        @Test
        @DisplayName("a second call from the same number skips the language menu (French)")
        void french() {
            secondCallSkipsLanguageMenu("1", "fr", "Taama: migration et droits");
        }

        @Test
        @DisplayName("a second call from the same number skips the language menu (Bambara)")
        void bambara() {
            secondCallSkipsLanguageMenu("2", "bm", "Taama: tunkarankew ka kunnafoni");
        }

        private void secondCallSkipsLanguageMenu(String choice, String lang, String homeTitle) {
            String number = Phone.freshNumber();
            assertThat(await(server.redis().get(Keys.lang(number)))).as("a new caller has no language yet").isNull();

            Phone first = new Phone(Phone.freshSessionId("first"), number);
            assertThat(continues(first.dial(port())).screen()).contains("Choisir la langue");
            assertThat(continues(first.type(port(), choice)).screen()).startsWith(homeTitle);

            Phone second = new Phone(Phone.freshSessionId("second"), number);
            Ussd.Reply again = continues(second.dial(port()));
            assertThat(again.screen()).startsWith(homeTitle).doesNotContain("Choisir la langue");

            assertThat(await(server.redis().get(Keys.lang(number)))).isEqualTo(lang);
            long ttl = await(server.redis().ttlMillis(Keys.lang(number)));
            Duration configured = server.config().languageTtl();
            assertThat(ttl).as("language TTL (ms)")
                    .isPositive()
                    .isLessThanOrEqualTo(configured.toMillis())
                    .isGreaterThan(configured.minusMinutes(1).toMillis());
        }
    }

    @Nested
    @DisplayName("session state in Redis")
    class SessionState {
        @Test
        @DisplayName("lives at least 180 s (the operator's session) and at most SESSION_TTL_SECONDS")
        void hasABoundedTtl() {
            assertThat(server.config().sessionTtl()).isEqualTo(Duration.ofSeconds(SESSION_TTL_SECONDS));
            Phone phone = new Phone(Phone.freshSessionId("ttl"), Phone.freshNumber());
            continues(phone.dial(port()));
            continues(phone.type(port(), "1"));
            continues(phone.type(port(), "1"));

            List<String> keys = await(server.redis().scan(Keys.ussdSessions(phone.number())));
            assertThat(keys).hasSize(1);
            long ttl = await(server.redis().ttlMillis(keys.get(0)));
            assertThat(ttl).as("session TTL (ms)")
                    .isGreaterThanOrEqualTo(180_000L)
                    .isLessThanOrEqualTo(SESSION_TTL_SECONDS * 1000L);
        }
    }

    /** The call-back's confirmation ends the session, as every screen where a flow is done does. */
    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    @DisplayName("an END screen")
    class EndScreen {
        Server ending;

        @BeforeAll
        void start() throws Exception {
            ending = TestServers.start();
        }

        @AfterAll
        void stop() throws Exception {
            if (ending != null) ending.close();
        }

        /** Walks to the call-back's confirmation (this number, in the morning, no message): the END screen. */
        Ussd.Reply requestCallBack(Phone phone, int port) {
            continues(phone.dial(port));
            continues(phone.type(port, "1"));                  // Français
            continues(phone.type(port, "6"));                  // Etre rappelé
            continues(phone.type(port, "1"));                  // Demander un appel
            continues(phone.type(port, "1"));                  // Le matin
            assertThat(continues(phone.type(port, "2")).screen()).startsWith("Quel num");   // no message
            return ends(phone.type(port, "1"));                // Ce numéro
        }

        @Test
        @DisplayName("is kept at most 60 s, marked ended; the language stays")
        void keepsTheEndedSessionBriefly() {
            Phone phone = new Phone(Phone.freshSessionId("end"), Phone.freshNumber());
            Ussd.Reply end = requestCallBack(phone, ending.port());
            assertThat(end.screen()).contains("Demande enregistr", "80 00 11 15").doesNotContain("0 Retour");

            List<String> keys = await(ending.redis().scan(Keys.ussdSessions(phone.number())));
            assertThat(keys).hasSize(1);
            assertThat(await(ending.redis().get(keys.get(0)))).contains("\"e\":true");
            assertThat(await(ending.redis().ttlMillis(keys.get(0)))).isBetween(1L, 60_000L);
            assertThat(await(ending.redis().get(Keys.lang(phone.number())))).isEqualTo("fr");
        }

        @Test
        @DisplayName("sent again by the gateway (its answer lost) shows the same last screen and asks for no second call-back")
        void aResentLastCallbackGetsTheSameScreen() {
            Phone phone = new Phone(Phone.freshSessionId("end-again"), Phone.freshNumber());
            Ussd.Reply end = requestCallBack(phone, ending.port());
            String cases = CaseStore.callerKey(Keys.caller(phone.number()));
            assertThat(await(ending.redis().smembers(cases))).hasSize(1);

            Ussd.Reply again = ends(phone.sendText(ending.port(), phone.history()));
            assertThat(again.screen()).isEqualTo(end.screen());
            // Hostile or confused: more input after the end changes nothing either.
            Ussd.Reply more = ends(phone.sendText(ending.port(), phone.history() + "*1*1"));
            assertThat(more.screen()).isEqualTo(end.screen());
            assertThat(await(ending.redis().smembers(cases))).as("one call-back asked for, one case").hasSize(1);
        }

        @Test
        @DisplayName("a new call after it starts over at the main menu, offering nothing to resume")
        void aNewCallStartsOver() {
            String number = Phone.freshNumber();
            requestCallBack(new Phone(Phone.freshSessionId("end-1"), number), ending.port());
            Ussd.Reply redial = continues(new Phone(Phone.freshSessionId("end-2"), number).dial(ending.port()));
            assertThat(redial.screen()).startsWith("Taama: migration et droits").doesNotContain("Reprendre");
        }
    }
}
