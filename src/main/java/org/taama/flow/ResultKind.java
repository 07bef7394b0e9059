package org.taama.flow;

import java.util.List;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * A text chosen by the caller's answers in this session: how many of the variables listed in
 * {@code vars} are "yes" picks {@code none} (0), {@code some} (1 to many_at − 1) or {@code many}
 * (many_at or more). Used for the self-check, which suggests help without labelling anyone.
 * An optional {@code after:} text follows the result when it is not empty on the channel: the
 * self-check uses it to suggest, on SMS and WhatsApp, deleting the conversation.
 */
final class ResultKind implements NodeKind {
    @Override
    public String name() {
        return "result";
    }

    @Override
    public void check(Node node, Consumer<String> problem) {
        for (String p : List.of("vars", "none", "some", "many", "many_at")) {
            if (node.param(p) == null) problem.accept("a result needs " + p + ":");
        }
        try {
            if (node.param("many_at") != null) Integer.parseInt(node.param("many_at"));
        } catch (NumberFormatException e) {
            problem.accept("many_at: must be a whole number");
        }
    }

    @Override
    public boolean cacheable() {
        return false;
    }

    @Override
    public View view(Node node, State state, UnaryOperator<String> text) {
        String body = text.apply(node.text()) + "\n" + text.apply(pick(node, state));
        String after = node.param("after") == null ? "" : text.apply(node.param("after"));
        if (!after.isBlank()) body = body + "\n" + after;
        return new View(body, NodeKind.labels(node, text), true, node.end());
    }

    static String pick(Node node, State state) {
        long yes = java.util.Arrays.stream(node.param("vars").split(","))
                .map(String::strip).filter(v -> "yes".equals(state.vars().get(v))).count();
        int manyAt = Integer.parseInt(node.param("many_at"));
        return yes == 0 ? node.param("none") : yes >= manyAt ? node.param("many") : node.param("some");
    }


    @Override
    public List<String> extraTextKeys(Node node) {
        return java.util.stream.Stream.of(node.param("none"), node.param("some"), node.param("many"), node.param("after"))
                .filter(java.util.Objects::nonNull).toList();
    }
}
