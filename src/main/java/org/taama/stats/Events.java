package org.taama.stats;

/**
 * Where the channels and services say what happened, for the dashboard and the message log. Both
 * calls return at once and never fail: counting must never slow or break a caller's screen.
 */
public interface Events {
    /** Counts one event; a dimension value outside the {@link Vocabulary} is not counted. */
    void count(Metric metric, String... dimensions);

    /**
     * Adds an event to the message log: its channel, {@code in} or {@code out}, who (a caller hash,
     * of which only a short prefix is kept) and its status (an outcome or delivery status).
     */
    void log(String channel, String direction, String caller, String status);

    /**
     * One screen shown to someone: counts the USSD hop and session, the screen entered, the list of
     * services opened, a finished self-check and the conversation's language.
     *
     * @param channel     ussd, sms or whatsapp
     * @param fromScreen  the screen the person was on, or null when this starts a session or conversation
     * @param toScreen    the screen they see now
     * @param lang        its language
     * @param langKnown   whether the language was known (remembered) or chosen with this step
     */
    default void shown(String channel, String fromScreen, String toScreen, String lang, boolean langKnown) {
    }

    /** Counts and logs nothing: for parts built without a dashboard (tests, tools). */
    Events NONE = new Events() {
        @Override
        public void count(Metric metric, String... dimensions) {
        }

        @Override
        public void log(String channel, String direction, String caller, String status) {
        }
    };
}
