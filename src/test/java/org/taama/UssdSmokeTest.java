package org.taama;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.taama.server.Server;
import org.taama.support.TestServers;
import org.taama.support.Ussd;

import static org.assertj.core.api.Assertions.assertThat;

class UssdSmokeTest {
    static Server server;

    @BeforeAll
    static void start() throws Exception {
        server = TestServers.start();
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    @Test
    void aNewCallerIsAskedTheirLanguageThenSeesTheMainMenuInBambara() {
        Ussd phone = new Ussd(server.port(), "smoke-1", "+22370000101");
        Ussd.Reply first = phone.dial();
        assertThat(first.status()).isEqualTo(200);
        assertThat(first.contentType()).startsWith("text/plain");
        assertThat(first.continues()).isTrue();
        assertThat(first.screen()).contains("Bamanankan");

        Ussd.Reply home = phone.type("2");
        assertThat(home.continues()).isTrue();
        assertThat(home.screen()).contains("I ka josiraw");
    }
}
