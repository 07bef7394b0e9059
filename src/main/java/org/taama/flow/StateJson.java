package org.taama.flow;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.List;

/** A flow state as a short JSON value for Redis; an unreadable value reads as null (start over). */
public final class StateJson {
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_EMPTY)
    private record Stored(String l, String n, int p, List<String> b, String v) {}

    private StateJson() {}

    /**
     * @param sealed the position and answers already encrypted by the channel, or null when the state
     *               holds no answers (then the position is stored plain)
     */
    public static String encode(State s, String sealed) {
        try {
            return JSON.writeValueAsString(sealed == null
                    ? new Stored(s.lang(), s.node(), s.page(), s.back(), null)
                    : new Stored(s.lang(), null, 0, null, sealed));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** @param open opens a sealed state (sealed value, language) → state or null; the channel holds the key */
    public static State decode(String json, java.util.function.BiFunction<String, String, State> open) {
        if (json == null) return null;
        try {
            Stored s = JSON.readValue(json, Stored.class);
            if (s == null) return null;
            if (s.v() != null) return open.apply(s.v(), s.l());
            if (s.n() == null) return null;
            return new State(s.l(), s.n(), s.p(), s.b() == null ? List.of() : s.b());
        } catch (JsonProcessingException e) {
            return null;
        }
    }
}
