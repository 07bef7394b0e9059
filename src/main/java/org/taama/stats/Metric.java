package org.taama.stats;

import java.util.List;

/**
 * What the dashboard counts: a fixed, closed set of names, each with the dimensions it is split by.
 * A counter's field in a bucket is its name and its dimension values joined by ':'
 * ({@code in:sms}, {@code directory:kayes:social}); values come from {@link Vocabulary}, never from
 * what a caller typed, so no field can hold a number or free text.
 */
public enum Metric {
    /** A USSD session began (a new session id: first dial, re-dial, resumed call). */
    USSD_SESSIONS("ussd.sessions", true),
    /** A USSD callback answered (every screen shown, apologies included). */
    USSD_HOPS("ussd.hops", true),
    /** A message that came in (SMS, WhatsApp), by channel. */
    MESSAGES_IN("in", true, Dimension.CHANNEL),
    /** A message that went out (a reply, a hand-off SMS, a campaign message), by channel. */
    MESSAGES_OUT("out", true, Dimension.CHANNEL),
    /** A delivery status Twilio reported (each status once per message: it only moves forward). */
    DELIVERY("delivery", true, Dimension.DELIVERY_STATUS),
    OPT_IN("optin", true, Dimension.CHANNEL),
    OPT_OUT("optout", true, Dimension.CHANNEL),
    /** Someone reached the result of the self-check. */
    SELFCHECK_DONE("selfcheck.done", true),
    /** An anonymous self-check answer ({@code tally:} in the flows). */
    TALLY("tally", false, Dimension.TALLY),
    /** A call-back case was opened. */
    CASES_OPENED("cases.opened", true),
    /** A case moved to a status (contacted, referred, closed). */
    CASES_MOVED("cases.moved", false, Dimension.CASE_STATUS),
    /** A list of services was opened: region × kind of help. */
    DIRECTORY("directory", false, Dimension.REGION, Dimension.KIND),
    /** A conversation in a language: at its start when the language is known, or when one is chosen. */
    LANGUAGE("lang", false, Dimension.LANGUAGE),
    /** A screen entered (not a page turn or a repeat of the same screen). */
    SCREEN("screen", false, Dimension.SCREEN),
    /** A caller got the "service unavailable" apology. */
    UNAVAILABLE("unavailable", true, Dimension.CHANNEL);

    private final String id;
    private final boolean charted;
    private final List<Dimension> dimensions;

    Metric(String id, boolean charted, Dimension... dimensions) {
        this.id = id;
        this.charted = charted;
        this.dimensions = List.of(dimensions);
    }

    public String id() {
        return id;
    }

    /** True when the dashboard draws it over time (its series are sent); the others are totals only. */
    public boolean charted() {
        return charted;
    }

    public List<Dimension> dimensions() {
        return dimensions;
    }

    /** The metric a stored field belongs to, or null for a field no metric makes. */
    public static Metric ofField(String field) {
        int colon = field.indexOf(':');
        String name = colon < 0 ? field : field.substring(0, colon);
        for (Metric m : values()) if (m.id.equals(name)) return m;
        return null;
    }

    /** The kinds of value a metric is split by. */
    public enum Dimension {
        CHANNEL, DELIVERY_STATUS, TALLY, CASE_STATUS, REGION, KIND, LANGUAGE, SCREEN
    }
}
