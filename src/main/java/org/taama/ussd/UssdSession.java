package org.taama.ussd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.taama.flow.State;

import java.util.List;
import java.util.function.UnaryOperator;

/**
 * What Redis keeps of a caller's latest USSD session: which session it was (a digest of the gateway's
 * id), the flow state, the session's answers sealed, and the length and keyed digest of the history
 * the gateway last sent. Short field names keep each hop's write small. A session stored before the
 * digest was keyed (field {@code hh}) has no {@code hk}, is not read, and the caller starts over. An
 * ended one ({@code e}) answers only a repeat of its own last callback.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
record UssdSession(String s, String l, String n, int p, List<String> b, String v, int hl, String hk, Boolean e) {
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    /**
     * @param session digest of the gateway's session id: a different one means the caller dialled again
     * @param sealed  the position and answers, encrypted ({@link org.taama.privacy.SealedVars}), or null
     *                when the session holds no answers (then the position is stored plain)
     * @param digest  the keyed digest of what the caller typed ({@link org.taama.privacy.CallerHash#typed})
     */
    static UssdSession of(String session, State s, String history, String sealed, UnaryOperator<String> digest) {
        return of(session, s, history.length(), digest.apply(history), sealed);
    }

    /**
     * @param mark where the caller is in the gateway's session: the length of the history it sent, or the
     *             last hop number from a gateway that sends one input at a time
     * @param hk   the keyed digest of that history ("" for the latter)
     */
    static UssdSession of(String session, State s, int mark, String hk, String sealed) {
        return sealed == null
                ? new UssdSession(session, s.lang(), s.node(), s.page(), s.back(), null, mark, hk, null)
                : new UssdSession(session, s.lang(), null, 0, null, sealed, mark, hk, null);
    }

    /**
     * The same session, over: kept a short while only so that a last callback the gateway sends again
     * (its answer lost with a node, a timed-out proxy) gets the same last screen, not a new session.
     */
    UssdSession ended() {
        return new UssdSession(s, l, n, p, b, v, hl, hk, Boolean.TRUE);
    }

    boolean isEnded() {
        return Boolean.TRUE.equals(e);
    }

    /** The state when stored plain; a sealed session is opened by the channel, which holds the key. */
    State plainState() {
        return new State(l, n, p, b == null ? List.of() : b);
    }

    boolean sealed() {
        return v != null;
    }

    String encode() {
        try {
            return JSON.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The stored session, or null when there is none or it cannot be read (then the caller starts over). */
    static UssdSession decode(String json) {
        if (json == null) return null;
        try {
            UssdSession s = JSON.readValue(json, UssdSession.class);
            return s == null || (s.n() == null && s.v() == null) || s.hk() == null || s.s() == null ? null : s;
        } catch (JsonProcessingException e) {
            return null;
        }
    }
}
