package org.taama.flow;

/** The engine's answer to one input: the caller's new state and the screen to show. */
public record Step(State state, Screen screen, Outcome outcome, java.util.List<Effect> effects) {
    public Step(State state, Screen screen, Outcome outcome) {
        this(state, screen, outcome, java.util.List.of());
    }

    /** What the input did, for counters and tests. */
    public enum Outcome { STARTED, MOVED, LANGUAGE_SET, PAGED, BACK, HOME, REPEATED, INVALID, ENDED }
}
