package org.taama.flow;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * One question of a training quiz: the question, its answers (numbered), which one is right
 * ({@code correct:}, its number), a one-line {@code explain:} text and the {@code next:} screen.
 * Whatever the caller answers, the next screen says whether it was right, gives the right answer
 * and the explanation, then "1 Suivant" leads on: that screen is added by this kind, as the node
 * {@code <id>_why}, so content officers write one node per question.
 *
 * <p>The answer is kept as a session answer ({@code quiz:<flow.node>} = right or wrong; sealed like
 * every answer) for the score at the end ({@link QuizScoreKind}); no caller's answers are ever stored.
 */
final class QuizKind implements NodeKind {
    /** Prefix of the session answer holding whether a question was answered right. */
    static final String ANSWER = "quiz:";
    static final String RIGHT = "right";
    static final String WRONG = "wrong";
    /** Suffix of the added screen explaining a question's answer. */
    static final String WHY = "_why";
    /** The label of the way on from an explanation, in every quiz. */
    static final String NEXT_LABEL = "quiz.next";

    @Override
    public String name() {
        return "quiz";
    }

    @Override
    public void check(Node node, Consumer<String> problem) {
        if (node.options().size() < 2) problem.accept("a quiz question needs at least two answers (options)");
        int correct = correct(node);
        if (correct < 1 || correct > node.options().size()) {
            problem.accept("correct: must be the number of the right answer, 1 to " + node.options().size());
        }
        if (node.param("explain") == null) problem.accept("a quiz question needs explain: (the one line shown after the answer)");
        if (node.param("next") == null) problem.accept("a quiz question needs next: (the next question, or the score screen)");
        if (node.end()) problem.accept("a quiz question cannot end the session");
        for (Option o : node.options()) {
            if (o.action() != null || o.tally() != null || !o.set().isEmpty() || o.lang() != null) {
                problem.accept("answer '" + o.label() + "': a quiz answer only has a label (the quiz counts the score itself)");
            }
        }
    }

    @Override
    public View view(Node node, State state, UnaryOperator<String> text) {
        return NodeKind.oneScreen(node, text);
    }

    @Override
    public List<Node> expand(Node node) {
        String why = node.id() + WHY;
        int correct = correct(node);
        List<Option> answers = new ArrayList<>();
        for (int i = 0; i < node.options().size(); i++) {
            Option o = node.options().get(i);
            answers.add(new Option(o.label(), why, null, null, null,
                    Map.of(ANSWER + node.id(), i + 1 == correct ? RIGHT : WRONG), null));
        }
        Node question = new Node(node.id(), node.file(), this, node.text(), List.copyOf(answers), false, node.params());
        String rightLabel = correct >= 1 && correct <= node.options().size() ? node.options().get(correct - 1).label() : null;
        Map<String, String> params = new java.util.HashMap<>();
        params.put(QuizFeedbackKind.QUESTION, node.id());
        params.put(QuizFeedbackKind.CORRECT, Integer.toString(correct));
        if (rightLabel != null) params.put(QuizFeedbackKind.ANSWER_LABEL, rightLabel);
        String next = node.param("next");
        String explain = node.param("explain");
        Node feedback = new Node(why, node.file(), QuizFeedbackKind.INSTANCE, explain == null ? "" : explain,
                next == null ? List.of() : List.of(new Option(NEXT_LABEL, next, null)), false, params);
        return List.of(question, feedback);
    }

    static int correct(Node node) {
        try {
            return Integer.parseInt(String.valueOf(node.param("correct")).strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
