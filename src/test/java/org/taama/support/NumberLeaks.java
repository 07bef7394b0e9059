package org.taama.support;

import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Looks for a phone number in text the way a reader would spot it: a form of the number with no digit
 * right before or after it. A bare {@code contains} on an 8-digit local number fails now and then on a
 * whole-Redis dump, because millisecond timestamps and stream ids hold every 8-digit run sooner or
 * later; a number that leaked stands on its own (a field, a JSON string, a log line).
 */
public final class NumberLeaks {
    private NumberLeaks() {}

    public static void assertAbsent(String text, String form, String where) {
        Pattern standing = Pattern.compile("(?<!\\d)" + Pattern.quote(form) + "(?!\\d)");
        var m = standing.matcher(text);
        if (m.find()) {
            int from = Math.max(0, m.start() - 80), to = Math.min(text.length(), m.end() + 80);
            assertThat(text.substring(from, to)).as(where + " holds the number " + form).doesNotContain(form);
        }
    }
}
