package org.taama.ussd;

import org.taama.privacy.Digests;

import java.util.Arrays;
import java.util.Base64;

/**
 * The caller's new input, from a gateway that sends the whole session history joined by {@code *}.
 * Splitting on the last {@code *} breaks when the caller types {@code *} themselves; instead the
 * history we saw last time is taken off the front, then one separator (the vumi Safaricom rule).
 *
 * <p>Only the length and a digest of the history are stored, so what a caller typed is never kept.
 */
public final class History {
    private History() {}

    /** What the caller added since {@code previous}; "" for a repeat. */
    public static String newInput(String previous, String text) {
        return newInput(previous.length(), digest(previous), text);
    }

    public static String newInput(int previousLength, String previousDigest, String text) {
        if (text == null) return "";
        if (text.length() >= previousLength && digest(text.substring(0, previousLength)).equals(previousDigest)) {
            String rest = text.substring(previousLength);
            return previousLength > 0 && rest.startsWith("*") ? rest.substring(1) : rest;
        }
        // The gateway lost the thread (a restarted session on its side): take the last input.
        int star = text.lastIndexOf('*');
        return star < 0 ? text : text.substring(star + 1);
    }

    /** A short digest of a history: enough to recognise it, not to read it. */
    public static String digest(String history) {
        byte[] h = Digests.sha256(history);
        return Base64.getEncoder().withoutPadding().encodeToString(Arrays.copyOf(h, 12));
    }
}
