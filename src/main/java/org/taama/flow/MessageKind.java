package org.taama.flow;

import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/** A text of any length, paged automatically; optional choices after its last page; may end the session. */
final class MessageKind implements NodeKind {
    @Override
    public String name() {
        return "message";
    }

    @Override
    public void check(Node node, Consumer<String> problem) {
        if (node.end() && !node.options().isEmpty()) {
            problem.accept("a message that ends the session cannot offer options");
        }
        NodeKind.noLanguageOptions(node, problem);
    }

    @Override
    public View view(Node node, State state, UnaryOperator<String> text) {
        return new View(text.apply(node.text()), NodeKind.labels(node, text), true, node.end());
    }

}
