package org.taama.i18n;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A text's variant for one channel ({@code key@whatsapp}) and how a channel falls back to the plain text. */
class LocalesVariantTest {
    static final Locales LOCALES = new Locales(Map.of(
            "fr", Map.of(
                    "done", entry("par SMS"),
                    "done@whatsapp", entry("sur WhatsApp"),
                    "after", entry(""),
                    "after@sms", entry("effacez"),
                    "only.fr@whatsapp", entry("fr WhatsApp"),
                    "only.fr", entry("fr")),
            "bm", Map.of(
                    "done", entry("bataki la"),
                    "done@whatsapp", entry("WhatsApp la"),
                    "after", entry(""))));

    static Locales.Entry entry(String text) {
        return new Locales.Entry(text, false, "test.yaml");
    }

    @ParameterizedTest(name = "{0} {1} on {2} → ''{3}''")
    @CsvSource(delimiter = '|', textBlock = """
            fr | done    | ussd     | par SMS
            fr | done    | sms      | par SMS
            fr | done    | whatsapp | sur WhatsApp
            bm | done    | whatsapp | WhatsApp la
            bm | done    | sms      | bataki la
            fr | after   | ussd     | ''
            fr | after   | sms      | effacez
            fr | after   | whatsapp | ''
            bm | after   | sms      | ''
            bm | only.fr | whatsapp | fr WhatsApp
            bm | only.fr | ussd     | fr
            """)
    @DisplayName("the channel's variant in the language, else the plain text, else French (variant first)")
    void variantThenPlainThenFrench(String lang, String key, String channel, String expected) {
        assertThat(LOCALES.text(lang, key, channel)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            subscribe.done@whatsapp | subscribe.done | whatsapp
            subscribe.done          | subscribe.done |
            a@                      | a              | ''
            """)
    @DisplayName("a variant key names its key and its channel")
    void variantKeyParts(String key, String base, String channel) {
        assertThat(Locales.baseKey(key)).isEqualTo(base);
        assertThat(Locales.variantChannel(key)).isEqualTo(channel);
    }
}
