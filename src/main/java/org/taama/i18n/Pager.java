package org.taama.i18n;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Splits a long text into pages so that each page, with the footer it will carry, fits one screen.
 * Breaks between words where it can and inside a word only when a word alone is too long; never
 * drops a character.
 *
 * <p>Someone in danger reads these pages: a phone number ("80 00 11 15", "+223 20 22 33 44") is one
 * word, so its digit groups always stay on the same page; a label stays with what follows its colon
 * ("Source: ..."); and a text written in lines (a service's details) breaks between lines when a
 * line break falls in the second half of the page.
 */
public final class Pager {
    private Pager() {}

    /**
     * @param text       the body to split
     * @param moreFooter what follows a page that has a next one (e.g. "98 Suite\n0 Retour")
     * @param lastFooter what follows the last page (its options and navigation)
     * @param fits       whether a whole screen fits
     * @return the pages, or an empty list when even one character cannot fit beside a footer
     */
    public static List<String> paginate(String text, String moreFooter, String lastFooter, Predicate<String> fits) {
        List<String> pages = new ArrayList<>();
        String rest = text.strip();
        while (true) {
            if (fits.test(join(rest, lastFooter))) {
                pages.add(rest);
                return pages;
            }
            int cut = longestFittingPrefix(rest, moreFooter, fits);
            if (cut <= 0) return List.of();
            pages.add(rest.substring(0, cut).strip());
            rest = rest.substring(cut).strip();
        }
    }

    public static String join(String body, String footer) {
        if (footer == null || footer.isEmpty()) return body;
        if (body == null || body.isEmpty()) return footer;
        return body + "\n" + footer;
    }

    /**
     * True when the pages split a phone number: one page ends with a digit (or a lone "+") and the
     * next begins with a digit. The lint reports such a text as an error.
     */
    public static boolean cutsNumber(List<String> pages) {
        for (int i = 0; i + 1 < pages.size(); i++) {
            String a = pages.get(i).strip();
            String b = pages.get(i + 1).strip();
            if (a.isEmpty() || b.isEmpty()) continue;
            char end = a.charAt(a.length() - 1);
            if ((Character.isDigit(end) || end == '+') && Character.isDigit(b.charAt(0))) return true;
        }
        return false;
    }

    /**
     * How well a page may end at the whitespace at {@code i}: 0 never (inside a number), 1 poorly
     * (right after a colon, or between a word and the number it names: "Police 80 00 11 15"),
     * 2 between words, 3 between lines or sentences.
     */
    static int breakQuality(String text, int i) {
        if (!Character.isWhitespace(text.charAt(i))) return 0;
        int before = i - 1;
        while (before >= 0 && Character.isWhitespace(text.charAt(before))) before--;
        int after = i + 1;
        while (after < text.length() && Character.isWhitespace(text.charAt(after))) after++;
        if (before < 0 || after >= text.length()) return 1;
        char b = text.charAt(before);
        char a = text.charAt(after);
        // Between two digits may be the groups of one number: never break there (nor after a "+").
        if ((Character.isDigit(b) || b == '+') && Character.isDigit(a)) return 0;
        if (b == ':' || Character.isDigit(a) || a == '+') return 1;
        if (text.charAt(i) == '\n' || b == '.' || b == '?' || b == '!') return 3;
        return 2;
    }

    private static int longestFittingPrefix(String text, String footer, Predicate<String> fits) {
        // Binary search on the raw length first (cost grows with length), then step back to a word break.
        int lo = 0, hi = text.length();
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (fits.test(join(text.substring(0, mid).strip(), footer))) lo = mid;
            else hi = mid - 1;
        }
        if (lo == 0) return 0;
        // The rest fits beside "more" but not beside the last footer: leave some for a last page.
        lo = Math.min(lo, text.length() - 1);
        if (lo == 0) return 0;
        // Best first: between lines or sentences in the second half of the page, then between words
        // there, then between words anywhere (a short page rather than a label cut from its value or
        // its number), then anywhere but inside a number.
        int[][] tries = {{3, lo / 2}, {2, lo / 2}, {2, 0}, {1, 0}};
        for (int[] t : tries) {
            for (int i = lo; i > t[1]; i--) {
                if (breakQuality(text, i) >= t[0]) return i;
            }
        }
        // One word longer than a screen: split it rather than lose it.
        if (Character.isHighSurrogate(text.charAt(lo - 1))) lo--;
        return lo;
    }
}
