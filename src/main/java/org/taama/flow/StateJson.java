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
    private record Stored(String l, String n, int p, List<String> b, java.util.Map<String, String> v) {}

    private StateJson() {}

    public static String encode(State s) {
        try {
            return JSON.writeValueAsString(new Stored(s.lang(), s.node(), s.page(), s.back(), s.vars()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static State decode(String json) {
        if (json == null) return null;
        try {
            Stored s = JSON.readValue(json, Stored.class);
            if (s == null || s.n() == null) return null;
            return new State(s.l(), s.n(), s.p(), s.b() == null ? List.of() : s.b(), s.v());
        } catch (JsonProcessingException e) {
            return null;
        }
    }
}
