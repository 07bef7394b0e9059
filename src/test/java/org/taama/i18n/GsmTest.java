package org.taama.i18n;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * GSM 03.38 and the USSD screen limits. The alphabet in {@code src/test/resources/vectors/gsm_charset.json}
 * is copied from {@code /work/shared/vectors/gsm_charset.json} (TwilioDevEd/message-segment-calculator
 * @a50230fddb2b4af8fd8e0a9497553883dfe5374e).
 */
class GsmTest {

    static JsonNode charset() throws IOException {
        try (InputStream in = GsmTest.class.getResourceAsStream("/vectors/gsm_charset.json")) {
            return new ObjectMapper().readTree(in);
        }
    }

    static List<String> basic() throws IOException {
        List<String> out = new ArrayList<>();
        charset().get("basic").forEach(c -> out.add(c.get("char").asText()));
        return out;
    }

    static List<String> extension() throws IOException {
        List<String> out = new ArrayList<>();
        charset().get("extension").forEach(c -> out.add(c.get("char").asText()));
        return out;
    }

    @Test
    @DisplayName("the copied table has 127 basic and 10 extension characters")
    void tableIsComplete() throws IOException {
        assertThat(basic()).hasSize(127).doesNotHaveDuplicates();
        assertThat(extension()).hasSize(10).doesNotHaveDuplicates();
    }

    @ParameterizedTest(name = "basic U+{0}")
    @MethodSource("basic")
    @DisplayName("every basic character of the table is GSM-7 and costs one septet")
    void basicCharactersCostOne(String c) {
        assertThat(Gsm.isGsm7(c)).as("U+%04X is GSM-7", (int) c.charAt(0)).isTrue();
        assertThat(Gsm.septets(c)).isEqualTo(1);
    }

    @ParameterizedTest(name = "extension U+{0}")
    @MethodSource("extension")
    @DisplayName("every extension character of the table is GSM-7 and costs two septets (ESC + septet)")
    void extensionCharactersCostTwo(String c) {
        assertThat(Gsm.isGsm7(c)).isTrue();
        assertThat(Gsm.septets(c)).isEqualTo(2);
    }

    @Test
    @DisplayName("no character outside the table is taken for GSM-7 (all of the BMP)")
    void nothingElseIsGsm7() throws IOException {
        Set<Character> known = new HashSet<>();
        basic().forEach(s -> known.add(s.charAt(0)));
        extension().forEach(s -> known.add(s.charAt(0)));
        List<String> wrong = new ArrayList<>();
        for (int c = 0; c <= 0xFFFF; c++) {
            boolean gsm = Gsm.isGsm7(String.valueOf((char) c));
            if (gsm != known.contains((char) c)) wrong.add(String.format("U+%04X", c));
        }
        assertThat(wrong).isEmpty();
    }

    @ParameterizedTest(name = "''{0}'' costs {1} septets")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            ""                  | 0
            "Taama"             | 5
            "0 Retour 00 Accueil" | 19
            "€"                 | 2
            "[]"                | 4
            "a^b"               | 4
            "~|{}"              | 8
            \\                  | 2
            "prix: 5 €"         | 10
            "Ñ à é è ù ì ò Ç"   | 15
            "ɛ"                 | -1
            "Dèmè ɲini"         | -1
            """)
    @DisplayName("septet counts, extension characters counting two, -1 when a character is not GSM-7")
    void septetCounts(String text, int septets) {
        assertThat(Gsm.septets(text)).isEqualTo(septets);
        assertThat(Gsm.isGsm7(text)).isEqualTo(septets >= 0);
    }

    @ParameterizedTest(name = "''{0}'' is not GSM-7")
    @ValueSource(strings = {"ɛ", "ɔ", "ɲ", "ŋ", "Ɛ", "Ɔ", "Ɲ", "Ŋ", "ç", "ê", "â", "ô", "î", "û", "œ", "’", "«", "»",
            "\u00a0", "\u202e", "😀", "\u0301"})
    @DisplayName("Bambara letters, French accents and typography outside GSM-7 are recognised as such")
    void notGsm7(String c) {
        assertThat(Gsm.isGsm7(c)).isFalse();
        assertThat(Gsm.septets("a" + c)).isEqualTo(-1);
        assertThat(Gsm.ussdCost("a" + c).encoding()).isEqualTo("UCS-2");
    }

    @ParameterizedTest(name = "{0} × ''{1}'' → {2} {3}/{4}, fits: {5}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            # count | char | encoding | used | limit | fits
            182     | a    | GSM-7    | 182  | 182   | true
            183     | a    | GSM-7    | 183  | 182   | false
            91      | €    | GSM-7    | 182  | 182   | true
            92      | €    | GSM-7    | 184  | 182   | false
            80      | ɛ    | UCS-2    | 80   | 80    | true
            81      | ɛ    | UCS-2    | 81   | 80    | false
            40      | 😀   | UCS-2    | 80   | 80    | true
            41      | 😀   | UCS-2    | 82   | 80    | false
            """)
    @DisplayName("USSD screen limits: 182 septets in GSM-7, 80 UTF-16 units in UCS-2")
    void ussdLimits(int count, String c, String encoding, int used, int limit, boolean fits) {
        String text = c.repeat(count);
        assertThat(Gsm.ussdCost(text)).isEqualTo(new Gsm.ScreenCost(encoding, used, limit));
        assertThat(Gsm.fitsUssdScreen(text)).isEqualTo(fits);
    }

    @Test
    @DisplayName("one non-GSM letter turns a 100-character screen that fit into one that does not")
    void oneLetterSwitchesToUcs2() {
        String gsm = "a".repeat(99) + "e";
        String ucs = "a".repeat(99) + "ɛ";
        assertThat(Gsm.fitsUssdScreen(gsm)).isTrue();
        assertThat(Gsm.fitsUssdScreen(ucs)).isFalse();
        assertThat(Gsm.fitsUssdScreen("a".repeat(79) + "ɛ")).isTrue();
    }
}
