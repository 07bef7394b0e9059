package org.taama.http;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.taama.consent.Subscribers;
import org.taama.privacy.CallerHash;
import org.taama.privacy.Secrets;
import org.taama.server.Server;
import org.taama.support.TestServers;
import org.taama.support.Ussd;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The region menus over real HTTP USSD: every region of Mali (Loi 2023-006: 19 regions and the
 * Bamako District), seven a screen and 98 for the next, for subscribing and for the directory.
 */
class RegionsHttpTest {
    static Server server;

    @BeforeAll
    static void start() throws Exception {
        server = TestServers.start();
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    static Ussd caller(String number, String lang) {
        Ussd phone = new Ussd(server.port(), Phone.freshSessionId("regions"), number);
        Screens.continues(phone.dial());
        Screens.continues(phone.type(lang.equals("fr") ? "1" : "2"));
        return phone;
    }

    /** The screens of a region menu, from the one showing, following 98 to the last. */
    static List<String> regionScreens(Ussd phone, Ussd.Reply first) {
        List<String> screens = new ArrayList<>(List.of(Screens.continues(first).screen()));
        while (screens.get(screens.size() - 1).contains("\n98 ") && screens.size() < 6) {
            screens.add(Screens.continues(phone.type("98")).screen());
        }
        return screens;
    }

    static final String[] ALL = {"Bamako", "Kayes", "Koulikoro", "Sikasso", "Mopti", "Gao", "Kidal", "Menaka",
            "Taoudenit", "Nioro", "Kita", "Nara", "Dioila", "Bougouni", "Koutiala", "San", "Bandiagara", "Douentza"};

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            fr | Segou | Tombouctou | Autre region
            bm | Segu  | Tumutu     | Mara wèrè
            """)
    @DisplayName("subscribing: every region, seven a screen then 98, and a region of 2023 (Koutiala, on the third screen) is where the caller is listed")
    void subscribeToEveryRegion(String lang, String segou, String tombouctou, String other) throws Exception {
        String number = Phone.freshNumber();
        Ussd phone = caller(number, lang);
        phone.type("5");                                    // Messages
        List<String> screens = regionScreens(phone, phone.type("1"));
        assertThat(screens).hasSize(3);
        String all = String.join("\n", screens).replace('é', 'e').replace('ï', 'i');
        assertThat(all).contains(ALL).contains(segou, tombouctou, other);
        for (String s : screens) assertThat(s.lines().filter(l -> l.matches("\\d\\. .*")).count()).isLessThanOrEqualTo(7);
        assertThat(screens.get(2)).contains("3. Koutiala");

        assertThat(Screens.ends(phone.type("3")).screen()).as("subscribed").isNotBlank();
        String caller = new CallerHash(Secrets.decode("HASH_KEY", TestServers.HASH_KEY, 32)).of(number);
        assertThat(server.redis().hget(Subscribers.WHERE, caller).await(5, TimeUnit.SECONDS))
                .isEqualTo(Subscribers.segment("sms", lang, "koutiala"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            fr | San: aucun service connu ici                   | Numeros d'aide | rappeler
            bm | San: an ma sèriwusi si dòn yan                 | Dèmè nimòròw   | wele
            """)
    @DisplayName("the directory: every region on three screens; San has no service yet, says so, and offers the helplines and a call-back")
    void directoryRegionWithoutService(String lang, String none, String helplines, String callback) {
        Ussd phone = caller(Phone.freshNumber(), lang);
        phone.type("4");                                    // Get help
        List<String> screens = regionScreens(phone, phone.type("5"));
        assertThat(screens).hasSize(3);
        assertThat(String.join("\n", screens).replace('é', 'e').replace('ï', 'i')).contains(ALL);
        assertThat(screens.get(2)).contains("4. San");
        Ussd.Reply san = Screens.continues(phone.type("4"));
        assertThat(san.screen().replace('é', 'e')).startsWith(none).contains("1. " + helplines).contains("2. ");
        assertThat(Screens.continues(phone.type("2")).screen()).as("the call-back").contains(callback);
    }
}
