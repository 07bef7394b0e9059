package org.taama.flow;

import java.util.Map;
import java.util.Set;

/**
 * One numbered choice: its label key, the node it leads to, for a language menu the language it
 * sets, and optionally what it does on the way:
 * <ul>
 *   <li>{@code do: sms} texts the screen's information to the caller; {@code do: subscribe} with a
 *       {@code region} signs them up for awareness messages, {@code do: unsubscribe} stops them;
 *       {@code do: callback} asks for a call;</li>
 *   <li>{@code set: {name: value}} remembers an answer for the rest of the session only;</li>
 *   <li>{@code tally: name} adds one to an anonymous counter (no caller attached).</li>
 * </ul>
 */
public record Option(String label, String go, String lang, String action, String region,
                     Map<String, String> set, String tally) {
    public static final Set<String> ACTIONS = Set.of("sms", "subscribe", "unsubscribe", "callback");

    public Option {
        set = set == null ? Map.of() : Map.copyOf(set);
    }

    public Option(String label, String go, String lang, String action, String region) {
        this(label, go, lang, action, region, Map.of(), null);
    }

    public Option(String label, String go, String lang) {
        this(label, go, lang, null, null);
    }
}
