package org.taama.flow;

import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/** A title and numbered choices, all on one screen. */
final class MenuKind implements NodeKind {
    @Override
    public String name() {
        return "menu";
    }

    @Override
    public void check(Node node, Consumer<String> problem) {
        if (node.options().isEmpty()) problem.accept("a menu needs at least one option");
        if (node.end()) problem.accept("a menu cannot end the session; use a message with end: true");
        NodeKind.noLanguageOptions(node, problem);
    }

    @Override
    public View view(Node node, State state, UnaryOperator<String> text) {
        return NodeKind.oneScreen(node, text);
    }

}
