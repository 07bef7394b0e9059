package org.taama.flow;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * The end of a training quiz: {@code {score}} out of {@code {total}} for the questions listed in
 * {@code questions:} (nodes of this flow). Arriving here counts the score once, anonymously, for
 * the session code and phase the quiz was opened with (effect {@value #TALLY}); going back and
 * forward again does not count it twice.
 */
final class QuizScoreKind implements NodeKind {
    /** The effect that adds a finished quiz to its code's anonymous tallies. */
    static final String TALLY = "quiz_tally";
    /** Session answers set when a quiz is opened with a code (see the channel's quiz_open effect). */
    public static final String CODE = "quiz.code";
    public static final String PHASE = "quiz.phase";
    public static final String TALLIED = "quiz.tallied";

    @Override
    public String name() {
        return "quiz_score";
    }

    @Override
    public void check(Node node, Consumer<String> problem) {
        if (questions(node).isEmpty()) problem.accept("a quiz score needs questions: (the quiz questions of this flow, q1, q2, ...)");
        NodeKind.noLanguageOptions(node, problem);
        if (node.end() && !node.options().isEmpty()) problem.accept("a score that ends the session cannot offer options");
    }

    @Override
    public boolean cacheable() {
        return false;
    }

    @Override
    public View view(Node node, State state, UnaryOperator<String> text) {
        List<String> qs = questions(node);
        String body = text.apply(node.text())
                .replace("{score}", Integer.toString(right(node, state).size()))
                .replace("{total}", Integer.toString(qs.size()));
        return new View(body, NodeKind.labels(node, text), true, node.end());
    }

    @Override
    public Transition entered(Node node, State state) {
        String code = state.vars().get(CODE);
        if (code == null || code.isBlank() || "1".equals(state.vars().get(TALLIED))) return null;
        List<String> right = right(node, state);
        Map<String, String> data = new LinkedHashMap<>();
        data.put("code", code);
        data.put("phase", state.vars().getOrDefault(PHASE, ""));
        data.put("quiz", node.flow());
        data.put("score", Integer.toString(right.size()));
        data.put("total", Integer.toString(questions(node).size()));
        data.put("right", String.join(",", right));
        return new Transition(state.withVars(Map.of(TALLIED, "1")),
                List.of(new Effect(TALLY, null, state.lang(), null, data)));
    }

    /** The local ids of the listed questions (q1, q2 ...), in order. */
    static List<String> questions(Node node) {
        String qs = node.param("questions");
        if (qs == null) return List.of();
        return Arrays.stream(qs.split(",")).map(String::strip).filter(q -> !q.isEmpty()).toList();
    }

    private static List<String> right(Node node, State state) {
        List<String> right = new ArrayList<>();
        for (String q : questions(node)) {
            if (QuizKind.RIGHT.equals(state.vars().get(QuizKind.ANSWER + node.flow() + "." + q))) right.add(q);
        }
        return right;
    }
}
