package org.taama.flow;

import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * Where a participant types the session code their trainer gave them (digits only, {@value #MIN}
 * to {@value #MAX} of them). The channel looks the code up (effect {@value #OPEN}): a live code
 * opens its quiz in its phase (pre or post training); an unknown or expired one leads to the
 * {@code unknown:} screen. Anything but digits shows the question again with the hint.
 */
final class QuizCodeKind implements NodeKind {
    static final String OPEN = "quiz_open";
    static final int MIN = 4;
    static final int MAX = 8;

    @Override
    public String name() {
        return "quiz_code";
    }

    @Override
    public void check(Node node, Consumer<String> problem) {
        if (node.param("unknown") == null) problem.accept("a quiz code needs unknown: (the screen for a code that is unknown or expired)");
        if (!node.options().isEmpty()) problem.accept("a quiz code takes typed digits, not options");
        if (node.end()) problem.accept("a quiz code cannot end the session");
    }

    @Override
    public View view(Node node, State state, UnaryOperator<String> text) {
        return new View(text.apply(node.text()), List.of(), false, false);
    }

    @Override
    public State choose(Node node, State state, int index) {
        return state;
    }

    @Override
    public Transition text(Node node, State state, String input) {
        String code = code(input);
        if (code == null) return null;
        String unknown = node.param("unknown");
        return new Transition(state.forward(node.id()), List.of(new Effect(OPEN, null, state.lang(), null,
                Map.of("code", code), Map.of(Effect.REFUSED, unknown))));
    }

    /** The code as typed, when it is {@value #MIN} to {@value #MAX} digits (spaces around allowed); else null. */
    static String code(String input) {
        if (input == null) return null;
        String s = input.strip();
        if (s.length() < MIN || s.length() > MAX) return null;
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') return null;
        }
        return s;
    }
}
