package org.taama.cost;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.taama.config.Config;

import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

@DisplayName("Text cost per channel and language")
class TextCostTest {
    static final TextCost DEFAULTS = new TextCost(Config.from(Map.of()));

    static Stream<Arguments> renderings() {
        return Stream.of(
                // text, channel, lang, rendered, encoding, billedAs
                arguments("Dɛmɛ", "sms", null, "Dɛmɛ", "UCS-2", "segment"),
                arguments("Dɛmɛ", "sms", "bm", "Dèmè", "GSM-7", "segment"),
                arguments("Dɛmɛ", "ussd", "bm", "Dèmè", "GSM-7", null),
                arguments("Dɛmɛ", "ussd", null, "Dɛmɛ", "UCS-2", null),
                arguments("Dɛmɛ", "whatsapp", "bm", "Dɛmɛ", "UCS-2", "message"),
                arguments("ɲɔgɔn", "sms", "bm", "nyògòn", "GSM-7", "segment"),
                arguments("Ça coûte 1\u202f500\u00a0F CFA", "sms", "fr", "Ça coute 1 500 F CFA", "GSM-7", "segment"),
                arguments("Ça coûte 1\u202f500\u00a0F CFA", "sms", null, "Ça coûte 1\u202f500\u00a0F CFA", "UCS-2", "segment"));
    }

    @ParameterizedTest(name = "{0} on {1} lang={2} -> {3}")
    @MethodSource("renderings")
    void rendersAsTheChannelWould(String text, String channel, String lang, String rendered, String encoding,
                                  String billedAs) {
        TextCost.Cost c = DEFAULTS.cost(text, channel, lang);
        assertThat(c.text()).isEqualTo(rendered);
        assertThat(c.encoding()).isEqualTo(encoding);
        assertThat(c.billedAs()).isEqualTo(billedAs);
        assertThat(c.smsSegments()).isEqualTo(1);
        assertThat(c.ussdScreens()).isEqualTo(1);
        assertThat(c.nonGsm()).isEqualTo(SmsSegments.of(rendered).nonGsm());
    }

    @Test
    void invisibleNonGsmCharactersAreNamed() {
        TextCost.Cost c = DEFAULTS.cost("1\u202f500", "sms", null);
        assertThat(c.nonGsmCodePoints()).containsExactly("U+202F NARROW NO-BREAK SPACE");
    }

    @Test
    void configChoosesTheSpelling() {
        Config enye = Config.from(Map.of("BM_GSM_PALATAL", "ñ"));
        assertThat(new TextCost(enye).cost("ɲɔgɔn", "sms", "bm").text()).isEqualTo("ñògòn");
        Config smsStandard = Config.from(Map.of("SMS_GSM_SAFE", "false"));
        TextCost.Cost c = new TextCost(smsStandard).cost("Dɛmɛ", "sms", "bm");
        assertThat(c.text()).isEqualTo("Dɛmɛ");
        assertThat(c.encoding()).isEqualTo("UCS-2");
        assertThat(new TextCost(smsStandard).cost("Dɛmɛ", "ussd", "bm").text()).isEqualTo("Dèmè");
    }

    /**
     * A screen holds 182 septets (80 units in UCS-2); the last page carries "\n0 Retour 00 Accueil"
     * (20) and keeps room for the wrong-key hint "Choix invalide.\n" (16) above the text, so 146
     * septets (44 units) of text fit one screen.
     */
    static Stream<Arguments> screens() {
        return Stream.of(
                arguments("a".repeat(146), 1),
                arguments("a".repeat(147), 2),
                arguments("ɛ".repeat(44), 1),
                arguments("ɛ".repeat(45), 2),
                arguments("", 0));
    }

    @ParameterizedTest(name = "{index}: {1} screen(s)")
    @MethodSource("screens")
    void ussdScreensCountTheFooter(String text, int screens) {
        assertThat(DEFAULTS.cost(text, "ussd", null).ussdScreens()).isEqualTo(screens);
    }

    @Test
    void longTextPagesLikeTheEngine() {
        String words = "Vous avez des droits. ".repeat(100).strip();
        TextCost.Cost c = DEFAULTS.cost(words, "ussd", "fr");
        // 146 septets of text a page at most (footer and hint room); pages end between sentences
        // when one ends in the second half, so a 22-character sentence costs each page up to 21.
        assertThat(c.ussdScreens()).isBetween(2200 / 146, 2200 / 125 + 1);
        assertThat(c.smsSegments()).isEqualTo((int) Math.ceil(words.length() / 153.0));
    }

    @Test
    void emptyTextCostsNothing() {
        TextCost.Cost c = DEFAULTS.cost("", "sms", null);
        assertThat(c.smsSegments()).isZero();
        assertThat(c.ussdScreens()).isZero();
    }

    @Test
    void badArgumentsSayWhy() {
        assertThatThrownBy(() -> DEFAULTS.cost(null, "sms", null)).hasMessage("text is required");
        assertThatThrownBy(() -> DEFAULTS.cost("a", "fax", null)).hasMessageContaining("channel");
        assertThatThrownBy(() -> DEFAULTS.cost("a", "SMS", null)).hasMessageContaining("channel");
        assertThatThrownBy(() -> DEFAULTS.cost("a", "sms", "en")).hasMessageContaining("lang");
        assertThatThrownBy(() -> DEFAULTS.cost("a".repeat(10_001), "sms", null)).isInstanceOf(TextCost.TooLong.class);
        assertThat(DEFAULTS.cost("a".repeat(10_000), "sms", null).smsSegments()).isEqualTo(66);
        // Code points, not UTF-16 units: 10,000 emoji are allowed. A 67-unit part holds 33 whole emoji
        // (a pair is never split), so 10,000 of them take ceil(10000 / 33) = 304 parts, not 20000 / 67.
        assertThat(DEFAULTS.cost("\uD83D\uDE00".repeat(10_000), "sms", null).smsSegments()).isEqualTo(304);
    }
}
