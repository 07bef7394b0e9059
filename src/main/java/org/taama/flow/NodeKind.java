package org.taama.flow;

import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * One kind of node (menu, message, language…). Kinds are registered in {@link NodeKinds}; the engine
 * handles numbering, paging and navigation the same way for every kind.
 */
public interface NodeKind {
    String name();

    /** Reports what is wrong with a node of this kind, in words a content officer understands. */
    void check(Node node, Consumer<String> problem);

    /** What the node shows; {@code text} turns a locale key into the caller's text. */
    View view(Node node, State state, UnaryOperator<String> text);

    /**
     * True when what the node shows depends only on the node, the language and the page, so the
     * engine may keep its rendered screens. A kind that shows data from the state says false.
     */
    default boolean cacheable() {
        return true;
    }

    /** The state after the caller picked option {@code index} (0-based): by default, its {@code go}. */
    default State choose(Node node, State state, int index) {
        return state.forward(node.options().get(index).go());
    }

    /** The option labels in the caller's words. */
    static java.util.List<String> labels(Node node, UnaryOperator<String> text) {
        return node.options().stream().map(o -> text.apply(o.label())).toList();
    }

    /** A title and its choices on one screen (menus, language and resume offers). */
    static View oneScreen(Node node, UnaryOperator<String> text) {
        return new View(text.apply(node.text()), labels(node, text), false, false);
    }

    /** Options that set a language belong to a language node. */
    static void noLanguageOptions(Node node, Consumer<String> problem) {
        node.options().stream().filter(o -> o.lang() != null)
                .forEach(o -> problem.accept("option '" + o.label() + "' sets a language: use kind: language"));
    }

    /**
     * What typed text (not a numbered choice) does on this node: the next state and effects, or null
     * when the kind takes no free text or the text is not acceptable (the engine then re-prompts).
     */
    default Transition text(Node node, State state, String input) {
        return null;
    }

    /** Locale keys this kind shows beyond the node's text and option labels. */
    default java.util.List<String> extraTextKeys(Node node) {
        return java.util.List.of();
    }

    /**
     * The nodes a node of this kind stands for once loaded: by default itself. A kind may rewrite the
     * node and add screens of its own (a quiz question adds the screen explaining its answer).
     */
    default java.util.List<Node> expand(Node node) {
        return java.util.List.of(node);
    }

    /**
     * What arriving on a node of this kind by a choice or typed text does: a changed state and effects
     * (a quiz's score screen counts the score once), or null for nothing.
     */
    default Transition entered(Node node, State state) {
        return null;
    }

    /** The result of typed text: where the caller goes and what the channel must do. */
    record Transition(State next, java.util.List<Effect> effects) {}
}
