package org.taama.i18n;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Every text in every language, read from {@code locales/<lang>/*.yaml}. Immutable once loaded.
 * French is the fallback at run time for a key the lint has already reported missing.
 *
 * <p>A text may say something different on one channel: {@code subscribe.done@whatsapp} is shown
 * instead of {@code subscribe.done} to someone on WhatsApp (the same menus run on USSD, SMS and
 * WhatsApp, and only the words about the channel differ).
 */
public final class Locales {
    public static final String FALLBACK = "fr";
    public static final List<String> LANGUAGES = List.of("fr", "bm");
    public static final String USSD = "ussd";
    public static final String SMS = "sms";
    public static final String WHATSAPP = "whatsapp";
    /** The channels a text may have a variant for, as written after the {@code @}. */
    public static final List<String> CHANNELS = List.of(USSD, SMS, WHATSAPP);
    /** Separates a key from the channel of its variant: {@code subscribe.done@whatsapp}. */
    public static final char VARIANT = '@';

    private final Map<String, Map<String, Entry>> byLang;

    /**
     * One text, where it came from, and whether a native speaker signed it off. {@code bilingual}: the
     * text mixes the languages on purpose (the language menu), so the lint does not look for French
     * words in its Bambara.
     */
    public record Entry(String text, boolean reviewed, String file, boolean bilingual) {
        public Entry(String text, boolean reviewed, String file) {
            this(text, reviewed, file, false);
        }
    }

    public Locales(Map<String, Map<String, Entry>> byLang) {
        Map<String, Map<String, Entry>> copy = new LinkedHashMap<>();
        byLang.forEach((lang, entries) -> copy.put(lang, Collections.unmodifiableMap(new LinkedHashMap<>(entries))));
        this.byLang = Collections.unmodifiableMap(copy);
    }

    public static Locales load(Path dir, List<String> problems) {
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        Map<String, Map<String, Entry>> byLang = new LinkedHashMap<>();
        for (String lang : LANGUAGES) {
            Map<String, Entry> entries = new LinkedHashMap<>();
            byLang.put(lang, entries);
            Path langDir = dir.resolve(lang);
            if (!Files.isDirectory(langDir)) {
                problems.add(langDir + ": the folder for language '" + lang + "' is missing");
                continue;
            }
            for (Path file : yamlFiles(langDir, problems)) {
                String name = dir.relativize(file).toString();
                JsonNode root;
                try {
                    root = yaml.readTree(file.toFile());
                } catch (IOException e) {
                    problems.add(name + ": not valid YAML: " + firstLine(e.getMessage()));
                    continue;
                }
                if (root == null || root.isMissingNode() || root.isNull()) continue;
                if (!root.isObject()) {
                    problems.add(name + ": expected 'key: text' lines");
                    continue;
                }
                for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> f = it.next();
                    Entry entry = readEntry(lang, name, f.getKey(), f.getValue(), problems);
                    if (entry == null) continue;
                    Entry before = entries.put(f.getKey(), entry);
                    if (before != null) {
                        problems.add(name + ": key '" + f.getKey() + "' is also in " + before.file()
                                + " (" + lang + "); keep one");
                    }
                }
            }
        }
        return new Locales(byLang);
    }

    private static Entry readEntry(String lang, String file, String key, JsonNode value, List<String> problems) {
        if (value.isTextual()) {
            // French is the source language; an entry without a marker in another language is unreviewed.
            return new Entry(value.asText(), FALLBACK.equals(lang), file);
        }
        if (value.isObject() && value.hasNonNull("text") && value.get("text").isTextual()) {
            boolean reviewed = value.path("reviewed").asBoolean(FALLBACK.equals(lang));
            return new Entry(value.get("text").asText(), reviewed, file, value.path("bilingual").asBoolean(false));
        }
        problems.add(file + ": key '" + key + "' (" + lang + ") needs a text: write  " + key + ": \"...\"");
        return null;
    }

    private static List<Path> yamlFiles(Path dir, List<String> problems) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")).sorted().toList();
        } catch (IOException e) {
            problems.add(dir + ": cannot be read: " + e.getMessage());
            return List.of();
        }
    }

    static String firstLine(String s) {
        if (s == null) return "";
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    /** The text of a key in a language, French when that language lacks it, or null when no language has it. */
    public String text(String lang, String key) {
        Entry e = entry(lang, key);
        if (e == null && !FALLBACK.equals(lang)) e = entry(FALLBACK, key);
        return e == null ? null : e.text();
    }

    /**
     * The text of a key as a channel shows it: the channel's variant ({@code key@channel}) when the
     * language has one, else the key's own text; French when the language lacks both.
     */
    public String text(String lang, String key, String channel) {
        String variant = key + VARIANT + channel;
        Entry e = entry(lang, variant);
        if (e == null) e = entry(lang, key);
        if (e == null && !FALLBACK.equals(lang)) e = entry(FALLBACK, variant);
        if (e == null && !FALLBACK.equals(lang)) e = entry(FALLBACK, key);
        return e == null ? null : e.text();
    }

    /**
     * These texts with each {@code {name}} of {@code values} replaced by its value, in every language:
     * the settings a text quotes ("your language is kept {lang_days} days") are read from the
     * configuration when the server starts, so a changed setting changes the screen.
     */
    public Locales withValues(Map<String, String> values) {
        if (values.isEmpty()) return this;
        Map<String, Map<String, Entry>> filled = new LinkedHashMap<>();
        byLang.forEach((lang, entries) -> {
            Map<String, Entry> m = new LinkedHashMap<>();
            entries.forEach((key, e) -> m.put(key, new Entry(fill(e.text(), values), e.reviewed(), e.file(), e.bilingual())));
            filled.put(lang, m);
        });
        return new Locales(filled);
    }

    /** A text with each {@code {name}} of {@code values} replaced; other braces stay. */
    public static String fill(String text, Map<String, String> values) {
        String t = text;
        for (Map.Entry<String, String> v : values.entrySet()) t = t.replace("{" + v.getKey() + "}", v.getValue());
        return t;
    }

    /** The key a variant key belongs to ({@code a.b@sms} → {@code a.b}); the key itself otherwise. */
    public static String baseKey(String key) {
        int at = key.indexOf(VARIANT);
        return at < 0 ? key : key.substring(0, at);
    }

    /** The channel of a variant key ({@code a.b@sms} → {@code sms}), or null for a plain key. */
    public static String variantChannel(String key) {
        int at = key.indexOf(VARIANT);
        return at < 0 ? null : key.substring(at + 1);
    }

    public Entry entry(String lang, String key) {
        Map<String, Entry> m = byLang.get(lang);
        return m == null ? null : m.get(key);
    }

    public boolean has(String lang, String key) {
        return entry(lang, key) != null;
    }

    public Set<String> keys(String lang) {
        Map<String, Entry> m = byLang.get(lang);
        return m == null ? Set.of() : m.keySet();
    }

    public Set<String> allKeys() {
        Set<String> all = new TreeSet<>();
        byLang.values().forEach(m -> all.addAll(m.keySet()));
        return all;
    }

    public List<String> languages() {
        return new ArrayList<>(byLang.keySet());
    }

    public static boolean isLanguage(String lang) {
        return lang != null && LANGUAGES.contains(lang);
    }
}
