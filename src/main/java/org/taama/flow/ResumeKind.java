package org.taama.flow;

import java.util.List;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * Offered when a caller dials again while their last session is still warm (a dropped call, a
 * timeout): option 1 returns to the screen they were on, option 2 starts from the main menu. The
 * screen to return to is simply the top of the back stack (see {@link Engine#resume}).
 */
final class ResumeKind implements NodeKind {
    @Override
    public String name() {
        return "resume";
    }

    @Override
    public void check(Node node, Consumer<String> problem) {
        if (node.options().size() != 2) {
            problem.accept("a resume node has exactly two options: continue, then start again");
        }
    }

    @Override
    public View view(Node node, State state, UnaryOperator<String> text) {
        return NodeKind.oneScreen(node, text);
    }

    @Override
    public State choose(Node node, State state, int index) {
        State previous = state.previous();
        if (index == 0 && previous != null) return previous;
        return new State(state.lang(), node.options().get(index).go(), 0, List.of());
    }
}
