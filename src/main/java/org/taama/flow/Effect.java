package org.taama.flow;

import java.util.Map;
import java.util.Set;

/**
 * Something the caller asked for that the engine cannot do itself (it does no I/O): the channel
 * carries it out, then asks {@link Engine#settle} for the screen that tells what really happened.
 *
 * @param action  "sms" (text the caller {@code textKey}), "subscribe" (sign up for {@code region}),
 *                "callback" (open a call-back case from {@code data}), or "tally" (count {@code data.name})
 * @param textKey for "sms", the locale key of the text to send
 * @param lang    the caller's language when they asked
 * @param region  for "subscribe", the region chosen
 * @param data    what else the action needs (the session's answers for a call-back, a typed number)
 * @param on      where the caller goes for each outcome other than {@link #OK} (qualified node ids)
 */
public record Effect(String action, String textKey, String lang, String region, Map<String, String> data,
                     Map<String, String> on) {
    /** It happened (the SMS was accepted by the provider, the case was opened…). */
    public static final String OK = "ok";
    /** The provider or the store did not take it. */
    public static final String FAILED = "failed";
    /** A per-number limit is reached (SMS_PER_NUMBER_PER_DAY). */
    public static final String LIMIT = "limit";
    /** Not allowed for this number (a country outside the allow list). */
    public static final String REFUSED = "refused";
    /** Already done and still pending (a call-back case is open). */
    public static final String ALREADY = "already";
    public static final Set<String> OUTCOMES = Set.of(FAILED, LIMIT, REFUSED, ALREADY);

    /**
     * What the channel found when it carried out the effects: the outcome, and for an effect that
     * decides where the caller goes (a quiz session code names its quiz), the flow to continue at
     * (its start) and the answers to remember there. {@code flow} is null for every other effect.
     */
    public record Result(String outcome, String flow, Map<String, String> vars) {
        public static final Result OK_RESULT = new Result(OK, null, Map.of());

        public Result {
            vars = vars == null ? Map.of() : Map.copyOf(vars);
        }

        public static Result of(String outcome) {
            return OK.equals(outcome) ? OK_RESULT : new Result(outcome, null, Map.of());
        }
    }

    public Effect {
        data = data == null ? Map.of() : Map.copyOf(data);
        on = on == null ? Map.of() : Map.copyOf(on);
    }

    public Effect(String action, String textKey, String lang, String region, Map<String, String> data) {
        this(action, textKey, lang, region, data, Map.of());
    }

    public Effect(String action, String textKey, String lang, String region) {
        this(action, textKey, lang, region, Map.of());
    }
}
