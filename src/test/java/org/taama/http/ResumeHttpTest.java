package org.taama.http;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.taama.server.Server;
import org.taama.support.TestServers;
import org.taama.support.Ussd;

import static org.assertj.core.api.Assertions.assertThat;

/** A call that breaks off (network, timeout) and a re-dial within the session's lifetime. */
class ResumeHttpTest {
    static Server server;

    @BeforeAll
    static void start() throws Exception {
        server = TestServers.start();
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    private Ussd.Reply readingTheLawPageTwo(String number) {
        Ussd phone = new Ussd(server.port(), Phone.freshSessionId("broken"), number);
        phone.dial();
        phone.type("1");                                   // Français
        phone.type("1");                                   // Vos droits
        phone.type("2");                                   // La loi du Mali
        return phone.type("98");                           // page 2
    }

    @Test
    @DisplayName("a re-dial offers to continue, and 1 goes back to the very page the caller was on")
    void continueWhereLeftOff() {
        String number = Phone.freshNumber();
        Ussd.Reply page2 = readingTheLawPageTwo(number);
        Ussd again = new Ussd(server.port(), Phone.freshSessionId("redial"), number);
        Ussd.Reply offer = again.dial();
        assertThat(offer.screen()).startsWith("Reprendre où vous en étiez").contains("1. Continuer")
                .contains("2. Recommencer");
        assertThat(again.type("1").screen()).isEqualTo(page2.screen());
        assertThat(again.type("0").screen()).as("back still works after resuming").contains("La loi 2012-023");
    }

    @Test
    @DisplayName("2 starts again at the main menu; a call that ended properly is not offered")
    void startAgain() {
        String number = Phone.freshNumber();
        readingTheLawPageTwo(number);
        Ussd again = new Ussd(server.port(), Phone.freshSessionId("redial"), number);
        again.dial();
        Ussd.Reply home = again.type("2");
        assertThat(home.screen()).startsWith("Taama: migration et droits");
        again.type("00");                                  // at home: nothing worth resuming
        assertThat(new Ussd(server.port(), Phone.freshSessionId("third"), number).dial().screen())
                .startsWith("Taama: migration et droits");
    }
}
