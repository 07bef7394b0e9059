package org.taama.gateway;

/**
 * One USSD callback, whatever the gateway: the gateway's session id, the caller's number (used only
 * to derive the caller hash, never stored), what the gateway says this callback is ({@link Kind}), and
 * what the caller typed.
 *
 * <p>Gateways differ in kind: Africa's Talking sends the whole history of the session joined by
 * {@code *} and never says when a session starts or ends; Hubtel says which phase the session is in
 * and sends only the latest input, with a count of the session's callbacks. Each adapter says what it
 * knows; {@code UssdService} rebuilds the rest from what it keeps of the session (its position, never
 * what was typed).
 *
 * @param text the history ({@link Kind#HISTORY}) or the latest input ({@link Kind#INPUT}); ignored otherwise
 * @param hop  for {@link Kind#INPUT}: the gateway's number of this callback in its session, which a retry
 *             repeats (Hubtel's {@code Sequence}); 0 when the gateway gives none
 */
public record UssdRequest(String sessionId, String phoneNumber, String serviceCode, Kind kind, String text, long hop) {
    /** What a callback is, as far as its gateway says. */
    public enum Kind {
        /** Every input of the session joined by {@code *}; the new input is what was added since the last callback. */
        HISTORY,
        /** The gateway opens a session (a dial); nothing typed yet. */
        START,
        /** The caller's latest input only. */
        INPUT,
        /** The gateway says the session is over (hung up, timed out): nobody reads the answer, nothing is read or written. */
        ENDED
    }

    /** A callback from a gateway that sends the whole history (Africa's Talking). */
    public static UssdRequest history(String sessionId, String phoneNumber, String serviceCode, String history) {
        return new UssdRequest(sessionId, phoneNumber, serviceCode, Kind.HISTORY, history, 0);
    }

    public static UssdRequest start(String sessionId, String phoneNumber, String serviceCode) {
        return new UssdRequest(sessionId, phoneNumber, serviceCode, Kind.START, "", 0);
    }

    public static UssdRequest input(String sessionId, String phoneNumber, String serviceCode, String input, long hop) {
        return new UssdRequest(sessionId, phoneNumber, serviceCode, Kind.INPUT, input, hop);
    }

    public static UssdRequest ended(String sessionId, String phoneNumber, String serviceCode) {
        return new UssdRequest(sessionId, phoneNumber, serviceCode, Kind.ENDED, "", 0);
    }

    @Override
    public String toString() {
        // Never print the number: callers may be trafficking victims.
        return "UssdRequest[serviceCode=" + serviceCode + ", kind=" + kind + ", textLength=" + (text == null ? 0 : text.length()) + "]";
    }
}
