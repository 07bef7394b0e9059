package org.taama.flow;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One screen of a flow, as written in {@code flows/*.yaml}. {@code id} is qualified ("rights.law");
 * option targets are qualified at load time. {@code params} holds what only some kinds need
 * (an input's validation and target, a result's texts).
 */
public record Node(String id, String file, NodeKind kind, String text, List<Option> options, boolean end,
                   Map<String, String> params) {
    /** The param naming the screen where a list too long for one screen goes on ("98 Suite"). */
    public static final String MORE = "more";
    /** Params naming another screen (qualified at load, followed by the lint): go, more, a quiz's next and unknown. */
    public static final List<String> TARGET_PARAMS = List.of("go", MORE, "next", "unknown");

    public Node {
        params = params == null ? Map.of() : Map.copyOf(params);
    }

    public Node(String id, String file, NodeKind kind, String text, List<Option> options, boolean end) {
        this(id, file, kind, text, options, end, Map.of());
    }

    public String flow() {
        return id.substring(0, id.indexOf('.'));
    }

    public String param(String name) {
        return params.get(name);
    }

    /** Every locale key this node shows or sends: its text, its option labels and SMS texts, and its kind's own. */
    public List<String> textKeys() {
        List<String> keys = new ArrayList<>();
        keys.add(text);
        options.forEach(o -> {
            keys.add(o.label());
            if (o.sms() != null) keys.add(o.sms());
        });
        keys.addAll(kind.extraTextKeys(this));
        return keys;
    }

    /** Nodes this node can lead to: its options' targets (and outcome screens) and its kind's own. */
    public List<String> targets() {
        List<String> t = new ArrayList<>();
        options.forEach(o -> {
            t.add(o.go());
            t.addAll(o.on().values());
        });
        for (String p : TARGET_PARAMS) {
            String target = params.get(p);
            if (target != null) t.add(target);
        }
        return t;
    }
}
