package org.taama.ussd;

import java.util.function.UnaryOperator;

/**
 * The caller's new input, from a gateway that sends the whole session history joined by {@code *}.
 * Splitting on the last {@code *} breaks when the caller types {@code *} themselves; instead the
 * history we saw last time is taken off the front, then one separator (the vumi Safaricom rule).
 *
 * <p>Only the length and a keyed digest of the history are stored ({@link org.taama.privacy.CallerHash#typed}),
 * so what a caller typed is never kept, and cannot be found again by hashing every short history.
 */
public final class History {
    private History() {}

    /** What the caller added since {@code previous}; "" for a repeat. */
    public static String newInput(String previous, String text, UnaryOperator<String> digest) {
        return newInput(previous.length(), digest.apply(previous), text, digest);
    }

    /** The same, from what is stored of the previous history: its length and its digest. */
    public static String newInput(int previousLength, String previousDigest, String text, UnaryOperator<String> digest) {
        if (text == null) return "";
        if (text.length() >= previousLength && digest.apply(text.substring(0, previousLength)).equals(previousDigest)) {
            String rest = text.substring(previousLength);
            return previousLength > 0 && rest.startsWith("*") ? rest.substring(1) : rest;
        }
        // The gateway lost the thread (a restarted session on its side): take the last input.
        int star = text.lastIndexOf('*');
        return star < 0 ? text : text.substring(star + 1);
    }
}
