package org.taama.flow;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Where a caller is: language, node, page of a long text, the screens to go back to ("node#page",
 * most recent last), and the answers they gave in this session ({@code vars}: self-check answers,
 * call-back preferences — gone when the session expires). Immutable.
 */
public record State(String lang, String node, int page, List<String> back, Map<String, String> vars) {
    /** Enough to undo a whole walk through the menus; older screens are forgotten. */
    public static final int MAX_BACK = 16;

    public State {
        back = List.copyOf(back);
        vars = vars == null ? Map.of() : Map.copyOf(vars);
    }

    public State(String lang, String node, int page, List<String> back) {
        this(lang, node, page, back, Map.of());
    }

    public State at(String node, int page) {
        return new State(lang, node, page, back, vars);
    }

    public State withLang(String newLang) {
        return new State(newLang, node, page, back, vars);
    }

    public State withVars(Map<String, String> more) {
        if (more.isEmpty()) return this;
        Map<String, String> v = new HashMap<>(vars);
        v.putAll(more);
        return new State(lang, node, page, back, v);
    }

    /** Moves to another node, remembering this screen for "0 back". */
    public State forward(String target) {
        List<String> b = new ArrayList<>(back);
        b.add(node + "#" + page);
        while (b.size() > MAX_BACK) b.remove(0);
        return new State(lang, target, 0, b, vars);
    }

    /** The previous screen, or null when there is none. */
    public State previous() {
        if (back.isEmpty()) return null;
        String last = back.get(back.size() - 1);
        int hash = last.lastIndexOf('#');
        int p = hash < 0 ? 0 : parsePage(last.substring(hash + 1));
        String n = hash < 0 ? last : last.substring(0, hash);
        return new State(lang, n, p, back.subList(0, back.size() - 1), vars);
    }

    private static int parsePage(String s) {
        try {
            return Math.max(0, Integer.parseInt(s));
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
