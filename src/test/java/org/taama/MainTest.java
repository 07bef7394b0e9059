package org.taama;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.taama.support.TestRedis;
import org.taama.support.TestServers;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The command line as a newcomer meets it, run in-process through Main's own logic. */
class MainTest {
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();

    int run(Map<String, String> env, String... args) throws Exception {
        return Main.run(args, env, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"--help", "-h", "help"})
    @DisplayName("asking for help prints the commands on stdout and exits 0")
    void help(String flag) throws Exception {
        assertThat(run(Map.of(), flag)).isZero();
        assertThat(out()).contains("usage:").contains("serve").contains("lint").contains("bench").contains("README");
        assertThat(err()).isEmpty();
    }

    @Test
    @DisplayName("an unknown command says so on stderr and exits 2")
    void unknownCommand() throws Exception {
        assertThat(run(Map.of(), "srve")).isEqualTo(2);
        assertThat(err()).contains("unknown command: srve").contains("usage:");
        assertThat(out()).isEmpty();
    }

    @Test
    @DisplayName("a port already in use is named, with what to do, and the exit is 1")
    void portInUse() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("0.0.0.0"))) {
            int port = taken.getLocalPort();
            int code = run(Map.of("PORT", Integer.toString(port), "REDIS_URL", TestRedis.url(),
                    "HASH_KEY", TestServers.HASH_KEY, "ENCRYPTION_KEY", TestServers.ENCRYPTION_KEY, "VERTICLES", "1"), "serve");
            assertThat(code).isEqualTo(1);
            assertThat(err()).contains("Taama could not start: port " + port + " is already in use").contains("PORT");
        }
    }

    @Test
    @DisplayName("a bad setting stops the start with the variable's name")
    void badSetting() throws Exception {
        assertThat(run(Map.of("DEFAULT_LANG", "en"), "serve")).isEqualTo(1);
        assertThat(err()).contains("Taama could not start: DEFAULT_LANG must be fr or bm, not 'en'");
    }

    @Test
    @DisplayName("lint on the repository's content exits 0")
    void lint() throws Exception {
        assertThat(run(Map.of(), "lint")).isZero();
    }
}
