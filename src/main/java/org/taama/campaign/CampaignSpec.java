package org.taama.campaign;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.taama.config.QuietHours;
import org.taama.web.BadRequest;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a campaign's author wrote, checked: every refusal is a 400 naming the field. Nothing here is
 * trusted further than these checks: names, texts and variables are bounded, without control
 * characters (a new line in a text is allowed), and unknown fields are refused rather than kept.
 */
public record CampaignSpec(String name, String channel, String textFr, String textBm, List<String> regions,
                           List<String> languages, LocalDateTime sendAt, Map<String, String> templates,
                           Map<String, Map<String, String>> variables, Integer maxSegments) {
    public static final int NAME_MAX = 100;
    /** Ten SMS of GSM-7, 24 of UCS-2: more is no awareness message. */
    public static final int TEXT_MAX = 1600;
    public static final int VARIABLES_MAX = 10;
    public static final int VARIABLE_MAX = 200;
    public static final int MAX_SEGMENTS_LIMIT = 100_000_000;
    public static final Set<String> CHANNELS = Set.of("sms", "whatsapp");
    public static final List<String> LANGS = List.of("fr", "bm");
    private static final Set<String> FIELDS = Set.of("name", "channel", "texts", "audience", "send_at", "template_sid",
            "variables", "max_segments");
    /** A Twilio Content template: "HX" and 32 hex digits. */
    private static final Pattern TEMPLATE = Pattern.compile("HX[0-9a-f]{32}");
    private static final Pattern VARIABLE = Pattern.compile("[1-9][0-9]?");

    /**
     * Checks a request body; {@code now} refuses a send_at in the past, and {@code regions} is every
     * region a subscriber can be filed under (a region outside it would silently reach nobody).
     */
    public static CampaignSpec parse(JsonObject b, Instant now, Set<String> regions) {
        return parse(b, now, regions, false);
    }

    /**
     * A body being written, for its preview: checked as {@link #parse} does, except that the name and
     * the texts may still be empty (the author has not written them yet).
     */
    public static CampaignSpec parseDraft(JsonObject b, Instant now, Set<String> regions) {
        return parse(b, now, regions, true);
    }

    private static CampaignSpec parse(JsonObject b, Instant now, Set<String> known, boolean draft) {
        for (String f : b.fieldNames()) {
            if (!FIELDS.contains(f)) throw new BadRequest("unknown field " + shown(f));
        }
        String name = draft && (b.getValue("name") == null || "".equals(b.getValue("name"))) ? ""
                : text(b.getValue("name"), "name", NAME_MAX, false);
        Object ch = b.getValue("channel");
        if (!(ch instanceof String c) || !CHANNELS.contains(c)) throw new BadRequest("channel must be sms or whatsapp");
        Object t = b.getValue("texts");
        if (!(t instanceof JsonObject texts)) throw new BadRequest("texts must be an object {fr, bm}: both texts are required");
        for (String f : texts.fieldNames()) {
            if (!LANGS.contains(f)) throw new BadRequest("texts holds fr and bm only, not " + shown(f));
        }
        String fr = draft && blank(texts.getValue("fr")) ? "" : text(texts.getValue("fr"), "texts.fr", TEXT_MAX, true);
        String bm = draft && blank(texts.getValue("bm")) ? "" : text(texts.getValue("bm"), "texts.bm", TEXT_MAX, true);
        Object a = b.getValue("audience");
        if (!(a instanceof JsonObject audience)) throw new BadRequest("audience must be an object {regions, languages}");
        for (String f : audience.fieldNames()) {
            if (!Set.of("regions", "languages").contains(f)) throw new BadRequest("audience holds regions and languages only, not " + shown(f));
        }
        List<String> regions = list(audience.getValue("regions"), "audience.regions", known.size(), true);
        for (String r : regions) {
            if (!known.contains(r)) {
                throw new BadRequest("audience.regions: " + shown(r) + " is not a region subscribers choose (GET /api/regions lists them)");
            }
        }
        List<String> languages = list(audience.getValue("languages"), "audience.languages", LANGS.size(), false);
        for (String l : languages) {
            if (!LANGS.contains(l)) throw new BadRequest("audience.languages holds fr and bm only, not " + shown(l));
        }
        LocalDateTime sendAt = sendAt(b.getValue("send_at"), now);
        Integer max = null;
        Object m = b.getValue("max_segments");
        if (m != null) {
            if (!(m instanceof Integer || m instanceof Long) || ((Number) m).longValue() < 1 || ((Number) m).longValue() > MAX_SEGMENTS_LIMIT) {
                throw new BadRequest("max_segments must be a whole number from 1 to " + MAX_SEGMENTS_LIMIT);
            }
            max = ((Number) m).intValue();
        }
        Map<String, String> templates = Map.of();
        Map<String, Map<String, String>> variables = Map.of();
        if (c.equals("whatsapp")) {
            templates = templates(b.getValue("template_sid"), languages);
            variables = variables(b.getValue("variables"), languages);
        } else if (b.getValue("template_sid") != null || b.getValue("variables") != null) {
            throw new BadRequest("template_sid and variables are for WhatsApp campaigns only");
        }
        return new CampaignSpec(name, c, fr, bm, regions, languages, sendAt, templates, variables, max);
    }

    /**
     * A WhatsApp template is approved per language, so {@code template_sid} is one Content SID for
     * both languages or {@code {"fr": "HX…", "bm": "HX…"}} naming one for every language of the audience.
     */
    private static Map<String, String> templates(Object v, List<String> languages) {
        String why = "a WhatsApp campaign needs template_sid, an approved template (HX and 32 hex digits), or one per "
                + "language {\"fr\": \"HX…\", \"bm\": \"HX…\"}: most recipients are outside the 24-hour window, where "
                + "WhatsApp takes templates only";
        if (v instanceof String s) {
            if (!TEMPLATE.matcher(s).matches()) throw new BadRequest(why);
            return Map.of("fr", s, "bm", s);
        }
        if (!(v instanceof JsonObject o)) throw new BadRequest(why);
        Map<String, String> out = new LinkedHashMap<>();
        for (String lang : o.fieldNames()) {
            if (!LANGS.contains(lang)) throw new BadRequest("template_sid holds fr and bm only, not " + shown(lang));
            if (!(o.getValue(lang) instanceof String s) || !TEMPLATE.matcher(s).matches()) {
                throw new BadRequest("template_sid." + lang + " must be an approved template, HX and 32 hex digits");
            }
            out.put(lang, s);
        }
        for (String lang : languages) {
            if (!out.containsKey(lang)) throw new BadRequest("template_sid has no template for " + lang + ", a language of the audience");
        }
        return Map.copyOf(out);
    }

    /**
     * The template's placeholders: {@code {"1": "…"}} for both languages, or {@code {"fr": {"1": "…"},
     * "bm": {"1": "…"}}} when they differ (a Bambara template takes Bambara words); every language of
     * the audience then has its own.
     */
    private static Map<String, Map<String, String>> variables(Object v, List<String> languages) {
        if (!(v instanceof JsonObject vars)) {
            throw new BadRequest("a WhatsApp campaign needs variables, an object such as {\"1\": \"...\"} "
                    + "or one per language {\"fr\": {\"1\": \"...\"}, \"bm\": {\"1\": \"...\"}}");
        }
        boolean perLanguage = vars.fieldNames().stream().anyMatch(LANGS::contains);
        if (!perLanguage) {
            Map<String, String> both = numbered(vars, "variables");
            return Map.of("fr", both, "bm", both);
        }
        Map<String, Map<String, String>> out = new LinkedHashMap<>();
        for (String lang : vars.fieldNames()) {
            if (!LANGS.contains(lang)) {
                throw new BadRequest("variables is either numbered {\"1\": ...} or per language {\"fr\": {...}, \"bm\": {...}}, not both ("
                        + shown(lang) + ")");
            }
            if (!(vars.getValue(lang) instanceof JsonObject one)) throw new BadRequest("variables." + lang + " must be an object such as {\"1\": \"...\"}");
            out.put(lang, numbered(one, "variables." + lang));
        }
        for (String lang : languages) {
            if (!out.containsKey(lang)) throw new BadRequest("variables has none for " + lang + ", a language of the audience");
        }
        return Map.copyOf(out);
    }

    private static Map<String, String> numbered(JsonObject vars, String field) {
        if (vars.size() > VARIABLES_MAX) throw new BadRequest(field + " holds at most " + VARIABLES_MAX + " entries");
        Map<String, String> out = new LinkedHashMap<>();
        for (String k : vars.fieldNames()) {
            if (!VARIABLE.matcher(k).matches()) throw new BadRequest(field + " are numbered 1 to 99, not " + shown(k));
            out.put(k, text(vars.getValue(k), field + "." + k, VARIABLE_MAX, false));
        }
        return Map.copyOf(new java.util.TreeMap<>(out));
    }

    /** The Content SID a recipient in {@code lang} gets (null for SMS). */
    public String template(String lang) {
        return templates.containsKey(lang) ? templates.get(lang) : templates.values().stream().findFirst().orElse(null);
    }

    /** The template's placeholders for a recipient in {@code lang} (empty for SMS). */
    public Map<String, String> variables(String lang) {
        Map<String, String> v = variables.containsKey(lang) ? variables.get(lang) : variables.values().stream().findFirst().orElse(null);
        return v == null ? Map.of() : v;
    }

    public String text(String lang) {
        return lang.equals("fr") ? textFr : textBm;
    }

    public JsonObject toJson() {
        JsonObject o = new JsonObject().put("name", name).put("channel", channel)
                .put("texts", new JsonObject().put("fr", textFr).put("bm", textBm))
                .put("audience", new JsonObject().put("regions", new JsonArray(regions)).put("languages", new JsonArray(languages)));
        if (sendAt != null) o.put("send_at", sendAt.toString());
        if (!templates.isEmpty()) o.put("template_sid", sameForBoth(templates) ? templates.get("fr") : perLanguage(templates))
                .put("variables", sameForBoth(variables) ? new JsonObject(new LinkedHashMap<>(variables.get("fr"))) : perLanguage(variables));
        if (maxSegments != null) o.put("max_segments", maxSegments);
        return o;
    }

    /** As stored (it was checked when written, so a send_at that has since passed is kept). */
    public static CampaignSpec fromJson(JsonObject o) {
        JsonObject texts = o.getJsonObject("texts");
        JsonObject audience = o.getJsonObject("audience");
        // Written by parse: a string or one per language; numbered variables or one set per language.
        Map<String, String> templates = new LinkedHashMap<>();
        Object t = o.getValue("template_sid");
        if (t instanceof String s) templates.putAll(Map.of("fr", s, "bm", s));
        else if (t instanceof JsonObject per) per.forEach(e -> templates.put(e.getKey(), (String) e.getValue()));
        Map<String, Map<String, String>> vars = new LinkedHashMap<>();
        JsonObject v = o.getJsonObject("variables");
        if (v != null && v.fieldNames().stream().anyMatch(LANGS::contains)) {
            v.forEach(e -> vars.put(e.getKey(), flat((JsonObject) e.getValue())));
        } else if (v != null) {
            vars.put("fr", flat(v));
            vars.put("bm", flat(v));
        }
        return new CampaignSpec(o.getString("name"), o.getString("channel"), texts.getString("fr"), texts.getString("bm"),
                strings(audience.getJsonArray("regions")), strings(audience.getJsonArray("languages")),
                o.getString("send_at") == null ? null : LocalDateTime.parse(o.getString("send_at")),
                Map.copyOf(templates), Map.copyOf(vars), o.getInteger("max_segments"));
    }

    private static Map<String, String> flat(JsonObject o) {
        Map<String, String> out = new java.util.TreeMap<>();
        o.forEach(e -> out.put(e.getKey(), (String) e.getValue()));
        return Map.copyOf(out);
    }

    private static boolean sameForBoth(Map<String, ?> perLang) {
        return perLang.size() == 2 && java.util.Objects.equals(perLang.get("fr"), perLang.get("bm"));
    }

    private static JsonObject perLanguage(Map<String, ?> perLang) {
        JsonObject o = new JsonObject();
        for (String lang : LANGS) {
            Object v = perLang.get(lang);
            if (v instanceof Map<?, ?> m) o.put(lang, new JsonObject(new LinkedHashMap<>(new java.util.TreeMap<>((Map<String, Object>) m))));
            else if (v != null) o.put(lang, v);
        }
        return o;
    }

    private static List<String> strings(JsonArray a) {
        List<String> out = new ArrayList<>();
        for (Object x : a) out.add((String) x);
        return List.copyOf(out);
    }

    private static boolean blank(Object v) {
        return v == null || (v instanceof String s && s.isBlank());
    }

    private static String text(Object v, String field, int max, boolean newlines) {
        if (v == null) throw new BadRequest(field + " is required");
        if (!(v instanceof String s)) throw new BadRequest(field + " must be a string");
        if (s.isBlank()) throw new BadRequest(field + " must not be empty");
        if (s.codePointCount(0, s.length()) > max) throw new BadRequest(field + " is longer than " + max + " characters");
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch == '\n' && newlines) continue;
            // Controls and line or direction overrides hide or reorder what a reviewer reads.
            if (Character.isISOControl(ch) || ch == '\u2028' || ch == '\u2029' || (ch >= '\u202A' && ch <= '\u202E')
                    || (ch >= '\u2066' && ch <= '\u2069')) {
                throw new BadRequest(field + " holds a control character");
            }
            if (Character.isHighSurrogate(ch) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(ch)) {
                throw new BadRequest(field + " is not valid text");
            }
        }
        return s;
    }

    private static List<String> list(Object v, String field, int max, boolean mayBeEmpty) {
        if (v == null) throw new BadRequest(field + " is required (an array of strings" + (mayBeEmpty ? "; empty for all" : "") + ")");
        if (!(v instanceof JsonArray a)) throw new BadRequest(field + " must be an array of strings");
        if (a.size() > max) throw new BadRequest(field + " holds at most " + max + " entries");
        if (a.isEmpty() && !mayBeEmpty) throw new BadRequest(field + " must name at least one");
        List<String> out = new ArrayList<>();
        for (Object x : a) {
            if (!(x instanceof String s)) throw new BadRequest(field + " must be an array of strings");
            if (!out.contains(s)) out.add(s);
        }
        return List.copyOf(out);
    }

    private static LocalDateTime sendAt(Object v, Instant now) {
        if (v == null) return null;
        if (!(v instanceof String s) || s.length() > 32) throw new BadRequest("send_at must be a date and time in Mali such as 2026-03-01T09:00");
        LocalDateTime at;
        try {
            at = LocalDateTime.parse(s);
        } catch (DateTimeParseException e) {
            throw new BadRequest("send_at must be a date and time in Mali such as 2026-03-01T09:00 (no zone: Africa/Bamako)");
        }
        LocalDateTime local = LocalDateTime.ofInstant(now, QuietHours.ZONE);
        if (at.isBefore(local)) throw new BadRequest("send_at is in the past (it is " + local.withNano(0) + " in Bamako)");
        if (at.isAfter(local.plusYears(1))) throw new BadRequest("send_at is more than a year ahead");
        return at;
    }

    /** A field name shown back: bounded and printable, so a refusal never echoes a payload. */
    private static String shown(String s) {
        String t = s.length() > 40 ? s.substring(0, 40) + "…" : s;
        return "'" + t.replaceAll("\\p{Cntrl}", "?") + "'";
    }
}
