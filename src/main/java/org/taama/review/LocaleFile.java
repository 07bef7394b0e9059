package org.taama.review;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One locale file as lines, edited one entry at a time so that everything else — comments with
 * their sources, blank lines, the order of keys, how other entries are written — stays byte for
 * byte as the content officer left it. An entry is rewritten in the block form the locale files
 * use ({@code key:} then {@code text:}, {@code reviewed:}, {@code reviewer:}, {@code reviewed_on:},
 * {@code note:} indented); its other fields and its comments are kept.
 */
final class LocaleFile {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Pattern KEY_LINE = Pattern.compile("^(\"?)([A-Za-z0-9_.@-]+)\\1:(.*)$");
    /** Fields this editor writes itself; any other field of the entry (note...) is kept as written. */
    private static final List<String> OWN = List.of("text", "reviewed", "reviewer", "reviewed_on");

    private final List<String> lines;
    private final String newline;
    private final boolean finalNewline;

    LocaleFile(String content) {
        this.newline = content.contains("\r\n") ? "\r\n" : "\n";
        this.finalNewline = content.endsWith("\n");
        String body = finalNewline ? content.substring(0, content.length() - newline.length()) : content;
        this.lines = new ArrayList<>(List.of(body.split("\r?\n", -1)));
    }

    String content() {
        return String.join(newline, lines) + (finalNewline ? newline : "");
    }

    /** The lines [start, end) of an entry: its key line and the indented lines under it. */
    private record Span(int start, int end, String rest) {}

    private Span find(String key) {
        for (int i = 0; i < lines.size(); i++) {
            Matcher m = KEY_LINE.matcher(lines.get(i));
            if (!m.matches() || !m.group(2).equals(key)) continue;
            int end = i + 1;
            while (end < lines.size() && (lines.get(end).startsWith(" ") || lines.get(end).startsWith("\t")
                    || (lines.get(end).isBlank() && end + 1 < lines.size() && lines.get(end + 1).startsWith(" ")))) {
                end++;
            }
            return new Span(i, end, m.group(3));
        }
        return null;
    }

    /**
     * Rewrites one entry: its text, and whether it is reviewed, by whom and when (reviewer and date
     * null to leave them out). Throws when the entry is not written in a form this editor can change
     * without losing something (a trailing comment on a one-line entry, a multi-line block scalar).
     */
    void set(String key, String text, boolean reviewed, String reviewer, String date) {
        Span span = find(key);
        if (span == null) throw new IllegalArgumentException("'" + key + "' is not in this file");
        List<String> kept = new ArrayList<>();
        String rest = span.rest().strip();
        if (!rest.isEmpty()) {
            // One-line entry: a plain text, or { text: ..., reviewed: ..., note: ... }.
            if (rest.contains(" #")) throw new IllegalArgumentException("'" + key + "' has a comment on its line; move it above");
            JsonNode v = parse(key + ": " + rest).get(key);
            if (v != null && v.isObject()) {
                v.fields().forEachRemaining(f -> {
                    if (!OWN.contains(f.getKey())) kept.add("  " + f.getKey() + ": " + quote(f.getValue().asText()));
                });
            }
        } else {
            for (int i = span.start() + 1; i < span.end(); i++) {
                String l = lines.get(i);
                String field = l.strip();
                int colon = field.indexOf(':');
                String name = colon < 0 ? "" : field.substring(0, colon);
                if (OWN.contains(name)) {
                    String value = field.substring(colon + 1).strip();
                    if (value.startsWith("|") || value.startsWith(">")
                            || (i + 1 < span.end() && lines.get(i + 1).startsWith("    "))) {
                        throw new IllegalArgumentException("'" + key + "' has a " + name + " written over several lines;"
                                + " write it on one line (\\n for a line break) first");
                    }
                    continue;
                }
                kept.add(l);
            }
        }
        List<String> entry = new ArrayList<>();
        entry.add(lines.get(span.start()).substring(0, lines.get(span.start()).indexOf(':') + 1));
        entry.add("  text: " + quote(text));
        entry.add("  reviewed: " + reviewed);
        if (reviewer != null) entry.add("  reviewer: " + quote(reviewer));
        if (date != null) entry.add("  reviewed_on: \"" + date + "\"");
        entry.addAll(kept);
        for (int i = span.end() - 1; i >= span.start(); i--) lines.remove(i);
        lines.addAll(span.start(), entry);
    }

    private static JsonNode parse(String yaml) {
        try {
            return YAML.readTree(yaml);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("cannot be read: " + e.getMessage().split("\n")[0]);
        }
    }

    /** A YAML double-quoted scalar: backslash, quote and line breaks escaped. */
    static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\t' -> b.append("\\t");
                default -> b.append(c);
            }
        }
        return b.append('"').toString();
    }
}
