package org.taama.flow;

import java.util.List;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * The screen after a quiz answer, added by {@link QuizKind} (never written in a flow): "Bonne
 * réponse" or the right answer, then the question's one-line explanation, then "1 Suivant".
 */
final class QuizFeedbackKind implements NodeKind {
    static final QuizFeedbackKind INSTANCE = new QuizFeedbackKind();
    static final String QUESTION = "question";
    static final String CORRECT = "correct";
    static final String ANSWER_LABEL = "answer";
    static final String RIGHT_TEXT = "quiz.right";
    /** Says the answer was not right; {@code {answer}} is replaced by the right one ("2. ..."). */
    static final String WRONG_TEXT = "quiz.wrong";

    private QuizFeedbackKind() {}

    @Override
    public String name() {
        return "quiz_feedback";
    }

    @Override
    public void check(Node node, Consumer<String> problem) {
        // Built by QuizKind from a checked question.
    }

    @Override
    public boolean cacheable() {
        return false;
    }

    @Override
    public View view(Node node, State state, UnaryOperator<String> text) {
        boolean right = QuizKind.RIGHT.equals(state.vars().get(QuizKind.ANSWER + node.param(QUESTION)));
        String label = node.param(ANSWER_LABEL);
        String verdict = right ? text.apply(RIGHT_TEXT)
                : text.apply(WRONG_TEXT).replace("{answer}", node.param(CORRECT) + ". " + (label == null ? "" : text.apply(label)));
        // One screen, never "98 Suite": the explanation is one line, and the lint says when it is not.
        return new View(verdict + "\n" + text.apply(node.text()), NodeKind.labels(node, text), false, false);
    }

    @Override
    public List<String> extraTextKeys(Node node) {
        return List.of(RIGHT_TEXT, WRONG_TEXT);
    }
}
