package org.taama.i18n;


import java.text.Normalizer;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The words a texter sends to steer the service rather than answer a menu: to start or see the menu,
 * to ask for help (the menu again, or after STOP what Taama is and how to restart), to stop all
 * messages, to start them again. Read from {@code keywords.*} in every language (a
 * caller may write STOP whatever language they chose), compared without case or accents.
 */
public final class Keywords {
    public enum Kind { MENU, HELP, STOP, START }

    public static final Map<Kind, String> KEYS = Map.of(Kind.MENU, "keywords.menu", Kind.HELP, "keywords.help",
            Kind.STOP, "keywords.stop", Kind.START, "keywords.start");

    private final Map<String, Kind> words = new HashMap<>();

    public Keywords(Locales locales) {
        for (String lang : Locales.LANGUAGES) {
            KEYS.forEach((kind, key) -> {
                String list = locales.text(lang, key);
                if (list == null) return;
                for (String w : list.split(",")) {
                    String n = normalize(w);
                    if (!n.isEmpty()) words.putIfAbsent(n, kind);
                }
            });
        }
    }

    /** The keyword a message is, or null when it is an ordinary answer. */
    public Kind of(String body) {
        if (body == null) return null;
        String n = normalize(body);
        return n.length() > 40 ? null : words.get(n);
    }

    /** Upper case, no accents, Bambara letters folded (ɛ→E, ɔ→O, ɲ→NY, ŋ→NG), inner spaces collapsed. */
    static String normalize(String s) {
        String t = s.strip().replace('ɛ', 'e').replace('Ɛ', 'E').replace('ɔ', 'o').replace('Ɔ', 'O')
                .replace("ɲ", "ny").replace("Ɲ", "NY").replace("ŋ", "ng").replace("Ŋ", "NG");
        t = Normalizer.normalize(t, Normalizer.Form.NFD).replaceAll("\\p{M}+", "");
        return t.replaceAll("[\\s.!]+", " ").strip().toUpperCase(Locale.ROOT);
    }
}
