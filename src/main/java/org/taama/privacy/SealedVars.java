package org.taama.privacy;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.taama.flow.State;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A session that holds answers (self-check, call-back preferences) is kept in Redis sealed:
 * AES-GCM encrypted and bound to the caller's hash. Not only the answers: where the caller is and
 * has been too, since reaching "selfcheck.urgent" says they answered yes to violence. Sessions
 * without answers (most hops) are stored plain, costing nothing.
 */
public final class SealedVars {
    private SealedVars() {}

    /** The sealed position and answers, or null when the state holds no answers. */
    public static String seal(NumberCipher cipher, State state, String caller) {
        if (state.vars().isEmpty()) return null;
        JsonObject o = new JsonObject()
                .put("n", state.node()).put("p", state.page())
                .put("b", new JsonArray(new ArrayList<>(state.back())))
                .put("v", new JsonObject(new HashMap<>(state.vars())));
        return cipher.encrypt(o.encode(), caller);
    }

    /**
     * The state a sealed value holds, in the given language; null when it cannot be opened (another
     * key, tampered), and then the caller starts over.
     */
    public static State open(NumberCipher cipher, String sealed, String caller, String lang) {
        try {
            JsonObject o = new JsonObject(cipher.decrypt(sealed, caller));
            List<String> back = new ArrayList<>();
            o.getJsonArray("b", new JsonArray()).forEach(x -> back.add(String.valueOf(x)));
            Map<String, String> vars = new HashMap<>();
            o.getJsonObject("v", new JsonObject()).forEach(e -> vars.put(e.getKey(), String.valueOf(e.getValue())));
            return new State(lang, o.getString("n"), o.getInteger("p", 0), back, vars);
        } catch (RuntimeException e) {
            return null;
        }
    }
}
