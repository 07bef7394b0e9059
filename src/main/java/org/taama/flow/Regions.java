package org.taama.flow;

import org.taama.i18n.Locales;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The regions a subscriber can be filed under, read from the loaded flows so that no other list can
 * drift from what callers are offered: the {@code region} of every {@code do: subscribe} option, in menu
 * order, named by that option's label in each language; then {@link #NONE}, where those who subscribed
 * without choosing a region (a keyword by SMS or WhatsApp) are kept.
 */
public record Regions(List<Region> all) {
    /** The region of a subscriber who gave none (as {@code Subscribers.segment} files them). */
    public static final String NONE = "none";
    /** Console wording: no menu shows it, so no locale holds it. */
    static final String NONE_LABEL = "Sans région (inscrits par SMS ou WhatsApp)";

    /** One region: its id and its name per language (a name the locales lack is the id). */
    public record Region(String id, Map<String, String> label) {
        public Region {
            label = Map.copyOf(label);
        }
    }

    public Regions {
        all = List.copyOf(all);
    }

    public static Regions of(FlowSet flows, Locales locales) {
        Map<String, Region> found = new LinkedHashMap<>();
        for (Node n : flows.nodes().values()) {
            for (Option o : n.options()) {
                if (!"subscribe".equals(o.action()) || o.region() == null || found.containsKey(o.region())) continue;
                Map<String, String> label = new LinkedHashMap<>();
                for (String lang : Locales.LANGUAGES) {
                    String text = locales.text(lang, o.label());
                    label.put(lang, text == null ? o.region() : text);
                }
                found.put(o.region(), new Region(o.region(), label));
            }
        }
        List<Region> all = new ArrayList<>(found.values());
        if (!found.containsKey(NONE)) all.add(new Region(NONE, Map.of("fr", NONE_LABEL)));
        return new Regions(all);
    }

    public List<String> ids() {
        return all.stream().map(Region::id).toList();
    }

    public Set<String> idSet() {
        return Set.copyOf(ids());
    }
}
