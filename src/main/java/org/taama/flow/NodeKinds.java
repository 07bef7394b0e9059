package org.taama.flow;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** The registry of node kinds: a new kind is one class plus one line here. */
public final class NodeKinds {
    private static final Map<String, NodeKind> KINDS = new LinkedHashMap<>();

    static {
        register(new MenuKind());
        register(new MessageKind());
        register(new LanguageKind());
        register(new InputKind());
        register(new ResultKind());
        register(new ResumeKind());
        register(new ReadbackKind());
        register(new QuizKind());
        register(new QuizCodeKind());
        register(new QuizScoreKind());
    }

    private NodeKinds() {}

    private static void register(NodeKind kind) {
        KINDS.put(kind.name(), kind);
    }

    public static NodeKind get(String name) {
        return KINDS.get(name);
    }

    public static Set<String> names() {
        return KINDS.keySet();
    }
}
