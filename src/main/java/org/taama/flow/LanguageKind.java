package org.taama.flow;

import org.taama.i18n.Locales;

import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/** A menu whose choice sets the caller's language; the channel remembers it for the next call. */
final class LanguageKind implements NodeKind {
    @Override
    public String name() {
        return "language";
    }

    @Override
    public void check(Node node, Consumer<String> problem) {
        if (node.options().isEmpty()) problem.accept("a language menu needs at least one option");
        for (Option o : node.options()) {
            if (!Locales.isLanguage(o.lang())) {
                problem.accept("option '" + o.label() + "' must set lang: to one of " + Locales.LANGUAGES);
            }
        }
    }

    @Override
    public View view(Node node, State state, UnaryOperator<String> text) {
        return NodeKind.oneScreen(node, text);
    }

    @Override
    public State choose(Node node, State state, int index) {
        Option o = node.options().get(index);
        // Choosing a language starts afresh in it: "back" into the other language would confuse.
        return new State(o.lang(), o.go(), 0, java.util.List.of());
    }
}
