package org.taama.flow;

import org.taama.privacy.CallerHash;

import java.util.List;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * A question answered by typing, not by a number from a list: for now a phone number
 * ({@code validate: phone}). The number is kept, in its canonical form ({@code +223…}), as the
 * session answer {@value #NUMBER} (sealed like every answer) so the next screen can read it back
 * (kind {@code readback}) before an option acts on it; then the caller moves to {@code go}.
 */
final class InputKind implements NodeKind {
    /** The session answer holding the typed number. */
    static final String NUMBER = "number";
    /** Longer than any way of writing 15 digits with spaces: anything longer is not a number. */
    private static final int MAX_TYPED = 24;

    @Override
    public String name() {
        return "input";
    }

    @Override
    public void check(Node node, Consumer<String> problem) {
        if (node.param("go") == null) problem.accept("an input needs go: (where the caller goes after answering)");
        if (!"phone".equals(node.param("validate"))) problem.accept("an input needs validate: phone");
        if (node.param("do") != null) {
            problem.accept("an input does nothing itself: read the number back on the next screen (kind: readback)"
                    + " and put do: on the option that confirms it");
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
        return new Transition(state.forward(node.param("go")).withVars(java.util.Map.of(NUMBER, number)), List.of());
    }

    /**
     * The canonical form ({@code +} and 8 to 15 digits, a local 8-digit number with {@code +223}) of
     * a typed phone number, or null. Spaces, dots and dashes may separate digits; a leading {@code +}
     * or {@code 00} is the international prefix; anything else (letters, emoji, control characters)
     * makes it not a number.
     */
    static String phone(String input) {
        if (input == null || input.length() > MAX_TYPED) return null;
        int digits = 0;
        for (int i = 0; i < input.length(); i++) {
            char c = input.charAt(i);
            if (c >= '0' && c <= '9') digits++;
            else if (!(c == '+' && i == 0) && c != ' ' && c != '.' && c != '-') return null;
        }
        if (digits == 0) return null;
        String canonical = CallerHash.normalize(input);
        return canonical.length() >= 8 && canonical.length() <= 15 ? "+" + canonical : null;
    }
}
