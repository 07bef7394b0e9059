package org.taama.i18n;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Splits a long text into pages so that each page, with the footer it will carry, fits one screen.
 * Breaks between words where it can and inside a word only when a word alone is too long; never
 * drops a character.
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
        for (int i = lo; i > lo / 2; i--) {
            if (Character.isWhitespace(text.charAt(i))) return i;
        }
        // One word longer than half a screen: split it rather than lose it.
        if (Character.isHighSurrogate(text.charAt(lo - 1))) lo--;
        return lo;
    }
}
