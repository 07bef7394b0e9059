package org.taama.lint;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.taama.flow.Node;
import org.taama.flow.Option;
import org.taama.i18n.Locales;
import org.taama.i18n.Spelling;

import java.nio.file.Path;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every SMS "send me this" sends stays on the phone: in both languages, as written and as sent
 * (GSM-safe), it carries numbers and neutral words only.
 */
class HandoffSmsTextsTest {
    /** From issue 7 and GLOSSARY-bm.md (#56, #63, #66, #67, and the "not found" table), kept apart from the lint's own list. */
    static final List<String> SENSITIVE = List.of("traite", "trafic", "violence", "exploitation", "victime",
            "esclavage", "ɲangata", "nyangata", "kasaaratɔ", "kasaaratò", "jɔnjago", "jònjago", "jɔnya",
            "denmisɛnsonya", "demisɛnsonya", "demisènsonya", "tarafikan", "nafabɔli");

    static String fold(String s) {
        return Normalizer.normalize(s, Normalizer.Form.NFD).replaceAll("\\p{M}", "").toLowerCase(Locale.ROOT);
    }

    /** Every SMS text an option can send, by "key (lang, spelling)". */
    static Map<String, String> handoffTexts(Content c) {
        Map<String, String> texts = new LinkedHashMap<>();
        for (Node n : c.flows().nodes().values()) {
            for (Option o : n.options()) {
                if (!"sms".equals(o.action())) continue;
                assertThat(o.sms()).as("%s sends a dedicated SMS text, not the screen", n.id()).isNotNull();
                for (String lang : Locales.LANGUAGES) {
                    String t = c.locales().text(lang, o.sms());
                    assertThat(t).as("%s in %s", o.sms(), lang).isNotNull();
                    for (Spelling s : Spelling.values()) texts.put(o.sms() + " (" + lang + ", " + s + ")", s.apply(t));
                }
            }
        }
        return texts;
    }

    @Test
    @DisplayName("every hand-off SMS, in French and Bambara, in every spelling, has a number and no sensitive word")
    void neutral() {
        Map<String, String> texts = handoffTexts(Content.load(Path.of("flows"), Path.of("locales")));
        assertThat(texts).as("the four helplines at least, twice, three spellings").hasSizeGreaterThanOrEqualTo(4 * 2 * 3);
        List<String> bad = new ArrayList<>();
        texts.forEach((where, text) -> {
            if (!text.matches("(?s).*\\d.*")) bad.add(where + " has no number: " + text);
            for (String w : SENSITIVE) if (fold(text).contains(fold(w))) bad.add(where + " says '" + w + "': " + text);
        });
        assertThat(bad).isEmpty();
    }

    @Test
    @DisplayName("the screens themselves may name the subject; it is the SMS that must not (the test above is not vacuous)")
    void screensDoNameIt() {
        Content c = Content.load(Path.of("flows"), Path.of("locales"));
        assertThat(fold(c.locales().text("fr", "help.police"))).contains("traite");
        assertThat(c.locales().text("bm", "help.police")).contains("jɔnjago");
        assertThat(Lint.forbiddenWord(c.locales().text("fr", "help.police"))).isEqualTo("traite");
        assertThat(Lint.forbiddenWord(Spelling.GSM_SAFE_NY.apply(c.locales().text("bm", "help.women")))).isEqualTo("ɲangata");
        assertThat(Lint.forbiddenWord("Police: 80 00 11 15")).isNull();
    }

    @Test
    @DisplayName("the lint refuses an SMS text with a sensitive word, naming the key and the language")
    void lintRefusesASensitiveSms() {
        Content c = Content.load(Path.of("flows"), Path.of("locales"));
        Map<String, Map<String, Locales.Entry>> byLang = new LinkedHashMap<>();
        for (String lang : Locales.LANGUAGES) {
            Map<String, Locales.Entry> m = new LinkedHashMap<>();
            for (String k : c.locales().keys(lang)) m.put(k, c.locales().entry(lang, k));
            byLang.put(lang, m);
        }
        byLang.get("bm").put("help.sms.women", new Locales.Entry("Ɲangata nimɔrɔ: 80 00 11 32", false, "locales/bm/help.yaml"));
        List<Problem> problems = Lint.check(c.flows(), new Locales(byLang), Spelling.GSM_SAFE_NY);
        assertThat(problems).filteredOn(Problem::isError)
                .anySatisfy(p -> assertThat(p.toString()).contains("help.sms.women", "ɲangata", "bm"));
    }
}
