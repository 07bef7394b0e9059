package org.taama.i18n;

import java.util.HashMap;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * How a text is spelled on a given channel. Locale files keep the standard orthography; a basic
 * phone on USSD or SMS gets a GSM-safe spelling, because one ɛ would force the whole screen into
 * UCS-2 and cut it from 182 to 80 characters.
 */
public enum Spelling {
    /** The text exactly as written (WhatsApp, web). */
    STANDARD,
    /** Bambara ɲ written "ny", as older Malian texts do. */
    GSM_SAFE_NY,
    /** Bambara ɲ written "ñ", the Senegalese convention; ñ is in GSM-7. */
    GSM_SAFE_ENYE;

    private static final Map<Character, String> COMMON = new HashMap<>();

    static {
        // Bambara (CONTENT.md §1.2): È and Ò have no GSM form, so capitals lose the accent.
        put("ɛ", "è"); put("ɔ", "ò"); put("ŋ", "ng");
        put("Ɛ", "E"); put("Ɔ", "O"); put("Ŋ", "Ng");
        // French letters outside GSM-7 (ç lower case is not GSM-7; Ç is).
        put("ê", "e"); put("ë", "e"); put("â", "a"); put("î", "i"); put("ï", "i"); put("ô", "o");
        put("û", "u"); put("ç", "c"); put("á", "a"); put("í", "i"); put("ó", "o"); put("ú", "u");
        put("Ê", "E"); put("Ë", "E"); put("Â", "A"); put("Î", "I"); put("Ï", "I"); put("Ô", "O");
        put("Û", "U"); put("È", "E"); put("Ò", "O"); put("À", "A"); put("Ù", "U");
        put("œ", "oe"); put("Œ", "OE");
        // Typography that word processors slip in.
        put("\u2019", "'"); put("\u2018", "'"); put("\u201c", "\""); put("\u201d", "\"");
        put("\u00ab", "\""); put("\u00bb", "\""); put("\u2013", "-"); put("\u2014", "-");
        put("\u2026", "..."); put("\u00a0", " "); put("\u202f", " "); put("\u2009", " ");
        // Tone marks are not written in Bambara orthography; drop any stray combining ones.
        put("\u0300", ""); put("\u0301", "");
    }

    private static void put(String from, String to) {
        COMMON.put(from.charAt(0), to);
    }

    public String apply(String text) {
        if (this == STANDARD || text == null) return text;
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            String sub = substitute(c);
            if (sub == null) {
                if (out != null) out.append(c);
                continue;
            }
            if (out == null) out = new StringBuilder(text.length() + 8).append(text, 0, i);
            out.append(sub);
        }
        return out == null ? text : out.toString();
    }

    private String substitute(char c) {
        if (c == 'ɲ') return this == GSM_SAFE_ENYE ? "ñ" : "ny";
        if (c == 'Ɲ') return this == GSM_SAFE_ENYE ? "Ñ" : "Ny";
        return COMMON.get(c);
    }

    public UnaryOperator<String> asFunction() {
        return this::apply;
    }

    /** The GSM-safe spelling with ɲ written as the deployment chose ("ny" or "ñ"). */
    public static Spelling gsmSafe(String palatal) {
        return "ñ".equals(palatal) || "enye".equalsIgnoreCase(palatal) ? GSM_SAFE_ENYE : GSM_SAFE_NY;
    }
}
