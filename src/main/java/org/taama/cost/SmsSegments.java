package org.taama.cost;

import org.taama.i18n.Gsm;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What an SMS costs, with the semantics of Twilio's segment calculator
 * (TwilioDevEd/message-segment-calculator, {@code SegmentedMessage.ts} / {@code Segment.ts}; PROTOCOLS.md §3).
 *
 * <ul>
 *   <li>The text is split into graphemes (user-perceived characters); a CRLF pair counts as two, as the
 *       calculator splits it.</li>
 *   <li>If every grapheme is one GSM 03.38 character the message is GSM-7: 7 bits per septet, extension
 *       characters ({@code \f ^ { } \ [ ~ ] | €}) cost two septets (ESC + code) and are one unit that is
 *       never split. Otherwise the whole message is UCS-2: 16 bits per UTF-16 code unit, GSM characters
 *       included.</li>
 *   <li>A segment is 140 octets (1120 bits). A multi-part message reserves a 6-octet UDH in every part,
 *       leaving 1072 bits: 160 / 153 septets, 70 / 67 code units. Graphemes are packed greedily and a
 *       grapheme is never split across parts (the calculator moves it whole to the next part), so a
 *       surrogate pair, a flag, a ZWJ emoji sequence or a letter with combining marks stays together.
 *       Graphemes come from {@code java.util.regex} {@code \X} (extended grapheme clusters), not
 *       {@code java.text.BreakIterator}: on Java 17 BreakIterator keeps surrogate pairs and combining
 *       marks together but splits 🇮🇹, 👍🏽 and ZWJ sequences such as 🏳️‍🌈, while {@code \X} keeps them
 *       whole, as the calculator's grapheme-splitter does.</li>
 *   <li>One departure, for a pathological input only: a single grapheme larger than a whole part (more
 *       than 67 code units, e.g. a letter buried under dozens of combining marks) cannot travel whole
 *       in any part; the calculator would then emit an empty first part and overflow a part. Here such
 *       a grapheme is split between code points (surrogate pairs still kept whole).</li>
 *   <li>Empty text: 0 segments. Twilio's calculator reports 1 (it always opens a first segment), but
 *       Twilio's API refuses an SMS with an empty body (error 21602), so an empty text is never sent
 *       and costs nothing. Any non-empty text, even a single space, is at least 1 segment.</li>
 * </ul>
 *
 * @param encoding   "GSM-7" or "UCS-2"
 * @param characters user-perceived characters (graphemes; CRLF counts 2); for GSM-7 the number of chars
 * @param utf16Units length of the text in UTF-16 code units (what UCS-2 bills)
 * @param septets    septets in GSM-7 (extension characters count 2), or null when the text is UCS-2
 * @param segments   how many SMS parts Twilio sends (and bills)
 * @param parts      the text of each part, in order (their concatenation is the text)
 * @param nonGsm     the distinct graphemes that are not GSM-7, in order of first appearance: why the
 *                   text became UCS-2 (empty for GSM-7)
 */
public record SmsSegments(String encoding, int characters, int utf16Units, Integer septets, int segments,
                          List<String> parts, List<String> nonGsm) {

    public static final String GSM7 = "GSM-7";
    public static final String UCS2 = "UCS-2";

    /** 140 octets. */
    static final int SEGMENT_BITS = 1120;
    /** What is left of a part once its 6-octet user data header is in. */
    static final int PART_BITS = SEGMENT_BITS - 6 * 8;

    private static final Pattern GRAPHEME = Pattern.compile("\\X");

    public SmsSegments {
        parts = List.copyOf(parts);
        nonGsm = List.copyOf(nonGsm);
    }

    public static SmsSegments of(String text) {
        if (text == null) throw new IllegalArgumentException("text is null");
        List<String> graphemes = graphemes(text);
        Set<String> nonGsm = new LinkedHashSet<>();
        for (String g : graphemes) {
            if (!isGsmGrapheme(g)) nonGsm.add(g);
        }
        boolean gsm = nonGsm.isEmpty();
        List<String> units = gsm ? graphemes : splitOversize(graphemes);
        int[] bits = new int[units.size()];
        int total = 0;
        for (int i = 0; i < bits.length; i++) {
            String u = units.get(i);
            bits[i] = gsm ? 7 * Gsm.septets(u) : 16 * u.length();
            total += bits[i];
        }
        List<String> parts = pack(units, bits, total);
        return new SmsSegments(gsm ? GSM7 : UCS2, graphemes.size(), text.length(),
                gsm ? Gsm.septets(text) : null, parts.size(), parts, new ArrayList<>(nonGsm));
    }

    /** Extended grapheme clusters, with CRLF as two (the calculator's rule). */
    static List<String> graphemes(String text) {
        List<String> out = new ArrayList<>(text.length());
        Matcher m = GRAPHEME.matcher(text);
        while (m.find()) {
            String g = m.group();
            if (g.equals("\r\n")) {
                out.add("\r");
                out.add("\n");
            } else {
                out.add(g);
            }
        }
        return out;
    }

    /** One GSM 03.38 character (basic or extension); a multi-char grapheme never is. */
    private static boolean isGsmGrapheme(String g) {
        return g.length() == 1 && (Gsm.isBasic(g.charAt(0)) || Gsm.isExtension(g.charAt(0)));
    }

    private static List<String> splitOversize(List<String> graphemes) {
        int maxUnits = PART_BITS / 16;
        List<String> out = null;
        for (int i = 0; i < graphemes.size(); i++) {
            String g = graphemes.get(i);
            if (g.length() <= maxUnits) {
                if (out != null) out.add(g);
                continue;
            }
            if (out == null) out = new ArrayList<>(graphemes.subList(0, i));
            for (int k = 0; k < g.length(); ) {
                int n = Character.charCount(g.codePointAt(k));
                out.add(g.substring(k, k + n));
                k += n;
            }
        }
        return out == null ? graphemes : out;
    }

    /** One part if everything fits 1120 bits, else greedy parts of 1072 bits, no unit ever split. */
    private static List<String> pack(List<String> units, int[] bits, int total) {
        List<String> parts = new ArrayList<>();
        if (units.isEmpty()) return parts;
        if (total <= SEGMENT_BITS) {
            parts.add(String.join("", units));
            return parts;
        }
        StringBuilder part = new StringBuilder();
        int used = 0;
        for (int i = 0; i < bits.length; i++) {
            if (used + bits[i] > PART_BITS && used > 0) {
                parts.add(part.toString());
                part.setLength(0);
                used = 0;
            }
            part.append(units.get(i));
            used += bits[i];
        }
        parts.add(part.toString());
        return parts;
    }
}
