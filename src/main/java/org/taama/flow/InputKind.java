package org.taama.flow;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * A question answered by typing, not by a number from a list: for now a phone number
 * ({@code validate: phone}). The answer is not kept in the session: it goes straight into the
 * effect named by {@code do} (e.g. a call-back case, where it is stored encrypted), then the caller
 * moves to {@code go}.
 */
final class InputKind implements NodeKind {
    @Override
    public String name() {
        return "input";
    }

    @Override
    public void check(Node node, Consumer<String> problem) {
        if (node.param("go") == null) problem.accept("an input needs go: (where the caller goes after answering)");
        if (!"phone".equals(node.param("validate"))) problem.accept("an input needs validate: phone");
        if (node.param("do") != null && !Option.ACTIONS.contains(node.param("do"))) {
            problem.accept("do: '" + node.param("do") + "' is unknown; use one of " + Option.ACTIONS);
        }
        if (!node.options().isEmpty()) problem.accept("an input takes typed text, not options");
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
        String number = phone(input);
        if (number == null) return null;
        State next = state.forward(node.param("go"));
        String action = node.param("do");
        if (action == null) return new Transition(next, List.of());
        Map<String, String> data = new HashMap<>(state.vars());
        data.put("number", number);
        return new Transition(next, List.of(new Effect(action, node.text(), state.lang(), null, data)));
    }

    /** Digits of a plausible phone number (8 to 15 digits, spaces, dots, dashes and a leading + allowed), or null. */
    static String phone(String input) {
        if (input == null || input.length() > 24) return null;
        StringBuilder d = new StringBuilder();
        for (int i = 0; i < input.length(); i++) {
            char c = input.charAt(i);
            if (c >= '0' && c <= '9') d.append(c);
            else if (c == '+' && i == 0) d.append(c);
            else if (c != ' ' && c != '.' && c != '-') return null;
        }
        int digits = d.length() - (d.length() > 0 && d.charAt(0) == '+' ? 1 : 0);
        return digits >= 8 && digits <= 15 ? d.toString() : null;
    }
}
