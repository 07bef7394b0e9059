package org.taama.flow;

import java.util.Map;
import java.util.Set;

/**
 * One numbered choice: its label key, the node it leads to, for a language menu the language it
 * sets, and optionally what it does on the way:
 * <ul>
 *   <li>{@code do: sms} texts the caller the locale key {@code sms}; {@code do: subscribe} with a
 *       {@code region} signs them up for awareness messages, {@code do: unsubscribe} stops them;
 *       {@code do: callback} asks for a call;</li>
 *   <li>{@code on: {failed: node, limit: node, …}} where the caller goes instead of {@code go} when
 *       what {@code do} asked for did not happen (see {@link Effect#OUTCOMES});</li>
 *   <li>{@code set: {name: value}} remembers an answer for the rest of the session only;</li>
 *   <li>{@code tally: name} adds one to an anonymous counter (no caller attached); {@code tally: "a, b"}
 *       to each of several.</li>
 * </ul>
 */
public record Option(String label, String go, String lang, String action, String region,
                     Map<String, String> set, String tally, String sms, Map<String, String> on) {
    public static final Set<String> ACTIONS = Set.of("sms", "subscribe", "unsubscribe", "callback");

    /** The outcomes every option doing an action must route, so no screen claims what did not happen. */
    public static final Map<String, Set<String>> REQUIRED_OUTCOMES = Map.of(
            "sms", Set.of(Effect.FAILED, Effect.LIMIT, Effect.REFUSED),
            "callback", Set.of(Effect.ALREADY, Effect.REFUSED));

    public Option {
        set = set == null ? Map.of() : Map.copyOf(set);
        on = on == null ? Map.of() : Map.copyOf(on);
    }

    public Option(String label, String go, String lang, String action, String region,
                  Map<String, String> set, String tally) {
        this(label, go, lang, action, region, set, tally, null, Map.of());
    }

    public Option(String label, String go, String lang, String action, String region) {
        this(label, go, lang, action, region, Map.of(), null);
    }

    public Option(String label, String go, String lang) {
        this(label, go, lang, null, null);
    }
}
