package org.taama.cost;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** Twilio's segment calculator cases (TwilioDevEd/message-segment-calculator tests; PROTOCOLS.md §3). */
@DisplayName("SMS segments (Twilio semantics)")
class SmsSegmentsTest {

    static final String DIGITS = "1234567890".repeat(40);
    static final String FLAG_RAINBOW = "\uD83C\uDFF3\uFE0F\u200D\uD83C\uDF08"; // 🏳️‍🌈: 4 scalars, 6 units
    static final String FLAG_IT = "\uD83C\uDDEE\uD83C\uDDF9";                   // 🇮🇹: 2 scalars, 4 units
    static final String WINK = "\uD83D\uDE1C";                                  // 😜
    static final String GRIN = "\uD83D\uDE00";                                  // 😀

    static Stream<Arguments> published() {
        return Stream.of(
                // name, text, encoding, segments, characters
                arguments("160 GSM chars", DIGITS.substring(0, 160), "GSM-7", 1, 160),
                arguments("161 GSM chars", DIGITS.substring(0, 161), "GSM-7", 2, 161),
                arguments("306 GSM chars", DIGITS.substring(0, 306), "GSM-7", 2, 306),
                arguments("307 GSM chars", DIGITS.substring(0, 307), "GSM-7", 3, 307),
                arguments("70 x Á", "Á".repeat(70), "UCS-2", 1, 70),
                arguments("71 x Á", "Á".repeat(71), "UCS-2", 2, 71),
                arguments("134 x Á", "Á".repeat(134), "UCS-2", 2, 134),
                arguments("135 x Á", "Á".repeat(135), "UCS-2", 3, 135),
                arguments("70 x ɛ", "ɛ".repeat(70), "UCS-2", 1, 70),
                arguments("71 x ɛ", "ɛ".repeat(71), "UCS-2", 2, 71),
                arguments("134 x ɛ", "ɛ".repeat(134), "UCS-2", 2, 134),
                arguments("135 x ɛ", "ɛ".repeat(135), "UCS-2", 3, 135),
                arguments("70 x ç", "ç".repeat(70), "UCS-2", 1, 70),
                arguments("71 x ç", "ç".repeat(71), "UCS-2", 2, 71),
                arguments("😜 + 68 digits (70 units)", WINK + DIGITS.substring(1, 69), "UCS-2", 1, 69),
                arguments("😜 + 69 digits (71 units)", WINK + DIGITS.substring(1, 70), "UCS-2", 2, 70),
                arguments("😜 + 133 digits", WINK + DIGITS.substring(1, 134), "UCS-2", 3, 134),
                arguments("🇮🇹 + 66 digits (70 units)", FLAG_IT + DIGITS.substring(2, 68), "UCS-2", 1, 67),
                arguments("🇮🇹 + 67 digits (71 units)", FLAG_IT + DIGITS.substring(2, 69), "UCS-2", 2, 68),
                arguments("🏳️‍🌈 + 64 digits (70 units)", FLAG_RAINBOW + DIGITS.substring(1, 65), "UCS-2", 1, 65),
                arguments("🏳️‍🌈 + 65 digits (71 units)", FLAG_RAINBOW + DIGITS.substring(1, 66), "UCS-2", 2, 66),
                arguments("😀 + 68 ]", GRIN + "]".repeat(68), "UCS-2", 1, 69),
                arguments("😀 + 69 ]", GRIN + "]".repeat(69), "UCS-2", 2, 70),
                arguments("80 x €", "€".repeat(80), "GSM-7", 1, 80),
                arguments("81 x €", "€".repeat(81), "GSM-7", 2, 81),
                arguments("é́́ + 66 a", "e\u0301\u0301\u0301" + "a".repeat(66), "UCS-2", 1, 67),
                arguments("é́́ + 67 a", "e\u0301\u0301\u0301" + "a".repeat(67), "UCS-2", 2, 68),
                arguments("CRLF counts 2", "\rabcde\r\n123", "GSM-7", 1, 11),
                arguments("LF", "\nabcde\n\n123\n", "GSM-7", 1, 12));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("published")
    void publishedCases(String name, String text, String encoding, int segments, int characters) {
        SmsSegments s = SmsSegments.of(text);
        assertThat(s.encoding()).isEqualTo(encoding);
        assertThat(s.segments()).isEqualTo(segments);
        assertThat(s.characters()).isEqualTo(characters);
        assertThat(s.utf16Units()).isEqualTo(text.length());
        assertThat(String.join("", s.parts())).isEqualTo(text);
        assertThat(s.parts()).hasSize(segments);
    }

    /** Twilio's "GSM-7 Escape Characters": escape + 159 digits = 161 septets would not fit; 158 digits does. */
    @ParameterizedTest(name = "escape {0}")
    @ValueSource(strings = {"|", "^", "€", "{", "}", "[", "]", "~", "\\", "\f"})
    void escapeCharacters(String esc) {
        SmsSegments one = SmsSegments.of(esc + DIGITS.substring(0, 158));
        assertThat(one.encoding()).isEqualTo("GSM-7");
        assertThat(one.septets()).isEqualTo(160);
        assertThat(one.segments()).isEqualTo(1);
        SmsSegments two = SmsSegments.of(esc + DIGITS.substring(0, 159));
        assertThat(two.septets()).isEqualTo(161);
        assertThat(two.segments()).isEqualTo(2);
    }

    @Test
    void euroSeptets() {
        assertThat(SmsSegments.of("€".repeat(80)).septets()).isEqualTo(160);
        assertThat(SmsSegments.of("€".repeat(81)).septets()).isEqualTo(162);
    }

    /**
     * 152 'a' + '€' is 154 septets: that alone fits one 160-septet SMS (1 segment). To see the € at the
     * 153-septet part boundary the message must be multi-part, so 10 more 'a' follow (164 septets): the
     * € (ESC + code) would straddle septets 153/154 and moves whole to part 2.
     */
    @Test
    void escapeIsNeverSplitAcrossParts() {
        SmsSegments single = SmsSegments.of("a".repeat(152) + "€");
        assertThat(single.septets()).isEqualTo(154);
        assertThat(single.segments()).isEqualTo(1);

        SmsSegments s = SmsSegments.of("a".repeat(152) + "€" + "a".repeat(10));
        assertThat(s.septets()).isEqualTo(164);
        assertThat(s.segments()).isEqualTo(2);
        assertThat(s.parts()).containsExactly("a".repeat(152), "€" + "a".repeat(10));
    }

    @Test
    void fullPartsHold153Septets() {
        SmsSegments s = SmsSegments.of(DIGITS.substring(0, 307));
        assertThat(s.parts()).extracting(String::length).containsExactly(153, 153, 1);
        assertThat(s.parts().get(2)).isEqualTo("7");
        SmsSegments u = SmsSegments.of(WINK + DIGITS.substring(1, 134));
        assertThat(u.parts()).extracting(String::length).containsExactly(67, 67, 1);
        assertThat(u.parts().get(2)).isEqualTo("4");
    }

    @Test
    void surrogatePairMovesWholeToTheNextPart() {
        // 66 units, then an emoji at units 67-68: the first part (67 units) cannot take both halves.
        String text = "ɛ".repeat(66) + GRIN + "ɛ".repeat(10);
        SmsSegments s = SmsSegments.of(text);
        assertThat(s.segments()).isEqualTo(2);
        assertThat(s.parts()).containsExactly("ɛ".repeat(66), GRIN + "ɛ".repeat(10));
    }

    @Test
    void zwjSequenceMovesWholeToTheNextPart() {
        String text = "ɛ".repeat(64) + FLAG_RAINBOW + "ɛ".repeat(10);
        SmsSegments s = SmsSegments.of(text);
        assertThat(s.parts()).containsExactly("ɛ".repeat(64), FLAG_RAINBOW + "ɛ".repeat(10));
        assertThat(s.nonGsm()).containsExactly("ɛ", FLAG_RAINBOW);
    }

    @Test
    void oneNonGsmCharacterSwitchesTheWholeMessage() {
        String gsm = "a".repeat(100);
        assertThat(SmsSegments.of(gsm).encoding()).isEqualTo("GSM-7");
        SmsSegments s = SmsSegments.of(gsm + "ɛ");
        assertThat(s.encoding()).isEqualTo("UCS-2");
        assertThat(s.septets()).isNull();
        assertThat(s.segments()).isEqualTo(2); // 101 units > 70
        assertThat(s.nonGsm()).containsExactly("ɛ");
    }

    static Stream<Arguments> gsmChars() {
        return Stream.of(
                arguments("Ç", "GSM-7"), arguments("ç", "UCS-2"),
                arguments("è", "GSM-7"), arguments("È", "UCS-2"),
                arguments("ò", "GSM-7"), arguments("Ò", "UCS-2"),
                arguments("ñ", "GSM-7"), arguments("É", "GSM-7"),
                arguments("`", "UCS-2"), arguments("\u2019", "UCS-2"),
                arguments("\u00a0", "UCS-2"), arguments("\u202f", "UCS-2"),
                arguments("@", "GSM-7"), arguments("¤", "GSM-7"));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("gsmChars")
    void characterTable(String c, String encoding) {
        SmsSegments s = SmsSegments.of("Ok " + c);
        assertThat(s.encoding()).isEqualTo(encoding);
        assertThat(s.nonGsm()).isEqualTo(encoding.equals("GSM-7") ? List.of() : List.of(c));
    }

    @Test
    void nonGsmAreDistinctAndInOrder() {
        assertThat(SmsSegments.of("Dɛmɛ ɲɔgɔn ɛ ŋ ç").nonGsm()).containsExactly("ɛ", "ɲ", "ɔ", "ŋ", "ç");
    }

    @Test
    void crlfCountsTwo() {
        SmsSegments s = SmsSegments.of("a\r\nb");
        assertThat(s.characters()).isEqualTo(4);
        assertThat(s.septets()).isEqualTo(4);
        // 159 'a' + CRLF = 161 septets: 2 segments.
        assertThat(SmsSegments.of("a".repeat(158) + "\r\n").segments()).isEqualTo(1);
        assertThat(SmsSegments.of("a".repeat(159) + "\r\n").segments()).isEqualTo(2);
    }

    @Test
    void emptyTextCostsNoSegment() {
        SmsSegments s = SmsSegments.of("");
        assertThat(s.segments()).isZero();
        assertThat(s.encoding()).isEqualTo("GSM-7");
        assertThat(s.characters()).isZero();
        assertThat(s.parts()).isEmpty();
        assertThat(SmsSegments.of(" ").segments()).isEqualTo(1);
    }

    @Test
    void graphemeLargerThanAPartIsSplitBetweenCodePoints() {
        String zalgo = "e" + "\u0301".repeat(100);
        SmsSegments s = SmsSegments.of(zalgo);
        assertThat(s.characters()).isEqualTo(1);
        assertThat(s.segments()).isEqualTo(2); // 101 units: 67 + 34
        assertThat(String.join("", s.parts())).isEqualTo(zalgo);
        assertThat(s.parts()).extracting(String::length).containsExactly(67, 34);
    }

    @Test
    void bambaraAsGivenIsUcs2() {
        SmsSegments s = SmsSegments.of("Dɛmɛ");
        assertThat(s.encoding()).isEqualTo("UCS-2");
        assertThat(s.nonGsm()).containsExactly("ɛ");
        assertThat(SmsSegments.of("Dèmè").encoding()).isEqualTo("GSM-7");
    }
}
