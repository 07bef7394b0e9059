package org.taama.i18n;

/**
 * The GSM 03.38 default alphabet and what a text costs in it: on USSD (182 septets, or 80 UTF-16
 * units once one character falls outside it) and on SMS (160/153 septets, 70/67 UTF-16 units).
 */
public final class Gsm {
    /** Single-septet characters (TS 23.038 basic table, as Twilio's segment calculator has it). */
    private static final String BASIC = "\n\r !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ_"
            + "abcdefghijklmnopqrstuvwxyz\u00a1\u00a3\u00a4\u00a5\u00a7\u00bf\u00c4\u00c5\u00c6\u00c9\u00d1"
            + "\u00d6\u00d8\u00dc\u00df\u00e0\u00e4\u00e5\u00e6\u00c7\u00e8\u00e9\u00ec\u00f1\u00f2\u00f6"
            + "\u00f8\u00f9\u00fc\u0393\u0394\u0398\u039b\u039e\u03a0\u03a3\u03a6\u03a8\u03a9";
    /** Characters sent as ESC + septet: they cost two. */
    private static final String EXTENSION = "\f[\\]^{|}~\u20ac";

    public static final int USSD_GSM_LIMIT = 182;
    public static final int USSD_UCS2_LIMIT = 80;

    private static final boolean[] BASIC_SET = new boolean[0x3AA];
    private static final boolean[] EXT_SET = new boolean[0x3AA];

    static {
        BASIC.chars().forEach(c -> BASIC_SET[c] = true);
        EXTENSION.chars().filter(c -> c < EXT_SET.length).forEach(c -> EXT_SET[c] = true);
    }

    private Gsm() {}

    public static boolean isBasic(char c) {
        return c < BASIC_SET.length && BASIC_SET[c];
    }

    public static boolean isExtension(char c) {
        return c == '\u20ac' || (c < EXT_SET.length && EXT_SET[c]);
    }

    /** True when every character of the text can be sent in GSM-7. */
    public static boolean isGsm7(CharSequence s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!isBasic(c) && !isExtension(c)) return false;
        }
        return true;
    }

    /** Septets the text costs in GSM-7, or -1 when it cannot be sent in GSM-7. */
    public static int septets(CharSequence s) {
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (isBasic(c)) n += 1;
            else if (isExtension(c)) n += 2;
            else return -1;
        }
        return n;
    }

    /** What one USSD screen holding this text costs, against what it may hold. */
    public static ScreenCost ussdCost(CharSequence s) {
        int septets = septets(s);
        return septets >= 0
                ? new ScreenCost("GSM-7", septets, USSD_GSM_LIMIT)
                : new ScreenCost("UCS-2", s.length(), USSD_UCS2_LIMIT);
    }

    public static boolean fitsUssdScreen(CharSequence s) {
        return ussdCost(s).fits();
    }

    /** Units used against the limit of the encoding a text forces. */
    public record ScreenCost(String encoding, int used, int limit) {
        public boolean fits() {
            return used <= limit;
        }
    }
}
