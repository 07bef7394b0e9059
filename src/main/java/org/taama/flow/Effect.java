package org.taama.flow;

import java.util.Map;

/**
 * Something the caller asked for that the engine cannot do itself (it does no I/O): the channel
 * carries it out after saving the state.
 *
 * @param action  "sms" (text the caller {@code textKey}), "subscribe" (sign up for {@code region}),
 *                "callback" (open a call-back case from {@code data}), or "tally" (count {@code data.name})
 * @param textKey for "sms", the locale key of the information to send
 * @param lang    the caller's language when they asked
 * @param region  for "subscribe", the region chosen
 * @param data    what else the action needs (the session's answers for a call-back, a typed number)
 */
public record Effect(String action, String textKey, String lang, String region, Map<String, String> data) {
    public Effect {
        data = data == null ? Map.of() : Map.copyOf(data);
    }

    public Effect(String action, String textKey, String lang, String region) {
        this(action, textKey, lang, region, Map.of());
    }
}
