package org.taama.lint;

import org.taama.cost.SmsSegments;
import org.taama.flow.Engine;
import org.taama.flow.FlowSet;
import org.taama.flow.Node;
import org.taama.flow.Option;
import org.taama.flow.State;
import org.taama.i18n.Gsm;
import org.taama.i18n.Locales;
import org.taama.i18n.Pager;
import org.taama.i18n.ScreenSize;
import org.taama.i18n.Spelling;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks flows and texts the way a careful reviewer would, and says what is wrong in words a
 * translator understands: where a flow leads nowhere, which screens nobody can reach, which texts
 * are missing in a language, and which screens cannot fit a phone.
 */
public final class Lint {
    /** Texts the engine itself shows on every channel. */
    public static final List<String> ENGINE_KEYS =
            List.of("common.back", "common.home", "common.more", "common.invalid", "common.unavailable",
                    "keywords.menu", "keywords.help", "keywords.stop", "keywords.start", "consent.stopped",
                    "consent.started", "consent.help", "chat.intro", "chat.text_only");

    /**
     * Words an SMS must never carry: it stays on the phone, and whoever picks the phone up must not
     * learn what its owner asked about. French, and the Bambara of GLOSSARY-bm.md (#56 ɲangata, #63
     * kasaaratɔ, #66 jɔnjago, #67 denmisɛnsonya/demisɛnsonya, "not found": tarafikan, nafabɔli), as
     * stems so plurals and derived forms match too. Matched without accents and in every spelling.
     */
    public static final List<String> SMS_FORBIDDEN = List.of("traite", "trafic", "violence", "exploit", "victim",
            "esclav", "abus", "ɲangata", "kasaaratɔ", "jɔnjago", "jɔnya", "denmisɛnsonya", "demisɛnsonya",
            "tarafikan", "nafabɔli", "diyagoyalifanga");

    /**
     * French words a Bambara screen must not show (issue 10: "Dɛmɛ psychosocial", "foyer", "OIM,
     * sous-bureau de..."), compared as whole words without accents. A short list of words that are
     * not also Bambara words: no "la", "de", "ni", "du" (Bambara postpositions and nouns).
     */
    public static final List<String> FRENCH_WORDS = List.of("pour", "les", "des", "et", "avec", "votre", "vous",
            "nous", "est", "une", "sur", "dans", "sous", "psychosocial", "psychosociale", "psychologique",
            "psychiatrique", "protection", "civile", "pompiers", "foyer", "foyers", "centre", "centres", "bureau",
            "accueil", "aide", "soutien", "région", "autre", "mécanisme", "national", "traite", "filles", "enfants",
            "rue", "rues", "maison", "migrant", "migrants", "numéro", "service", "services", "santé", "travail");

    private Lint() {}

    public static List<Problem> check(Path flowsDir, Path localesDir, Spelling ussdSpelling) {
        return check(flowsDir, localesDir, ussdSpelling, Map.of());
    }

    /**
     * With {@code values}, the settings texts quote are filled in first, as the server does, and a
     * {@code {name}} left in a text is an error: callers would read the braces.
     */
    public static List<Problem> check(Path flowsDir, Path localesDir, Spelling ussdSpelling, Map<String, String> values) {
        Content content = Content.load(flowsDir, localesDir).withValues(values);
        List<Problem> problems = new ArrayList<>(content.problems());
        problems.addAll(check(content.flows(), content.locales(), ussdSpelling));
        problems.addAll(terms(Terms.load(localesDir.resolve(Terms.FILE), problems), content.locales()));
        if (!values.isEmpty()) problems.addAll(unfilled(content.locales()));
        return problems;
    }

    /**
     * What a text may still hold once the settings are filled: what a screen fills per caller (a readback's
     * number and SMS, a quiz's right answer, score and total).
     */
    public static final Set<String> PER_CALLER = Set.of("number", "sms", "answer", "score", "total");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([a-z_]+)}");

    /** Every text still holding a {@code {name}} nobody fills: callers would read the braces. */
    public static List<Problem> unfilled(Locales locales) {
        List<Problem> problems = new ArrayList<>();
        for (String lang : Locales.LANGUAGES) {
            for (String key : locales.keys(lang)) {
                Matcher m = PLACEHOLDER.matcher(locales.entry(lang, key).text());
                while (m.find()) {
                    if (PER_CALLER.contains(m.group(1))) continue;
                    problems.add(Problem.error(localeFile(locales.entry(lang, key).file()), null, lang, "'" + key
                            + "' holds {" + m.group(1) + "}, which no setting fills: callers would read the braces"));
                    break;
                }
            }
        }
        return problems;
    }

    public static List<Problem> check(FlowSet flows, Locales locales, Spelling ussdSpelling) {
        List<Problem> problems = new ArrayList<>();
        Set<String> usedKeys = new LinkedHashSet<>(ENGINE_KEYS);
        if (flows.node(FlowSet.HOME) == null) {
            problems.add(Problem.error("flows/main.yaml", "home", null,
                    "there is no main menu: flow 'main' needs a node 'home' (where 00 leads)"));
        }
        if (flows.node(FlowSet.LANGUAGE) == null) {
            problems.add(Problem.warning("flows/main.yaml", "language", null,
                    "there is no language menu: new callers will not be asked their language"));
        }
        for (Node node : flows.nodes().values()) {
            String local = node.id().substring(node.id().indexOf('.') + 1);
            for (int i = 0; i < node.options().size(); i++) {
                Option o = node.options().get(i);
                if (flows.node(o.go()) == null) {
                    problems.add(Problem.error(node.file(), local, null, "option " + (i + 1) + " goes to '" + o.go()
                            + "', which no flow defines"));
                }
                o.on().forEach((outcome, target) -> {
                    if (flows.node(target) == null) {
                        problems.add(Problem.error(node.file(), local, null, "option '" + o.label() + "': on: "
                                + outcome + " goes to '" + target + "', which no flow defines"));
                    }
                });
            }
            for (String param : Node.TARGET_PARAMS) {
                String target = node.param(param);
                if (target != null && flows.node(target) == null) {
                    problems.add(Problem.error(node.file(), local, null, param + ": '" + target + "' is not a node of any flow"));
                }
            }
            usedKeys.addAll(node.textKeys());
        }
        problems.addAll(smsTexts(flows, locales));
        problems.addAll(frenchInBambara(locales));
        problems.addAll(unreachable(flows));
        problems.addAll(quizzes(flows));
        problems.addAll(missingTexts(flows, locales, usedKeys));
        problems.addAll(screens(flows, locales, ussdSpelling));
        if (flows.node(FlowSet.HOME) != null) problems.addAll(pageBreaks(flows, locales));
        return problems;
    }

    /** Every SMS an option sends: numbers and neutral words only. */
    private static List<Problem> smsTexts(FlowSet flows, Locales locales) {
        List<Problem> problems = new ArrayList<>();
        for (Node node : flows.nodes().values()) {
            for (Option o : node.options()) {
                if (o.sms() == null) continue;
                for (String lang : Locales.LANGUAGES) {
                    String text = locales.text(lang, o.sms());
                    if (text == null) continue; // reported as a missing text
                    String word = forbiddenWord(text);
                    if (word != null) {
                        problems.add(Problem.error(node.file(), local(node), lang, "the SMS '" + o.sms() + "' contains '"
                                + word + "': an SMS stays on the phone, so it carries numbers and neutral words only"));
                    }
                }
            }
        }
        return problems;
    }

    /**
     * Bambara texts that show French words: a Bambara reader gets a word they may not know. Chat
     * keywords are words people send, not screens; a text marked {@code bilingual: true} mixes the
     * languages on purpose.
     */
    private static List<Problem> frenchInBambara(Locales locales) {
        List<Problem> problems = new ArrayList<>();
        for (String key : locales.keys("bm")) {
            Locales.Entry e = locales.entry("bm", key);
            if (e.bilingual() || key.startsWith("keywords.")) continue;
            String word = frenchWord(e.text());
            if (word != null) {
                problems.add(Problem.warning(fileOf(key, e), null, "bm", "'" + key + "' shows the French word '"
                        + word + "' on a Bambara screen: write it in Bambara (or mark the entry bilingual: true when the French is on purpose)"));
            }
        }
        return problems;
    }

    /** The first word of {@link #FRENCH_WORDS} in a text, as a whole word, compared without accents and case; or null. */
    public static String frenchWord(String text) {
        Set<String> words = new HashSet<>(List.of(fold(text).split("[^\\p{L}]+")));
        for (String w : FRENCH_WORDS) if (words.contains(fold(w))) return w;
        return null;
    }

    /** Every Bambara text that writes a term-list concept another way than the chosen form. */
    static List<Problem> terms(List<Terms.Term> terms, Locales locales) {
        List<Problem> problems = new ArrayList<>();
        for (String key : locales.keys("bm")) {
            Locales.Entry e = locales.entry("bm", key);
            for (Terms.Term t : terms) {
                String other = t.otherFormIn(e.text());
                if (other != null) {
                    problems.add(Problem.warning(fileOf(key, e), null, "bm", "'" + key + "' writes '" + other
                            + "' for " + t.concept() + ": the term list (locales/" + Terms.FILE + ") chose '" + t.chosen() + "'"));
                }
            }
        }
        return problems;
    }

    /** Locale entries name their file relative to the locales folder; generated ones already say locales/. */
    private static String localeFile(String file) {
        return file.startsWith("locales/") ? file : "locales/" + file;
    }

    /** Where to fix a text: a service's name and details come from the directory file, the rest from a locale file. */
    private static String fileOf(String key, Locales.Entry e) {
        return key.startsWith("dir.s.") || key.startsWith("dir.sms.") ? "flows/" + org.taama.directory.Directory.FILE
                : localeFile(e.file());
    }

    /** The first forbidden word in a text, compared without accents and case, in standard and GSM-safe spelling; or null. */
    public static String forbiddenWord(String text) {
        String plain = fold(text);
        for (String w : SMS_FORBIDDEN) {
            if (plain.contains(fold(w))) return w;
            for (Spelling s : Spelling.values()) {
                String spelled = fold(s.apply(w));
                if (plain.contains(spelled) || fold(s.apply(text)).contains(spelled)) return w;
            }
        }
        return null;
    }

    static String fold(String s) {
        return java.text.Normalizer.normalize(s, java.text.Normalizer.Form.NFD).replaceAll("\\p{M}", "")
                .toLowerCase(java.util.Locale.ROOT);
    }

    private static List<Problem> unreachable(FlowSet flows) {
        Set<String> seen = new HashSet<>();
        Deque<String> todo = new ArrayDeque<>(List.of(FlowSet.HOME, FlowSet.LANGUAGE, FlowSet.RESUME));
        // A quiz opens from the session code screen, by the code's quiz: every quiz is reachable from there.
        Node codeScreen = flows.node(FlowSet.QUIZ_CODE);
        if (codeScreen != null && codeScreen.kind().name().equals("quiz_code") && seenFromHome(flows, FlowSet.QUIZ_CODE)) {
            flows.quizzes().keySet().forEach(q -> todo.add(flows.starts().get(q)));
        }
        while (!todo.isEmpty()) {
            String id = todo.pop();
            Node n = flows.node(id);
            if (n == null || !seen.add(id)) continue;
            n.targets().forEach(todo::push);
        }
        List<Problem> problems = new ArrayList<>();
        for (Node n : flows.nodes().values()) {
            if (!seen.contains(n.id())) {
                problems.add(Problem.error(n.file(), local(n), null,
                        "no caller can reach this screen: no option of any menu leads here from the main menu"));
            }
        }
        return problems;
    }

    private static boolean seenFromHome(FlowSet flows, String id) {
        Set<String> seen = new HashSet<>();
        Deque<String> todo = new ArrayDeque<>(List.of(FlowSet.HOME, FlowSet.LANGUAGE, FlowSet.RESUME));
        while (!todo.isEmpty()) {
            String n = todo.pop();
            Node node = flows.node(n);
            if (node == null || !seen.add(n)) continue;
            node.targets().forEach(todo::push);
        }
        return seen.contains(id);
    }

    /**
     * Quizzes: a score screen lists questions of its own flow that are quiz questions, and a quiz can
     * be opened, which needs the session code screen ({@link FlowSet#QUIZ_CODE}).
     */
    private static List<Problem> quizzes(FlowSet flows) {
        List<Problem> problems = new ArrayList<>();
        for (Node node : flows.nodes().values()) {
            if (!node.kind().name().equals("quiz_score")) continue;
            String qs = node.param("questions");
            if (qs == null) continue;
            for (String q : qs.split(",")) {
                Node question = flows.node(node.flow() + "." + q.strip());
                if (question == null || !question.kind().name().equals("quiz")) {
                    problems.add(Problem.error(node.file(), local(node), null, "questions: '" + q.strip()
                            + "' is not a quiz question of flow '" + node.flow() + "'"));
                }
            }
            Node code = flows.node(FlowSet.QUIZ_CODE);
            if (code == null || !code.kind().name().equals("quiz_code")) {
                problems.add(Problem.error(node.file(), local(node), null, "this quiz can never be opened: flow 'quiz'"
                        + " needs a node 'code' of kind quiz_code, where participants type the session code"));
            }
        }
        return problems;
    }

    private static List<Problem> missingTexts(FlowSet flows, Locales locales, Set<String> usedKeys) {
        List<Problem> problems = new ArrayList<>();
        for (String key : usedKeys) {
            for (String lang : Locales.LANGUAGES) {
                if (locales.has(lang, key)) continue;
                Node user = flows.nodes().values().stream()
                        .filter(n -> n.textKeys().contains(key))
                        .findFirst().orElse(null);
                String where = user == null ? "locales/" + lang + "/common.yaml" : "locales/" + lang + "/" + user.flow() + ".yaml";
                problems.add(Problem.error(user == null ? where : user.file(), user == null ? null : local(user), lang,
                        "the text '" + key + "' is missing: add it to " + where));
            }
        }
        int unreviewed = 0;
        problems.addAll(variants(locales));
        for (String lang : Locales.LANGUAGES) {
            for (String key : locales.keys(lang)) {
                if (!usedKeys.contains(Locales.baseKey(key))) {
                    problems.add(Problem.warning(locales.entry(lang, key).file(), null, lang,
                            "the text '" + key + "' is not used by any flow"));
                }
                if (!locales.entry(lang, key).reviewed()) unreviewed++;
            }
        }
        // Per file, so a reviewer sees where the work is (and review import moves the counts).
        reviewCounts(locales).forEach((file, n) -> {
            if (n[1] > 0) {
                problems.add(Problem.warning("locales/" + file, null, "bm", n[0] + " reviewed, " + n[1]
                        + " unreviewed: " + n[1] + " texts await a native speaker's review (reviewed: false)"));
            }
        });
        return problems;
    }

    /**
     * Per Bambara locale file ({@code bm/quiz.yaml}): how many texts a native speaker signed off
     * ({@code reviewed: true}) and how many await review, in file order.
     */
    public static Map<String, int[]> reviewCounts(Locales locales) {
        Map<String, int[]> counts = new java.util.TreeMap<>();
        for (String key : locales.keys("bm")) {
            Locales.Entry e = locales.entry("bm", key);
            // Texts the directory generates name their file with the folder (locales/bm/directory.yaml).
            String file = e.file().startsWith("locales/") ? e.file().substring("locales/".length()) : e.file();
            counts.computeIfAbsent(file, f -> new int[2])[e.reviewed() ? 0 : 1]++;
        }
        return counts;
    }

    /** A channel's variant of a text ({@code key@whatsapp}) needs its key, a known channel, and both languages. */
    private static List<Problem> variants(Locales locales) {
        List<Problem> problems = new ArrayList<>();
        for (String lang : Locales.LANGUAGES) {
            for (String key : locales.keys(lang)) {
                String channel = Locales.variantChannel(key);
                if (channel == null) continue;
                String file = "locales/" + locales.entry(lang, key).file();
                String base = Locales.baseKey(key);
                if (!Locales.CHANNELS.contains(channel)) {
                    problems.add(Problem.error(file, null, lang, "'" + key + "': '" + channel
                            + "' is not a channel; write " + base + "@ followed by one of " + Locales.CHANNELS));
                    continue;
                }
                if (!locales.has(lang, base)) {
                    problems.add(Problem.error(file, null, lang, "'" + key + "' is the " + channel
                            + " variant of '" + base + "', which is missing: add '" + base + "' too"));
                }
                for (String other : Locales.LANGUAGES) {
                    if (!locales.has(other, key)) {
                        problems.add(Problem.error("locales/" + other, null, other, "the text '" + key
                                + "' is missing: " + channel + " would show '" + base + "', written for other channels"));
                    }
                }
            }
        }
        return problems;
    }

    private static List<Problem> screens(FlowSet flows, Locales locales, Spelling spelling) {
        List<Problem> problems = new ArrayList<>();
        Engine engine = new Engine(flows, locales, spelling, Gsm::fitsUssdScreen);
        if (flows.node(FlowSet.HOME) == null) return problems;
        for (String lang : Locales.LANGUAGES) {
            for (Node node : flows.nodes().values()) {
                // Worst case for the footer: something to go back to.
                State s = new State(lang, node.id(), 0, List.of(FlowSet.HOME + "#0"));
                Engine.Rendered first = engine.render(s, false);
                for (int page = 0; page < first.pages(); page++) {
                    Engine.Rendered r = page == 0 ? first : engine.render(s.at(node.id(), page), false);
                    Gsm.ScreenCost cost = Gsm.ussdCost(r.screen().text());
                    if (!cost.fits()) {
                        problems.add(Problem.error(node.file(), local(node), lang, tooLong(node, page, r, cost)));
                    }
                    Gsm.ScreenCost hinted = Gsm.ussdCost(engine.render(s.at(node.id(), page), true).screen().text());
                    if (cost.fits() && !hinted.fits()) {
                        problems.add(Problem.error(node.file(), local(node), lang,
                                "after a wrong choice the hint and the choices do not fit one screen: shorten common.invalid or the options"));
                    }
                }
            }
            // The first chat reply starts with this line (both languages' while the texter's is unknown).
            if (locales.has(lang, "chat.intro")) {
                String intro = locales.text(lang, "chat.intro");
                int parts = SmsSegments.of(spelling.apply(intro)).segments();
                if (intro.contains("\n") || parts > 1) {
                    problems.add(Problem.error("locales/" + locales.entry(lang, "chat.intro").file(), null, lang,
                            "chat.intro must be one line that fits one SMS; it takes " + parts + " SMS"));
                }
            }
            String apology = engine.text("fr", "common.unavailable") + "\n" + engine.text("bm", "common.unavailable");
            if (lang.equals("fr") && !Gsm.fitsUssdScreen(apology)) {
                problems.add(Problem.error("locales", null, null,
                        "common.unavailable in French and Bambara together must fit one screen: " + describe(Gsm.ussdCost(apology))));
            }
        }
        return problems;
    }

    /**
     * What only the whole run of pages shows: a phone number cut between two pages, and an internal
     * source key ("[AJDM]") a caller would read. Checked on every channel, in every language and
     * every spelling a deployment may choose, since each pages the same text differently.
     */
    private static List<Problem> pageBreaks(FlowSet flows, Locales locales) {
        List<Problem> problems = new ArrayList<>();
        Set<String> reported = new HashSet<>();
        for (ScreenSize size : ScreenSize.values()) {
            for (Spelling spelling : size.spellings()) {
                Engine engine = new Engine(flows, locales, spelling, size::fits, size.channel());
                String where = size.channel() + (size.spellings().size() > 1 ? " (" + describe(spelling) + ")" : "");
                for (String lang : Locales.LANGUAGES) {
                    for (Node node : flows.nodes().values()) {
                        for (State s : statesOf(node, lang)) {
                            List<String> pages = engine.render(s, false).allPages();
                            if (Pager.cutsNumber(pages) && reported.add("cut " + node.id() + " " + lang)) {
                                problems.add(Problem.error(node.file(), local(node), lang, "a phone number is cut "
                                        + "between two pages on " + where + ": " + cutAt(pages)
                                        + ". Put the numbers first in the text, or shorten it"));
                            }
                            String key = pages.stream().map(SOURCE_KEY::matcher).filter(Matcher::find)
                                    .map(Matcher::group).findFirst().orElse(null);
                            if (key != null && reported.add("key " + node.id() + " " + lang)) {
                                problems.add(Problem.error(node.file(), local(node), lang, "callers would read the "
                                        + "source key " + key + ": source keys belong in YAML comments, not in texts"));
                            }
                        }
                    }
                }
            }
        }
        return problems;
    }

    /** A CONTENT.md source key as written in brackets: [AJDM], [MW-2025], [IOM-TC]. */
    private static final Pattern SOURCE_KEY = Pattern.compile("\\[[A-Z][A-Z0-9-]*]");

    /** The states that show everything a node can show: a result node shows a different text by its answers. */
    private static List<State> statesOf(Node node, String lang) {
        List<String> back = List.of(FlowSet.HOME + "#0");
        State plain = new State(lang, node.id(), 0, back);
        String vars = node.param("vars");
        if (vars == null) return List.of(plain);
        List<State> states = new ArrayList<>(List.of(plain));
        Map<String, String> yes = new HashMap<>();
        for (String v : vars.split(",")) {
            yes.put(v.strip(), "yes");
            states.add(new State(lang, node.id(), 0, back, yes));
        }
        return states;
    }

    private static String cutAt(List<String> pages) {
        for (int i = 0; i + 1 < pages.size(); i++) {
            if (Pager.cutsNumber(pages.subList(i, i + 2))) {
                String a = pages.get(i).strip();
                String b = pages.get(i + 1).strip();
                return "page " + (i + 1) + " ends '..." + a.substring(Math.max(0, a.length() - 20)) + "', page "
                        + (i + 2) + " starts '" + b.substring(0, Math.min(20, b.length())) + "...'";
            }
        }
        return "";
    }

    private static String describe(Spelling spelling) {
        return switch (spelling) {
            case STANDARD -> "standard spelling";
            case GSM_SAFE_NY -> "GSM-safe spelling, ny";
            case GSM_SAFE_ENYE -> "GSM-safe spelling, ñ";
        };
    }

    private static String tooLong(Node node, int page, Engine.Rendered r, Gsm.ScreenCost cost) {
        String what = node.kind().name().equals("message")
                ? "page " + (page + 1) + " (the options and navigation alone leave no room for text)"
                : "the screen (title, options and navigation)";
        return what + " is too long for a phone: " + describe(cost) + ". Shorten the title or option labels";
    }

    private static String describe(Gsm.ScreenCost c) {
        String why = c.encoding().equals("UCS-2")
                ? " because a letter outside the GSM alphabet forces the small UCS-2 screen"
                : "";
        return c.used() + " characters, " + c.limit() + " fit" + why;
    }

    private static String local(Node n) {
        return n.id().substring(n.id().indexOf('.') + 1);
    }

    /** The command-line lint: prints every problem, then a summary; exits 1 when there is an error. */
    public static int run(Path flowsDir, Path localesDir, Spelling spelling, Map<String, String> values) {
        List<Problem> problems = check(flowsDir, localesDir, spelling, values);
        problems.forEach(p -> System.out.println(p));
        long errors = problems.stream().filter(Problem::isError).count();
        Locales texts = Locales.load(localesDir, new ArrayList<>());
        reviewCounts(texts).forEach((file, n) -> System.out.println("review  " + file + ": " + n[0] + " reviewed, "
                + n[1] + " unreviewed"));
        System.out.println(errors + " errors, " + (problems.size() - errors) + " warnings in "
                + flowsDir + " and " + localesDir);
        return errors > 0 ? 1 : 0;
    }
}
