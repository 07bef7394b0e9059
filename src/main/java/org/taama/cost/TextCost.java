package org.taama.cost;

import org.taama.config.Config;
import org.taama.i18n.Gsm;
import org.taama.i18n.Pager;
import org.taama.i18n.Spelling;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What a text costs on a channel: SMS segments, USSD screens, and why (the encoding and the characters
 * that forced UCS-2). With a language, the text is first spelled as that channel would send it (the
 * engine spells every language the same way per channel); without one it is counted exactly as given.
 */
public final class TextCost {
    public static final int MAX_TEXT_CODE_POINTS = 10_000;
    public static final Set<String> CHANNELS = Set.of("sms", "whatsapp", "ussd");
    public static final Set<String> LANGS = Set.of("fr", "bm");

    /*
     * The engine's navigation line (Engine.render: "98" + common.more, then the navigation "0 Retour
     * 00 Accueil"), in French: a page that has a next one carries "98 Suite" above the navigation, the
     * last page only the navigation. Every screen carries it, so it takes room from the text and must
     * be counted when paging; the Bambara labels differ a little in length.
     */
    static final String MORE_FOOTER = "98 Suite\n0 Retour 00 Accueil";
    static final String LAST_FOOTER = "0 Retour 00 Accueil";
    /** Every page keeps room for the wrong-key hint above it (common.invalid, in French), as the engine's do. */
    static final String HINT = "Choix invalide.";

    private final Spelling ussd;
    private final Spelling sms;

    public TextCost(Config config) {
        this(config.ussdGsmSafe() ? Spelling.gsmSafe(config.bmPalatal()) : Spelling.STANDARD,
                config.smsGsmSafe() ? Spelling.gsmSafe(config.bmPalatal()) : Spelling.STANDARD);
    }

    public TextCost(Spelling ussd, Spelling sms) {
        this.ussd = ussd;
        this.sms = sms;
    }

    /**
     * @param text    the text to cost
     * @param channel "sms", "whatsapp" or "ussd"
     * @param lang    "fr", "bm", or null to count the text as given
     * @throws IllegalArgumentException with a one-line reason when an argument is not acceptable
     */
    public Cost cost(String text, String channel, String lang) {
        if (text == null) throw new IllegalArgumentException("text is required");
        if (channel == null || !CHANNELS.contains(channel)) {
            throw new IllegalArgumentException("channel must be one of sms, whatsapp, ussd");
        }
        if (lang != null && !LANGS.contains(lang)) {
            throw new IllegalArgumentException("lang must be fr or bm when given");
        }
        if (text.codePointCount(0, text.length()) > MAX_TEXT_CODE_POINTS) {
            throw new TooLong("text is longer than " + MAX_TEXT_CODE_POINTS + " characters");
        }
        Spelling spelling = lang == null ? Spelling.STANDARD : spellingFor(channel);
        String rendered = spelling.apply(text);
        SmsSegments sms = SmsSegments.of(rendered);
        return new Cost(rendered, channel, lang, spelling.name(), sms.encoding(), sms.characters(),
                sms.utf16Units(), sms.septets(), sms.segments(), ussdScreens(rendered),
                channel.equals("whatsapp") ? "message" : channel.equals("sms") ? "segment" : null,
                sms.nonGsm(), codePoints(sms.nonGsm()));
    }

    public Spelling spellingFor(String channel) {
        return switch (channel) {
            case "ussd" -> ussd;
            case "sms" -> sms;
            default -> Spelling.STANDARD;
        };
    }

    /**
     * Screens the text needs when the engine pages it as a message body, footer included. An empty
     * text needs none (as it needs no SMS). Like the engine, a text the pager cannot place (a footer
     * too big for any screen) is shown whole on one screen.
     */
    static int ussdScreens(String text) {
        if (text.isEmpty()) return 0;
        int n = Pager.paginate(text, MORE_FOOTER, LAST_FOOTER, s -> Gsm.fitsUssdScreen(Pager.join(HINT, s))).size();
        return Math.max(n, 1);
    }

    /** "U+202F NARROW NO-BREAK SPACE" for each code point of the graphemes that is not GSM-7. */
    private static List<String> codePoints(List<String> graphemes) {
        List<String> out = new ArrayList<>();
        for (String g : graphemes) {
            g.codePoints().forEach(cp -> {
                if (Character.isBmpCodePoint(cp) && (Gsm.isBasic((char) cp) || Gsm.isExtension((char) cp))) return;
                String name = Character.getName(cp);
                String s = String.format(Locale.ROOT, "U+%04X", cp) + (name == null ? "" : " " + name);
                if (!out.contains(s)) out.add(s);
            });
        }
        return out;
    }

    /** The text is over {@link #MAX_TEXT_CODE_POINTS}: HTTP 413 rather than 400. */
    public static final class TooLong extends IllegalArgumentException {
        TooLong(String message) {
            super(message);
        }
    }

    /**
     * @param text             the text as it would be sent (after the channel's spelling when lang was given)
     * @param spelling         the spelling applied (STANDARD when lang was not given)
     * @param septets          null when the text is UCS-2
     * @param smsSegments      parts if sent as SMS through Twilio
     * @param ussdScreens      screens when paged on USSD with the engine's navigation footer
     * @param billedAs         "segment" on SMS, "message" on WhatsApp (Twilio bills per message there,
     *                         segments are not a cost), null on USSD
     * @param nonGsm           distinct non-GSM graphemes, in order
     * @param nonGsmCodePoints the code points behind them (names make invisible ones, e.g. U+202F, visible)
     */
    public record Cost(String text, String channel, String lang, String spelling, String encoding,
                       int characters, int utf16Units, Integer septets, int smsSegments, int ussdScreens,
                       String billedAs, List<String> nonGsm, List<String> nonGsmCodePoints) {}
}
