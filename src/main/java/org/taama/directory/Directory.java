package org.taama.directory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.taama.lint.Problem;

import java.io.IOException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The service directory ("get help near you"), read from {@code flows/directory/services.yaml}.
 * Only entries a source names belong here; a field nobody sourced stays empty. Every entry that
 * cannot be used is reported as a {@link Problem} naming the file and the entry's id, and left out.
 */
public final class Directory {
    /** Where the directory lives, relative to the flows folder. */
    public static final String FILE = "directory/services.yaml";

    /**
     * Region ids, in the order callers see them: the Bamako District, the ten older regions, then the
     * nine Loi 2023-006 created (CONTENT.md §5: 19 regions plus the District).
     */
    public static final List<String> REGIONS = List.of("bamako", "kayes", "koulikoro", "sikasso", "segou", "mopti",
            "tombouctou", "gao", "kidal", "taoudenit", "menaka", "nioro", "kita", "nara", "dioila", "bougouni",
            "koutiala", "san", "bandiagara", "douentza");

    /** Category → its sub-categories, in the order callers see them. */
    public static final Map<String, List<String>> CATEGORIES;

    static {
        Map<String, List<String>> c = new LinkedHashMap<>();
        c.put("economic", List.of("job_placement", "vocational_training", "business_startup", "financial_services"));
        c.put("social", List.of("health", "housing", "civil_documents", "social_protection", "legal_aid", "education",
                "childcare", "child_protection"));
        c.put("psychosocial", List.of("psychosocial_support", "psychological_care", "psychiatric_care"));
        CATEGORIES = Collections.unmodifiableMap(c);
    }

    public static final List<String> COSTS = List.of("free", "cost_shared");

    private static final Set<String> FIELDS = Set.of("id", "name", "region", "town", "category", "subcategory", "offers",
            "phone", "hours", "cost", "who", "source", "verified");
    private static final Pattern ID = Pattern.compile("[a-z][a-z0-9_]*");
    private static final Pattern SOURCE = Pattern.compile("[A-Z][A-Z0-9]*(-[A-Z0-9]+)*");
    private static final Pattern PHONE = Pattern.compile("\\+?[0-9][0-9 ]*[0-9]");

    /** A text the same in both languages, or given per language (Bambara falls back to French). */
    public record Text(String fr, String bm) {
        public static final Text EMPTY = new Text("", "");

        public Text {
            fr = fr == null ? "" : fr.strip();
            bm = bm == null || bm.isBlank() ? fr : bm.strip();
        }

        public String in(String lang) {
            return "bm".equals(lang) ? bm : fr;
        }

        public boolean isEmpty() {
            return fr.isEmpty();
        }
    }

    /** One service point, as sourced. Empty strings mean "no source gives it". */
    public record Service(String id, Text name, String region, Text town, List<String> categories,
                          List<String> subcategories, Text offers, String phone, Text hours, String cost, Text who,
                          List<String> sources, String verified) {
        public Service {
            categories = List.copyOf(categories);
            subcategories = List.copyOf(subcategories);
            sources = List.copyOf(sources);
            phone = phone == null ? "" : phone.strip();
            cost = cost == null ? "" : cost.strip();
            verified = verified == null ? "" : verified.strip();
        }
    }

    private final List<Service> services;

    public Directory(List<Service> services) {
        this.services = List.copyOf(services);
    }

    public List<Service> services() {
        return services;
    }

    /** The services of a region that appear under a category, in file order. */
    public List<Service> in(String region, String category) {
        return services.stream().filter(s -> s.region().equals(region) && s.categories().contains(category)).toList();
    }

    public boolean hasRegion(String region) {
        return services.stream().anyMatch(s -> s.region().equals(region));
    }

    /**
     * Reads the directory file.
     *
     * @param file        the file on disk
     * @param displayName how problems name the file (e.g. "flows/directory/services.yaml")
     */
    public static Directory load(Path file, String displayName, List<Problem> problems) {
        JsonNode root;
        try {
            root = new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
        } catch (IOException e) {
            String msg = e.getMessage() == null ? e.toString() : e.getMessage().split("\n")[0];
            problems.add(Problem.error(displayName, null, null, "not valid YAML: " + msg));
            return new Directory(List.of());
        }
        return read(root, displayName, problems);
    }

    /** Reads an already parsed directory; entries with an error are reported and left out. */
    public static Directory read(JsonNode root, String file, List<Problem> problems) {
        List<Service> services = new ArrayList<>();
        if (root == null || !root.isObject() || !root.path("services").isArray()) {
            problems.add(Problem.error(file, null, null, "the directory needs a list 'services:' (see the comment at the top)"));
            return new Directory(services);
        }
        Set<String> ids = new HashSet<>();
        int position = 0;
        for (JsonNode n : root.path("services")) {
            position++;
            Service s = readService(file, position, n, ids, problems);
            if (s != null) services.add(s);
        }
        return new Directory(services);
    }

    private static Service readService(String file, int position, JsonNode n, Set<String> ids, List<Problem> problems) {
        if (!n.isObject()) {
            problems.add(Problem.error(file, null, null, "service number " + position + " is not a block of 'field: value' lines"));
            return null;
        }
        String id = n.path("id").asText("").strip();
        if (id.isEmpty()) {
            problems.add(Problem.error(file, null, null, "service number " + position + " has no id:"));
            return null;
        }
        List<String> errors = new ArrayList<>();
        if (!ID.matcher(id).matches()) errors.add("id: '" + id + "' must use lower-case letters, digits and _ only");
        if (!ids.add(id)) errors.add("id: '" + id + "' is used by another service before it; give each service its own id");
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!FIELDS.contains(f)) {
                problems.add(Problem.warning(file, id, null, "field '" + f + "' is unknown and ignored; fields are " + FIELDS));
            }
        }

        Text name = text(n.path("name"), "name", errors);
        if (name.isEmpty()) errors.add("name: is missing");

        String region = n.path("region").asText("").strip();
        if (region.isEmpty()) errors.add("region: is missing; use one of " + REGIONS);
        else if (!REGIONS.contains(region)) errors.add("region: '" + region + "' is unknown; use one of " + REGIONS);

        List<String> categories = list(n.path("category"));
        if (categories.isEmpty()) errors.add("category: is missing; use one or more of " + CATEGORIES.keySet());
        for (String c : categories) {
            if (!CATEGORIES.containsKey(c)) errors.add("category: '" + c + "' is unknown; use one of " + CATEGORIES.keySet());
        }
        List<String> subcategories = list(n.path("subcategory"));
        for (String sub : subcategories) {
            String owner = CATEGORIES.entrySet().stream().filter(e -> e.getValue().contains(sub))
                    .map(Map.Entry::getKey).findFirst().orElse(null);
            if (owner == null) {
                errors.add("subcategory: '" + sub + "' is unknown; use one of " + CATEGORIES);
            } else if (!categories.contains(owner)) {
                errors.add("subcategory: '" + sub + "' belongs to category '" + owner + "', which category: does not list");
            }
        }

        String phone = n.path("phone").asText("").strip();
        if (!phone.isEmpty() && !PHONE.matcher(phone).matches()) {
            errors.add("phone: '" + phone + "' must be digits and spaces only, as the source prints it");
        }
        String cost = n.path("cost").asText("").strip();
        if (!cost.isEmpty() && !COSTS.contains(cost)) errors.add("cost: '" + cost + "' is unknown; use one of " + COSTS + " or \"\"");

        List<String> sources = list(n.path("source")).stream().map(s -> s.replaceAll("^\\[|]$", "")).toList();
        if (sources.isEmpty()) errors.add("source: is missing; give the CONTENT.md source key, e.g. AJDM");
        for (String s : sources) {
            if (!SOURCE.matcher(s).matches()) errors.add("source: '" + s + "' is not a source key like AJDM or IOM-GAO");
        }
        String verified = n.path("verified").asText("").strip();
        if (!verified.isEmpty()) {
            try {
                LocalDate.parse(verified);
            } catch (DateTimeParseException e) {
                errors.add("verified: '" + verified + "' must be a date like 2025-06-30, or \"\"");
            }
        }
        Text town = text(n.path("town"), "town", errors);
        Text offers = text(n.path("offers"), "offers", errors);
        Text hours = text(n.path("hours"), "hours", errors);
        Text who = text(n.path("who"), "who", errors);

        errors.forEach(e -> problems.add(Problem.error(file, id, null, "service '" + id + "': " + e)));
        if (!errors.isEmpty()) return null;
        return new Service(id, name, region, town, categories, subcategories, offers, phone, hours, cost, who,
                sources, verified);
    }

    /** A text field: "..." for both languages, or { fr: "...", bm: "..." }. */
    private static Text text(JsonNode v, String field, List<String> errors) {
        if (v.isMissingNode() || v.isNull()) return Text.EMPTY;
        if (v.isValueNode()) return new Text(v.asText(), null);
        if (v.isObject()) {
            for (Iterator<String> it = v.fieldNames(); it.hasNext(); ) {
                String lang = it.next();
                if (!lang.equals("fr") && !lang.equals("bm")) {
                    errors.add(field + ": has '" + lang + "'; only fr: and bm: are read");
                }
            }
            Text t = new Text(v.path("fr").asText(""), v.path("bm").asText(""));
            if (t.isEmpty() && !t.bm().isEmpty()) errors.add(field + ": gives bm: without fr:");
            return t;
        }
        errors.add(field + ": must be a text or { fr: \"...\", bm: \"...\" }");
        return Text.EMPTY;
    }

    /** A field that may hold one value or a list. */
    private static List<String> list(JsonNode v) {
        List<String> out = new ArrayList<>();
        if (v.isArray()) v.forEach(x -> add(out, x.asText("")));
        else if (v.isValueNode() && !v.isNull()) add(out, v.asText(""));
        return out;
    }

    private static void add(List<String> out, String s) {
        String t = s.strip();
        if (!t.isEmpty() && !out.contains(t)) out.add(t);
    }
}
