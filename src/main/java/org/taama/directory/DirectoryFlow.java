package org.taama.directory;

import org.taama.flow.Engine;
import org.taama.flow.FlowSet;
import org.taama.flow.Node;
import org.taama.flow.NodeKinds;
import org.taama.flow.Option;
import org.taama.flow.State;
import org.taama.i18n.Gsm;
import org.taama.i18n.Locales;
import org.taama.i18n.Pager;
import org.taama.i18n.Spelling;
import org.taama.lint.Problem;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns the {@link Directory} into an ordinary flow named {@value #FLOW}: menu and message nodes
 * added to the {@link FlowSet}, their texts added to the {@link Locales} in French and Bambara. The
 * engine, paging, navigation, screen caching and the lint's checks then apply to it unchanged.
 *
 * <p>Shape (node ids):
 * <ul>
 *   <li>{@code directory.regions} (menu, start): every region of Mali, Bamako first, then "Other
 *       region"; {@code directory.regions_p2}… when they do not fit one screen;</li>
 *   <li>{@code directory.r_<region>} (message) for a region with no service yet: says so, with the
 *       national helplines and the call-back;</li>
 *   <li>{@code directory.other_region} (message): no service known there → national helplines;</li>
 *   <li>{@code directory.r_<region>} (menu): the three categories;</li>
 *   <li>{@code directory.r_<region>_<category>} (menu): its services, at most 7 a screen, then
 *       "98 Suite" (the node's {@code more:}) to {@code …_p2}, {@code …_p3}…, the same key as the
 *       next page of any text; or, when there is none, a message saying so with the national
 *       helplines;</li>
 *   <li>{@code directory.s_<service>} (message): the details, "send by SMS", national helplines.</li>
 * </ul>
 * Texts are generated under {@code dir.}; the labels they are composed from are the
 * {@code directory.*} keys of {@code locales/<lang>/directory.yaml}, consumed here (so the lint
 * does not call them unused). Every generated Bambara text counts as unreviewed.
 */
public final class DirectoryFlow {
    public static final String FLOW = "directory";
    public static final String START = FLOW + ".regions";
    public static final String HELPLINES = "help.menu";
    /** The call-back, offered where no service is known, and the label it has on the main menu. */
    public static final String CALLBACK = "callback.intro";
    public static final String CALLBACK_LABEL = "main.home.callback";
    public static final String SMS_SENT = "help.sms_sent";
    public static final String SEND_SMS = "common.send_sms";
    /** The warning before sending, its button, and where the outcomes lead: as for the helplines. */
    public static final String SMS_WARNING = "help.sms_warning";
    public static final String SMS_SEND = "help.sms_send";
    public static final Map<String, String> SMS_OUTCOMES = Map.of(
            "failed", "help.sms_failed", "limit", "help.sms_limit", "refused", "help.sms_refused");
    /** Services (or regions) per list screen at most, before "98 Suite". */
    public static final int MAX_PER_SCREEN = 7;
    /** The prefix of the label keys translators edit, and of the generated keys. */
    public static final String LABELS = "directory.";
    public static final String GENERATED = "dir.";

    /** The labels every directory needs; region labels are needed only for regions with a service. */
    static final List<String> REQUIRED;

    static {
        List<String> r = new ArrayList<>(List.of("regions", "other_region", "other_region.text", "region_none", "helplines",
                "region_menu", "list_title", "none", "field.town", "field.offers", "field.who", "field.phone",
                "no_phone", "sms", "field.hours", "field.cost", "verified", "unverified"));
        Directory.CATEGORIES.forEach((c, subs) -> {
            r.add("cat." + c);
            subs.forEach(s -> r.add("sub." + s));
        });
        Directory.COSTS.forEach(c -> r.add("cost." + c));
        REQUIRED = r.stream().map(k -> LABELS + k).toList();
    }

    private static final List<Spelling> USSD_SPELLINGS = List.of(Spelling.GSM_SAFE_NY, Spelling.GSM_SAFE_ENYE);

    /** The flows and texts with the directory added. */
    public record Result(FlowSet flows, Locales locales) {}

    private final Directory directory;
    private final String file;
    private final Locales base;
    private final FlowSet baseFlows;
    private final List<Problem> problems;
    private final Map<String, Node> nodes = new LinkedHashMap<>();
    private final Map<String, Map<String, Locales.Entry>> texts = new LinkedHashMap<>();

    private DirectoryFlow(Directory directory, String file, FlowSet flows, Locales locales, List<Problem> problems) {
        this.directory = directory;
        this.file = file;
        this.base = locales;
        this.baseFlows = flows;
        this.problems = problems;
    }

    /**
     * @param file     how nodes and problems name the directory file ("flows/directory/services.yaml")
     * @param problems where missing labels and clashes are reported
     */
    public static Result generate(Directory directory, String file, FlowSet flows, Locales locales, List<Problem> problems) {
        return new DirectoryFlow(directory, file, flows, locales, problems).build();
    }

    private Result build() {
        for (String lang : Locales.LANGUAGES) {
            Map<String, Locales.Entry> m = new LinkedHashMap<>();
            for (String key : base.keys(lang)) {
                if (!key.startsWith(LABELS)) m.put(key, base.entry(lang, key));
            }
            texts.put(lang, m);
        }
        checkLabels();
        if (baseFlows.starts().containsKey(FLOW) || baseFlows.nodes().keySet().stream().anyMatch(id -> id.startsWith(FLOW + "."))) {
            problems.add(Problem.error(file, null, null, "a flow file already uses the name '" + FLOW
                    + "', which the service directory needs; rename that flow"));
            return new Result(baseFlows, base);
        }

        // Other region, and the helplines' message for an empty category.
        text("dir.helplines", lang -> label(lang, "helplines"));
        text("dir.other_region", lang -> label(lang, "other_region"));
        text("dir.other_region.text", lang -> label(lang, "other_region.text"));
        text("dir.none", lang -> label(lang, "none"));
        text("dir.regions", lang -> label(lang, "regions"));
        Option helplines = new Option("dir.helplines", HELPLINES, null);
        // Where nothing is known, a person can still ask an advisor to call (when the flows have the call-back).
        List<Option> noService = baseFlows.node(CALLBACK) == null ? List.of(helplines)
                : List.of(helplines, new Option(CALLBACK_LABEL, CALLBACK, null));
        node("other_region", "message", "dir.other_region.text", noService);

        List<Option> regions = new ArrayList<>();
        for (String region : Directory.REGIONS) {
            text("dir.region." + region, lang -> label(lang, "region." + region));
            regions.add(new Option("dir.region." + region, id("r_" + region), null));
            if (directory.hasRegion(region)) {
                region(region, helplines);
            } else {
                text("dir.r." + region, lang -> label(lang, "region_none").replace("{region}", label(lang, "region." + region)));
                node("r_" + region, "message", "dir.r." + region, noService);
            }
        }
        regions.add(new Option("dir.other_region", id("other_region"), null));
        pagedMenu("regions", "dir.regions", regions);

        for (Directory.Service s : directory.services()) service(s, helplines);

        Map<String, Node> allNodes = new LinkedHashMap<>(baseFlows.nodes());
        allNodes.putAll(nodes);
        Map<String, String> starts = new LinkedHashMap<>(baseFlows.starts());
        starts.put(FLOW, START);
        return new Result(new FlowSet(allNodes, starts), new Locales(texts));
    }

    private void region(String region, Option helplines) {
        text("dir.r." + region, lang -> label(lang, "region_menu").replace("{region}", label(lang, "region." + region)));
        List<Option> categories = new ArrayList<>();
        for (String category : Directory.CATEGORIES.keySet()) {
            text("dir.cat." + category, lang -> label(lang, "cat." + category));
            String list = "r_" + region + "_" + category;
            categories.add(new Option("dir.cat." + category, id(list), null));
            List<Directory.Service> services = directory.in(region, category);
            if (services.isEmpty()) {
                node(list, "message", "dir.none", List.of(helplines));
                continue;
            }
            String title = "dir.list." + region + "." + category;
            text(title, lang -> label(lang, "list_title").replace("{region}", label(lang, "region." + region))
                    .replace("{category}", label(lang, "cat." + category)));
            List<Option> items = services.stream()
                    .map(s -> new Option("dir.s." + s.id() + ".name", id("s_" + s.id()), null)).toList();
            services.forEach(s -> text("dir.s." + s.id() + ".name", lang -> s.name().in(lang)));
            pagedMenu(list, title, items);
        }
        node("r_" + region, "menu", "dir.r." + region, categories);
    }

    /**
     * The details, and "send by SMS" when a source gives a phone: first the warning that the SMS
     * stays on the phone, then an SMS holding the name and the number only (the details say what
     * the service does; the SMS must not).
     */
    private void service(Directory.Service s, Option helplines) {
        text("dir.s." + s.id(), lang -> details(s, lang));
        if (s.phone().isEmpty()) {
            node("s_" + s.id(), "message", "dir.s." + s.id(), List.of(helplines));
            return;
        }
        String sms = "dir.sms." + s.id();
        text(sms, lang -> label(lang, "sms").replace("{name}", s.name().in(lang)).replace("{phone}", s.phone()));
        node("sms_" + s.id(), "message", SMS_WARNING, List.of(
                new Option(SMS_SEND, SMS_SENT, null, "sms", null, Map.of(), null, sms, SMS_OUTCOMES)));
        node("s_" + s.id(), "message", "dir.s." + s.id(), List.of(
                new Option(SEND_SMS, id("sms_" + s.id()), null), helplines));
    }

    /**
     * The details screen of a service: only what a source gives, one "Label: value" a line (the
     * pager breaks between lines). Which sources say so stays in services.yaml for the content
     * officers: a caller reads only whether someone has checked them.
     */
    String details(Directory.Service s, String lang) {
        List<String> lines = new ArrayList<>();
        lines.add(s.name().in(lang));
        // The phone (or the police number) right after the name: on the first screen.
        lines.add(s.phone().isEmpty() ? label(lang, "no_phone") : label(lang, "field.phone") + ": " + s.phone());
        if (!s.town().isEmpty()) lines.add(label(lang, "field.town") + ": " + s.town().in(lang));
        List<String> offers = new ArrayList<>();
        s.subcategories().forEach(sub -> offers.add(label(lang, "sub." + sub)));
        if (!s.offers().isEmpty()) offers.add(s.offers().in(lang));
        if (!offers.isEmpty()) lines.add(label(lang, "field.offers") + ": " + String.join(", ", offers));
        if (!s.who().isEmpty()) lines.add(label(lang, "field.who") + ": " + s.who().in(lang));
        if (!s.hours().isEmpty()) lines.add(label(lang, "field.hours") + ": " + s.hours().in(lang));
        if (!s.cost().isEmpty()) lines.add(label(lang, "field.cost") + ": " + label(lang, "cost." + s.cost()));
        String checked = s.verified().isEmpty() ? label(lang, "unverified")
                : label(lang, "verified").replace("{date}", s.verified());
        if (!checked.isBlank()) lines.add(checked);
        return String.join("\n", lines);
    }

    /**
     * A list as menus of at most {@value #MAX_PER_SCREEN} items, each screen as full as fits one USSD
     * screen in both languages and both GSM-safe spellings (with the wrong-choice hint), then
     * "98 Suite" to the next screen of the list.
     */
    private void pagedMenu(String first, String title, List<Option> items) {
        int from = 0;
        int page = 1;
        while (from < items.size()) {
            String local = page == 1 ? first : first + "_p" + page;
            String next = first + "_p" + (page + 1);
            int take = Math.min(MAX_PER_SCREEN, items.size() - from);
            List<Option> options = null;
            Map<String, String> params = Map.of();
            for (int k = take; k >= 1; k--) {
                options = new ArrayList<>(items.subList(from, from + k));
                params = from + k < items.size() ? Map.of(Node.MORE, id(next)) : Map.of();
                if (fits(local, title, options, params)) {
                    take = k;
                    break;
                }
                take = k; // one item that does not fit alone: the lint reports that screen
            }
            node(local, "menu", title, options, params);
            from += take;
            page++;
        }
    }

    /** Whether a menu screen fits as the engine will render it, wrong-choice hint included. */
    private boolean fits(String local, String title, List<Option> options, Map<String, String> params) {
        Node candidate = new Node(id(local), file, NodeKinds.get("menu"), title, options, false, params);
        Map<String, Node> one = new LinkedHashMap<>(baseFlows.nodes());
        one.put(candidate.id(), candidate);
        // The next screen must exist for the engine to show "98 Suite"; its content does not matter here.
        String more = params.get(Node.MORE);
        if (more != null) one.putIfAbsent(more, candidate);
        FlowSet flows = new FlowSet(one, Map.of());
        Locales locales = new Locales(texts);
        for (Spelling spelling : USSD_SPELLINGS) {
            Engine engine = new Engine(flows, locales, spelling, Gsm::fitsUssdScreen);
            for (String lang : Locales.LANGUAGES) {
                State s = new State(lang, candidate.id(), 0, List.of(FlowSet.HOME + "#0"));
                // The engine shortens a screen whose hint does not fit; the lint counts that as an error.
                String screen = engine.render(s, false).screen().text();
                if (!Gsm.fitsUssdScreen(Pager.join(engine.text(lang, "common.invalid"), screen))) return false;
            }
        }
        return true;
    }

    private void node(String local, String kind, String text, List<Option> options) {
        node(local, kind, text, options, Map.of());
    }

    private void node(String local, String kind, String text, List<Option> options, Map<String, String> params) {
        Node n = new Node(id(local), file, NodeKinds.get(kind), text, List.copyOf(options), false, params);
        n.kind().check(n, msg -> problems.add(Problem.error(file, local, null, msg)));
        nodes.put(n.id(), n);
    }

    private static String id(String local) {
        return FLOW + "." + local;
    }

    /** Adds a generated text in every language; French counts as reviewed, Bambara never does. */
    private void text(String key, java.util.function.Function<String, String> byLang) {
        for (String lang : Locales.LANGUAGES) {
            boolean reviewed = Locales.FALLBACK.equals(lang);
            texts.get(lang).put(key, new Locales.Entry(byLang.apply(lang), reviewed, localeFile(lang)));
        }
    }

    private static String localeFile(String lang) {
        return "locales/" + lang + "/directory.yaml";
    }

    /** A label from locales/<lang>/directory.yaml; French, then the key itself, when missing (reported once). */
    private String label(String lang, String name) {
        String key = LABELS + name;
        String t = base.text(lang, key);
        return t == null ? key : t;
    }

    private void checkLabels() {
        Set<String> needed = new LinkedHashSet<>(REQUIRED);
        Directory.REGIONS.forEach(r -> needed.add(LABELS + "region." + r));
        for (String lang : Locales.LANGUAGES) {
            for (String key : needed) {
                if (!base.has(lang, key)) {
                    problems.add(Problem.error(localeFile(lang), null, lang, "the text '" + key
                            + "' is missing: add it to " + localeFile(lang)));
                }
            }
            Set<String> known = new LinkedHashSet<>(needed);
            Directory.REGIONS.forEach(r -> known.add(LABELS + "region." + r));
            for (String key : base.keys(lang)) {
                if (key.startsWith(LABELS) && !known.contains(key)) {
                    problems.add(Problem.warning(base.entry(lang, key).file(), null, lang, "the text '" + key
                            + "' is not a label the service directory uses"));
                }
            }
        }
    }
}
