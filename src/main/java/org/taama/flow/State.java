package org.taama.flow;

import java.util.ArrayList;
import java.util.List;

/**
 * Where a caller is: language, node, page of a long text, and the screens to go back to
 * ("node#page", most recent last). Immutable; the engine returns a new one for each input.
 */
public record State(String lang, String node, int page, List<String> back) {
    /** Enough to undo a whole walk through the menus; older screens are forgotten. */
    public static final int MAX_BACK = 16;

    public State {
        back = List.copyOf(back);
    }

    public State at(String node, int page) {
        return new State(lang, node, page, back);
    }

    public State withLang(String newLang) {
        return new State(newLang, node, page, back);
    }

    /** Moves to another node, remembering this screen for "0 back". */
    public State forward(String target) {
        List<String> b = new ArrayList<>(back);
        b.add(node + "#" + page);
        while (b.size() > MAX_BACK) b.remove(0);
        return new State(lang, target, 0, b);
    }

    /** The previous screen, or null when there is none. */
    public State previous() {
        if (back.isEmpty()) return null;
        String last = back.get(back.size() - 1);
        int hash = last.lastIndexOf('#');
        int p = hash < 0 ? 0 : parsePage(last.substring(hash + 1));
        String n = hash < 0 ? last : last.substring(0, hash);
        return new State(lang, n, p, back.subList(0, back.size() - 1));
    }

    private static int parsePage(String s) {
        try {
            return Math.max(0, Integer.parseInt(s));
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
