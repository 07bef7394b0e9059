package org.taama.http;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.taama.config.Config;
import org.taama.server.Server;
import org.taama.support.Ussd;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The development mode as a newcomer runs it: no REDIS_URL, an embedded Redis keeping its data in DATA_DIR. */
class RestartKeepsChoicesHttpTest {
    @Test
    @DisplayName("a caller's language survives a restart of the server and its embedded Redis")
    void languageSurvivesRestart(@TempDir Path data) throws Exception {
        Map<String, String> env = Map.of("PORT", "0", "DATA_DIR", data.toString(), "VERTICLES", "1");
        String number = Phone.freshNumber();

        try (Server first = Server.start(Config.from(env))) {
            Ussd phone = new Ussd(first.port(), "restart-1", number);
            assertThat(phone.dial().screen()).contains("Bamanankan");
            assertThat(phone.type("2").screen()).contains("I ka josiraw");
        }
        assertThat(data.resolve("secrets.properties")).exists();

        try (Server second = Server.start(Config.from(env))) {
            Ussd.Reply again = new Ussd(second.port(), "restart-2", number).dial();
            assertThat(again.continues()).isTrue();
            assertThat(again.screen()).as("the main menu in Bambara, no language question")
                    .contains("I ka josiraw").doesNotContain("Kan sugandi");
        }
    }
}
