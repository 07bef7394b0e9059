package org.taama.flow;

import java.util.List;

/**
 * One screen of a flow, as written in {@code flows/*.yaml}. {@code id} is qualified ("rights.law");
 * option targets are qualified at load time.
 */
public record Node(String id, String file, NodeKind kind, String text, List<Option> options, boolean end) {
    public String flow() {
        return id.substring(0, id.indexOf('.'));
    }
}
