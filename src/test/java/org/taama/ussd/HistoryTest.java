package org.taama.ussd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.taama.flow.State;
import org.taama.privacy.CallerHash;
import org.taama.privacy.Digests;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Deriving the caller's new input from a gateway that sends the whole session history joined by '*'.
 *
 * <p>The vectors in {@code src/test/resources/vectors/history_vectors.json} are copied from
 * {@code /work/shared/vectors/africastalking_ussd.json} ({@code text_history_parsing_vectors}), which
 * takes them from praekelt/vumi@b74b5dac95df778519f54c670a353e4bda496df9,
 * vumi/transports/safaricom/tests/test_safaricom.py.
 */
class HistoryTest {
    static final CallerHash KEYED = new CallerHash("history-test-key-0123456789abcdef".getBytes(StandardCharsets.US_ASCII));
    /** What UssdService passes: the keyed digest of one caller's typing. */
    static final UnaryOperator<String> DIGEST = h -> KEYED.typed("caller-a", h);

    static List<JsonNode> vectors() throws IOException {
        try (InputStream in = HistoryTest.class.getResourceAsStream("/vectors/history_vectors.json")) {
            JsonNode root = new ObjectMapper().readTree(in);
            List<JsonNode> cases = new ArrayList<>();
            // A case without USSD_PARAMS (vumi's missing-field HTTP 400 case) says nothing about derivation.
            root.get("cases").forEach(c -> {
                if (c.hasNonNull("USSD_PARAMS")) cases.add(c);
            });
            return cases;
        }
    }

    static Stream<Arguments> resumedSessions() throws IOException {
        return vectors().stream().filter(c -> c.hasNonNull("session_history"))
                .map(c -> Arguments.of(c.get("test").asText(), c.get("session_history").asText(),
                        c.get("USSD_PARAMS").asText(), c.get("expect_content").asText()));
    }

    static Stream<Arguments> newSessions() throws IOException {
        return vectors().stream().filter(c -> c.get("session_history") == null || c.get("session_history").isNull())
                .map(c -> Arguments.of(c.get("test").asText(), c.get("USSD_PARAMS").asText()));
    }

    @Test
    @DisplayName("the copied vectors are all there: 7 resumed and 3 new sessions")
    void vectorsAreLoaded() throws IOException {
        assertThat(resumedSessions().count()).isEqualTo(7);
        assertThat(newSessions().count()).isEqualTo(3);
    }

    @ParameterizedTest(name = "{0}: seen ''{1}'', now ''{2}'' → input ''{3}''")
    @MethodSource("resumedSessions")
    @DisplayName("vumi vectors: the history seen last time is taken off the front, then one '*'")
    void resumedSessionYieldsTheNewInput(String test, String previous, String text, String expected) {
        assertThat(History.newInput(previous, text, DIGEST)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}: the same history twice → an empty input (a repeat)")
    @MethodSource("resumedSessions")
    @DisplayName("vumi vectors: the stored form (length + digest) derives the same input as the history itself")
    void storedSessionDerivesTheSameInput(String test, String previous, String text, String expected) {
        UssdSession stored = UssdSession.decode(UssdSession.of("sid-digest", new State("fr", "main.home", 0, List.of()), previous, null, DIGEST).encode());
        assertThat(stored).isNotNull();
        assertThat(History.newInput(stored.hl(), stored.hk(), text, DIGEST)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}: first text ''{1}'', sent again → ''''")
    @MethodSource("newSessions")
    @DisplayName("vumi vectors, new sessions: nothing is derived; once stored, the same text again is a repeat")
    void newSessionStoredThenRepeated(String test, String text) {
        assertThat(History.newInput(text, text, DIGEST)).isEmpty();
    }

    @ParameterizedTest(name = "seen ''{0}'', now ''{1}'' → ''{2}''")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            # previous history | gateway text | caller's new input
            ""                 | "*"          | "*"
            ""                 | "**"         | "**"
            "1"                | "1**"        | "*"
            "1"                | "1**3"       | "*3"
            "1*2"              | "1*2*3*4"    | "3*4"
            "1*2"              | "1*2***"     | "**"
            "1*2"              | "1*2*"       | ""
            """)
    @DisplayName("a caller typing '*' themselves keeps every '*' they typed")
    void callerTypedStars(String previous, String text, String expected) {
        assertThat(History.newInput(previous, text, DIGEST)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "seen ''{0}'', now ''{1}'' → ''{2}''")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            # the gateway's text does not start with what we saw: take what follows the last '*'
            "1*2"              | "9*9*5"      | "5"
            "1*2*3"            | "1*2"        | "2"
            "1*2"              | "7"          | "7"
            "abc"              | "abd*4"      | "4"
            "1*2"              | ""           | ""
            """)
    @DisplayName("when the history does not match, fall back to the last input")
    void mismatchFallsBackToLastInput(String previous, String text, String expected) {
        assertThat(History.newInput(previous, text, DIGEST)).isEqualTo(expected);
    }

    @Test
    @DisplayName("a missing text is an empty input, not an error")
    void nullTextIsEmpty() {
        assertThat(History.newInput("1*2", null, DIGEST)).isEmpty();
    }

    @Test
    @DisplayName("what the caller typed is never stored: only its length and a digest")
    void storedSessionHoldsNoHistory() {
        String history = "1*2*70123456*Aminata";
        String json = UssdSession.of("sid-digest", new State("bm", "rights.menu", 1, List.of("main.home#0")), history, null, DIGEST).encode();
        assertThat(json).doesNotContain("Aminata").doesNotContain("70123456");
        UssdSession back = UssdSession.decode(json);
        assertThat(back.hl()).isEqualTo(history.length());
        assertThat(back.plainState()).isEqualTo(new State("bm", "rights.menu", 1, List.of("main.home#0")));
    }

    @Test
    @DisplayName("the stored digest of a short history cannot be found by hashing every history of that length")
    void digestIsKeyed() {
        String history = "1*3*2";
        UssdSession stored = UssdSession.decode(UssdSession.of("sid-digest",
                new State("fr", "rights.menu", 0, List.of()), history, null, DIGEST).encode());
        // Every string of digits and stars as long as the history: 11^5 candidates.
        String alphabet = "0123456789*";
        int n = stored.hl();
        List<String> unkeyedMatches = new ArrayList<>();
        char[] c = new char[n];
        for (int i = 0; i < Math.pow(alphabet.length(), n); i++) {
            int x = i;
            for (int k = 0; k < n; k++, x /= alphabet.length()) c[k] = alphabet.charAt(x % alphabet.length());
            String guess = new String(c);
            // The digest stored before it was keyed: the first 12 bytes of SHA-256, Base64.
            String unkeyed = Base64.getEncoder().withoutPadding()
                    .encodeToString(Arrays.copyOf(Digests.sha256(guess), 12));
            if (unkeyed.equals(stored.hk())) unkeyedMatches.add(guess);
        }
        assertThat(unkeyedMatches).isEmpty();
        assertThat(stored.hk()).isEqualTo(KEYED.typed("caller-a", history))
                .isNotEqualTo(KEYED.typed("caller-b", history))
                .isNotEqualTo(new CallerHash("another-key-0123456789abcdef0123".getBytes(StandardCharsets.US_ASCII))
                        .typed("caller-a", history));
    }

    @Test
    @DisplayName("a session stored with the old unkeyed digest is not read: the caller starts over")
    void oldUnkeyedSessionStartsOver() {
        String old = "{\"s\":\"sid-digest\",\"l\":\"fr\",\"n\":\"rights.menu\",\"hl\":3,\"hh\":\"bVj3yQ3l0TUy7Cb5\"}";
        assertThat(UssdSession.decode(old)).isNull();
    }

    @ParameterizedTest(name = "''{0}''")
    @ValueSource(strings = {"not json", "{}", "{\"n\":\"main.home\"}", "[1,2]", "null"})
    @DisplayName("an unreadable stored session means starting over")
    void unreadableSessionIsNull(String json) {
        assertThat(UssdSession.decode(json)).isNull();
    }
}
