package org.taama.http;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.taama.server.Server;
import org.taama.support.TestServers;
import org.taama.support.Ussd;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.taama.http.Screens.readable;

@DisplayName("Two server instances sharing one Redis")
class TwoInstancesHttpTest {
    static Server a;
    static Server b;

    @BeforeAll
    static void start() throws Exception {
        a = TestServers.start();
        b = TestServers.start();
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (a != null) a.close();
        } finally {
            if (b != null) b.close();
        }
    }

    @Test
    @DisplayName("a session alternating between them hop by hop sees the same screens as on one server")
    void alternatingHopsMatchOneServer() {
        assertThat(a.port()).isNotEqualTo(b.port());
        List<String> inputs = List.of("2", "1", "2", "98", "0", "00", "3", "4", "98", "1", "2", "0", "00", "9", "4", "3");

        Phone alone = new Phone(Phone.freshSessionId("one-server"), Phone.freshNumber());
        List<String> expected = new ArrayList<>();
        expected.add(readable(alone.dial(a.port())).body());
        for (String in : inputs) expected.add(readable(alone.type(a.port(), in)).body());

        Phone roaming = new Phone(Phone.freshSessionId("alternating"), Phone.freshNumber());
        List<String> seen = new ArrayList<>();
        seen.add(readable(roaming.dial(b.port())).body());
        for (int i = 0; i < inputs.size(); i++) {
            int port = i % 2 == 0 ? a.port() : b.port();
            Ussd.Reply r = readable(roaming.type(port, inputs.get(i)));
            seen.add(r.body());
        }

        assertThat(seen).containsExactlyElementsOf(expected);
        // The walk really went somewhere: Bambara, a paged text, the safe-migration numbers, a helpline.
        assertThat(expected).anySatisfy(s -> assertThat(s).contains("98 A tò"))
                .anySatisfy(s -> assertThat(s).contains("Zandarameri, nimòrò: 80 00 11 14"))
                .anySatisfy(s -> assertThat(s).startsWith("CON Fili don."))
                .anySatisfy(s -> assertThat(s).startsWith("CON Taama ni lakana"))
                .hasSize(inputs.size() + 1);
    }
}
