package org.taama.i18n;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class SpellingTest {

    /** standard orthography → GSM-safe with ɲ as "ny" → GSM-safe with ɲ as "ñ". */
    static Stream<Arguments> bambaraAndFrench() {
        return Stream.of(
                arguments("ɛ", "è", "è"),
                arguments("ɔ", "ò", "ò"),
                arguments("ɲ", "ny", "ñ"),
                arguments("ŋ", "ng", "ng"),
                arguments("Ɛ", "E", "E"),
                arguments("Ɔ", "O", "O"),
                arguments("Ɲ", "Ny", "Ñ"),
                arguments("Ŋ", "Ng", "Ng"),
                arguments("Dɛmɛɲini", "Dèmènyini", "Dèmèñini"),
                arguments("Ɲangata musow la", "Nyangata musow la", "Ñangata musow la"),
                arguments("Jɔnjago taamasiyɛnw", "Jònjago taamasiyènw", "Jònjago taamasiyènw"),
                arguments("Sɛbɛn ŋaniya", "Sèbèn nganiya", "Sèbèn nganiya"),
                // French: circumflexes, ç, diaeresis and typographic quotes have no GSM form.
                arguments("être", "etre", "etre"),
                arguments("Français", "Francais", "Francais"),
                arguments("l’aide", "l'aide", "l'aide"),
                arguments("‘oui’", "'oui'", "'oui'"),
                arguments("« Suite »", "\" Suite \"", "\" Suite \""),
                arguments("“non”", "\"non\"", "\"non\""),
                arguments("Noël, maïs, cœur, Œuvre", "Noel, mais, coeur, OEuvre", "Noel, mais, coeur, OEuvre"),
                arguments("âge, île, hôte, sûr", "age, ile, hote, sur", "age, ile, hote, sur"),
                arguments("Île, Ôter, À bientôt", "Ile, Oter, A bientot", "Ile, Oter, A bientot"),
                arguments("80 00 11 15 – 24h/24 — gratuit…", "80 00 11 15 - 24h/24 - gratuit...",
                        "80 00 11 15 - 24h/24 - gratuit..."),
                arguments("5\u00a0000\u202fFCFA", "5 000 FCFA", "5 000 FCFA"),
                // Stray combining tone marks are dropped.
                arguments("a\u0301 e\u0300", "a e", "a e"),
                // Characters already in GSM-7 are left as they are.
                arguments("é è à ù Ç Ñ ñ ü", "é è à ù Ç Ñ ñ ü", "é è à ù Ç Ñ ñ ü"),
                arguments("Tapez 98 pour la suite", "Tapez 98 pour la suite", "Tapez 98 pour la suite"),
                arguments("", "", ""));
    }

    @ParameterizedTest(name = "''{0}'' → ''{1}'' (ny) / ''{2}'' (ñ)")
    @MethodSource("bambaraAndFrench")
    @DisplayName("GSM-safe spelling, for both ways of writing ɲ")
    void gsmSafe(String standard, String withNy, String withEnye) {
        assertThat(Spelling.GSM_SAFE_NY.apply(standard)).isEqualTo(withNy);
        assertThat(Spelling.GSM_SAFE_ENYE.apply(standard)).isEqualTo(withEnye);
        assertThat(Gsm.isGsm7(withNy)).as("'%s' is GSM-7", withNy).isTrue();
        assertThat(Gsm.isGsm7(withEnye)).as("'%s' is GSM-7", withEnye).isTrue();
    }

    @ParameterizedTest(name = "STANDARD leaves ''{0}'' as written")
    @MethodSource("bambaraAndFrench")
    @DisplayName("STANDARD leaves every text exactly as written")
    void standardIsUntouched(String standard, String withNy, String withEnye) {
        assertThat(Spelling.STANDARD.apply(standard)).isSameAs(standard);
    }

    @ParameterizedTest
    @EnumSource(Spelling.class)
    @DisplayName("null stays null in every spelling")
    void nullStaysNull(Spelling spelling) {
        assertThat(spelling.apply(null)).isNull();
        assertThat(spelling.asFunction().apply("Ɲ")).isEqualTo(spelling.apply("Ɲ"));
    }

    @ParameterizedTest(name = "BM_GSM_PALATAL=''{0}'' → {1}")
    @CsvSource(textBlock = """
            ny,   GSM_SAFE_NY
            ñ,    GSM_SAFE_ENYE
            enye, GSM_SAFE_ENYE
            ENYE, GSM_SAFE_ENYE
            '',   GSM_SAFE_NY
            ,     GSM_SAFE_NY
            """)
    @DisplayName("the deployment's choice of palatal picks the spelling; anything unknown means ny")
    void palatalChoice(String palatal, Spelling expected) {
        assertThat(Spelling.gsmSafe(palatal)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Spelling.class, names = {"GSM_SAFE_NY", "GSM_SAFE_ENYE"})
    @DisplayName("every text of the real locales/ becomes GSM-7 in the GSM-safe spelling")
    void realLocalesBecomeGsm7(Spelling spelling) {
        List<String> problems = new ArrayList<>();
        Locales locales = Locales.load(Path.of("locales"), problems);
        assertThat(problems).isEmpty();
        List<String> notGsm = new ArrayList<>();
        int texts = 0;
        for (String lang : Locales.LANGUAGES) {
            for (String key : locales.keys(lang)) {
                texts++;
                String safe = spelling.apply(locales.text(lang, key));
                if (!Gsm.isGsm7(safe)) {
                    StringBuilder bad = new StringBuilder();
                    safe.codePoints().filter(c -> !Gsm.isGsm7(Character.toString(c)))
                            .forEach(c -> bad.append(String.format(" U+%04X(%s)", c, Character.toString(c))));
                    notGsm.add(lang + " " + key + ":" + bad);
                }
            }
        }
        assertThat(texts).as("texts in locales/").isGreaterThan(50);
        assertThat(notGsm).as("texts still outside GSM-7 after %s", spelling).isEmpty();
    }

    @Test
    @DisplayName("the GSM-safe spelling makes a Bambara screen cost the 182-septet limit, not 80")
    void spellingWinsScreenSpace() {
        String bm = "Dɛmɛɲini ".repeat(12).strip(); // 107 characters
        assertThat(Gsm.fitsUssdScreen(bm)).isFalse();
        assertThat(Gsm.fitsUssdScreen(Spelling.GSM_SAFE_NY.apply(bm))).isTrue();
        assertThat(Gsm.fitsUssdScreen(Spelling.GSM_SAFE_ENYE.apply(bm))).isTrue();
    }
}
