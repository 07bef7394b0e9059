package org.taama.directory;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.taama.flow.Effect;
import org.taama.flow.Engine;
import org.taama.flow.FlowSet;
import org.taama.flow.Node;
import org.taama.flow.Option;
import org.taama.flow.State;
import org.taama.flow.Step;
import org.taama.i18n.Gsm;
import org.taama.i18n.Locales;
import org.taama.i18n.Spelling;
import org.taama.lint.Content;
import org.taama.lint.Lint;
import org.taama.lint.Problem;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/** The directory as a caller walks it: generated nodes, screens, paging, details and "send by SMS". */
class DirectoryFlowTest {
    static final Path FLOWS = Path.of("flows");
    static final Path LOCALES = Path.of("locales");
    static final List<String> KEYS = List.of("1", "2", "3", "4", "5", "6", "7", "8", "9", "98", "0", "00");

    static Content real() {
        Content c = Content.load(FLOWS, LOCALES);
        assertThat(c.problems()).isEmpty();
        return c;
    }

    static Engine engine(Content c, Spelling spelling) {
        return new Engine(c.flows(), c.locales(), spelling, Gsm::fitsUssdScreen);
    }

    /** The real flows and texts with another directory (YAML text) in place of the real one. */
    static DirectoryFlow.Result withDirectory(String yaml, List<Problem> problems) throws Exception {
        List<Problem> loading = new ArrayList<>();
        FlowSet flows = FlowSet.load(FLOWS, loading);
        Locales locales = Locales.load(LOCALES, new ArrayList<>());
        assertThat(loading).isEmpty();
        Directory d = Directory.read(new ObjectMapper(new YAMLFactory()).readTree(yaml), "test.yaml", problems);
        return DirectoryFlow.generate(d, "test.yaml", flows, locales, problems);
    }

    static String label(Content c, String lang, Spelling spelling, String key) {
        return spelling.apply(c.locales().text(lang, key));
    }

    /** Every page of a message, as the caller reads them one after the other. */
    static String allPages(Engine engine, State s) {
        return String.join("\n", engine.render(s, false).allPages());
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Spelling.class, names = {"GSM_SAFE_NY", "GSM_SAFE_ENYE"})
    @DisplayName("the lint on the real content (with the directory) finds no error and no directory warning")
    void lintClean(Spelling spelling) {
        List<Problem> problems = Lint.check(FLOWS, LOCALES, spelling);
        assertThat(problems).filteredOn(Problem::isError).isEmpty();
        // Review counts name every Bambara file, directory.yaml too: they are not about the directory's data.
        assertThat(problems).filteredOn(p -> p.file() != null && p.file().contains("directory")
                && !p.message().contains(" unreviewed: ")).isEmpty();
        assertThat(real().flows().starts()).containsEntry("directory", "directory.regions");
    }

    @ParameterizedTest(name = "{0}, {1}")
    @CsvSource({"fr, GSM_SAFE_NY", "bm, GSM_SAFE_NY", "fr, GSM_SAFE_ENYE", "bm, GSM_SAFE_ENYE"})
    @DisplayName("pressing every key from the main menu reaches every node, directory included; every screen fits")
    void everyNodeReachedEveryScreenFits(String lang, Spelling spelling) {
        Content c = real();
        Engine engine = engine(c, spelling);
        Set<String> seen = new HashSet<>();
        Set<String> reached = new TreeSet<>();
        List<String> tooLong = new ArrayList<>();
        Deque<Step> todo = new ArrayDeque<>(List.of(engine.start(lang, true),
                engine.resume(new org.taama.flow.State(lang, "directory.regions", 0, List.of("main.home#0")))));
        while (!todo.isEmpty()) {
            Step step = todo.pop();
            State st = step.state();
            if (!seen.add(st.node() + "#" + st.page())) continue;
            reached.add(st.node());
            for (String screen : List.of(step.screen().text(), engine.step(st, "x").screen().text())) {
                if (!Gsm.isGsm7(screen) || !Gsm.fitsUssdScreen(screen)) tooLong.add(st.node() + ": " + screen);
            }
            if (step.screen().end()) continue;
            List<String> keys = new ArrayList<>(KEYS);
            keys.add("70 12 34 56");   // the call-back's "other number"
            keys.add("482193");        // a training's quiz session code
            for (String key : keys) {
                Step next = engine.step(st, key);
                if (next.outcome() == Step.Outcome.INVALID) continue;
                todo.push(next);
                next.effects().forEach(e -> e.on().keySet().forEach(o -> todo.push(engine.settle(next, o))));
                // A live code opens its quiz.
                next.effects().stream().filter(e -> e.action().equals("quiz_open")).forEach(e -> c.flows().quizzes().keySet()
                        .forEach(q -> todo.push(engine.settle(next, new org.taama.flow.Effect.Result(org.taama.flow.Effect.OK, q,
                                java.util.Map.of("quiz.code", e.data().get("code"), "quiz.phase", "pre"))))));
            }
        }
        assertThat(tooLong).isEmpty();
        List<String> directoryNodes = c.flows().nodes().keySet().stream().filter(n -> n.startsWith("directory.")).toList();
        assertThat(directoryNodes).hasSizeGreaterThan(20).contains("directory.regions", "directory.other_region",
                "directory.r_bamako", "directory.r_bamako_social", "directory.r_bamako_social_p2",
                "directory.r_bamako_economic", "directory.s_ajdm_shelters", "directory.s_iom_saneye");
        assertThat(reached).containsAll(c.flows().nodes().keySet());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"fr, 98 Suite", "bm, 98 A tò"})
    @DisplayName("help menu → region → category → list → 98 → details → send by SMS gives an sms Effect")
    void walkToSms(String lang, String suite) {
        Content c = real();
        Spelling spelling = Spelling.GSM_SAFE_NY;
        Engine engine = engine(c, spelling);
        State s = new State(lang, "help.menu", 0, List.of("main.home#0"));
        assertThat(engine.render(s, false).screen().text()).contains("5. " + label(c, lang, spelling, "help.menu.directory"));

        Step regions = engine.step(s, "5");
        assertThat(regions.state().node()).isEqualTo("directory.regions");
        assertThat(regions.screen().text()).startsWith(label(c, lang, spelling, "dir.regions")).contains("1. Bamako");

        Step bamako = engine.step(regions.state(), "1");
        assertThat(bamako.state().node()).isEqualTo("directory.r_bamako");
        assertThat(bamako.screen().text()).startsWith("Bamako: ")
                .contains("1. " + label(c, lang, spelling, "dir.cat.economic"),
                        "2. " + label(c, lang, spelling, "dir.cat.social"),
                        "3. " + label(c, lang, spelling, "dir.cat.psychosocial"));

        Step social = engine.step(bamako.state(), "2");
        assertThat(social.state().node()).isEqualTo("directory.r_bamako_social");
        Node list = c.flows().node("directory.r_bamako_social");
        assertThat(list.options()).hasSizeLessThanOrEqualTo(7)
                .allSatisfy(o -> assertThat(o.go()).startsWith("directory.s_"));
        assertThat(social.screen().text()).contains("\n" + suite + "\n")
                .contains("1. " + label(c, lang, spelling, "dir.s.iom_transit_bamako.name"));

        Step page2 = engine.step(social.state(), Engine.MORE);
        assertThat(page2.outcome()).isEqualTo(Step.Outcome.PAGED);
        assertThat(page2.state().node()).isEqualTo("directory.r_bamako_social_p2");
        assertThat(engine.step(page2.state(), Engine.BACK).state().node()).as("0 goes back to the first screen of the list")
                .isEqualTo("directory.r_bamako_social");
        Option firstOnPage2 = c.flows().node("directory.r_bamako_social_p2").options().get(0);

        Step details = engine.step(page2.state(), "1");
        assertThat(details.state().node()).isEqualTo(firstOnPage2.go());
        String service = firstOnPage2.go().substring("directory.s_".length());
        String text = allPages(engine, details.state());
        assertThat(details.screen().text()).contains(spelling.apply(noPhoneText(lang)));
        assertThat(text.replace("\n", " ")).isEqualTo(spelling.apply(c.locales().text(lang, "dir.s." + service)).replace("\n", " "));

        // No source gives this service a phone: nothing to text, so only the helplines are offered.
        State last = details.state();
        while (engine.render(last, false).choices() == 0) last = engine.step(last, Engine.MORE).state();
        assertThat(engine.render(last, false).choices()).isEqualTo(1);
        Step helplines = engine.step(last, "1");
        assertThat(helplines.state().node()).isEqualTo("help.menu");
        assertThat(helplines.effects()).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"fr", "bm"})
    @DisplayName("a service with a phone: 'send by SMS' warns first, then texts its name and number only")
    void serviceWithPhoneBySms(String lang) throws Exception {
        List<Problem> problems = new ArrayList<>();
        DirectoryFlow.Result r = withDirectory(java.nio.file.Files.readString(
                Path.of("src/test/resources/directory/valid.yaml")), problems);
        assertThat(problems).filteredOn(Problem::isError).isEmpty();
        Engine engine = new Engine(r.flows(), r.locales(), Spelling.GSM_SAFE_NY, Gsm::fitsUssdScreen);
        State details = new State(lang, "directory.s_second", 0, List.of("main.home#0"));
        while (engine.render(details, false).choices() == 0) details = engine.step(details, Engine.MORE).state();

        Step warning = engine.step(details, "1");
        assertThat(warning.state().node()).isEqualTo("directory.sms_second");
        assertThat(warning.effects()).as("nothing is sent before the warning is read").isEmpty();
        assertThat(warning.screen().text()).startsWith(Spelling.GSM_SAFE_NY.apply(r.locales().text(lang, "help.sms_warning")));

        Step sms = engine.step(warning.state(), "1");
        assertThat(sms.state().node()).isEqualTo("help.sms_sent");
        Effect e = sms.effects().get(0);
        assertThat(e.action()).isEqualTo("sms");
        assertThat(e.textKey()).isEqualTo("dir.sms.second");
        assertThat(r.locales().text(lang, e.textKey())).isEqualTo("Second service: 20 22 33 44");
        assertThat(e.on()).containsOnlyKeys("failed", "limit", "refused");
        assertThat(engine.settle(sms, "failed").screen().text()).contains("Second service: 20 22 33 44");

        // A service without a phone offers no SMS at all.
        assertThat(r.flows().node("directory.s_first").options()).extracting(Option::action).containsOnlyNulls();
        assertThat(r.flows().nodes()).doesNotContainKey("directory.sms_first");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"fr", "bm"})
    @DisplayName("an empty category says so and offers the national helplines; so does 'Other region'")
    void emptyCategoryAndOtherRegion(String lang) {
        Content c = real();
        Spelling spelling = Spelling.GSM_SAFE_ENYE;
        Engine engine = engine(c, spelling);
        String helplines = "1. " + label(c, lang, spelling, "dir.helplines");

        Step economic = engine.step(new State(lang, "directory.r_bamako", 0, List.of("directory.regions#0")), "1");
        assertThat(economic.state().node()).isEqualTo("directory.r_bamako_economic");
        assertThat(economic.screen().text()).contains(label(c, lang, spelling, "dir.none")).contains(helplines);
        assertThat(engine.step(economic.state(), "1").state().node()).isEqualTo("help.menu");

        assertThat(c.flows().node("directory.regions").options()).extracting(Option::go).startsWith("directory.r_bamako");
        String last = lastRegionsScreen(c);
        Node regions = c.flows().node(last);
        int other = regions.options().size();
        assertThat(regions.options().get(other - 1).go()).isEqualTo("directory.other_region");
        Step otherRegion = engine.step(new State(lang, last, 0, List.of("help.menu#0")), String.valueOf(other));
        assertThat(otherRegion.screen().text()).contains(label(c, lang, spelling, "dir.other_region.text")).contains(helplines);
        assertThat(engine.step(otherRegion.state(), "1").state().node()).isEqualTo("help.menu");
    }

    @ParameterizedTest(name = "{0}, {1}")
    @CsvSource({"fr, GSM_SAFE_NY", "bm, GSM_SAFE_NY", "fr, GSM_SAFE_ENYE", "bm, GSM_SAFE_ENYE"})
    @DisplayName("no phone number is invented: every details screen says 'no number known', and shows only helpline numbers")
    void noPhoneInvented(String lang, Spelling spelling) {
        Content c = real();
        Engine engine = engine(c, spelling);
        Directory d = Directory.load(Path.of("flows", Directory.FILE), "x", new ArrayList<>());
        for (Directory.Service s : d.services()) {
            String text = allPages(engine, new State(lang, "directory.s_" + s.id(), 0, List.of("main.home#0")));
            assertThat(text).as(s.id()).contains(spelling.apply(c.locales().text(lang, "dir.s." + s.id()).split("\n")[0]));
            // Whole on one screen: a number split over two screens cannot be read.
            State at = new State(lang, "directory.s_" + s.id(), 0, List.of("main.home#0"));
            assertThat(engine.render(at, false).allPages()).as(s.id())
                    .anySatisfy(page -> assertThat(page).contains(spelling.apply(noPhoneText(lang))));
            String stripped = text.replace("80 00 11 15", "").replace("80 00 11 14", "").replaceAll("\\[[A-Z0-9-]+]", "")
                    .replaceAll("(?m)^\\d+\\. ", "").replaceAll("\\b(98|00|0) ", "");
            assertThat(stripped).as("%s shows a number no source gives:%n%s", s.id(), text).doesNotContainPattern("\\d");
        }
    }

    @ParameterizedTest(name = "{0}, {1}")
    @CsvSource({"fr, GSM_SAFE_NY", "bm, GSM_SAFE_NY", "fr, GSM_SAFE_ENYE", "bm, GSM_SAFE_ENYE", "fr, STANDARD", "bm, STANDARD"})
    @DisplayName("every directory entry: no source key on any page or in the SMS, the phone line on the first page, no page ending on a label")
    void noSourceKeysOnAnyCallerScreen(String lang, Spelling spelling) {
        Content c = real();
        Engine engine = engine(c, spelling);
        Directory d = Directory.load(Path.of("flows", Directory.FILE), "x", new ArrayList<>());
        assertThat(d.services()).hasSizeGreaterThan(10);
        for (Directory.Service s : d.services()) {
            State at = new State(lang, "directory.s_" + s.id(), 0, List.of("main.home#0"));
            List<String> pages = engine.render(at, false).allPages();
            List<String> shown = new ArrayList<>(pages);
            shown.add(c.locales().text(lang, "dir.s." + s.id()));           // what "send me this by SMS" sends
            for (String text : shown) {
                assertThat(text).as("%s (%s)", s.id(), lang).doesNotContainPattern("\\[[A-Z0-9-]+]");
                for (String key : s.sources()) assertThat(text).as("%s shows its source key", s.id()).doesNotContain(key + "]");
                assertThat(text).doesNotContain("Source");
            }
            for (String page : pages) assertThat(page.strip()).as("%s: a page ends on a label", s.id()).doesNotEndWith(":");
            String phoneLine = s.phone().isEmpty() ? spelling.apply(noPhoneText(lang)) : s.phone();
            // On the 80-unit screen Bambara's standard spelling forces, the line may run on: its number stays whole.
            if (spelling != Spelling.STANDARD || lang.equals("fr")) {
                assertThat(pages.get(0)).as("%s: the phone line on the first page", s.id()).contains(phoneLine);
            } else {
                assertThat(pages).anySatisfy(p -> assertThat(p).contains("80 00 11 15"));
            }
        }
    }

    /** The "no number known" label as translators wrote it (not consumed into the generated keys). */
    static String noPhoneText(String lang) {
        return Locales.load(LOCALES, new ArrayList<>()).text(lang, "directory.no_phone");
    }

    @ParameterizedTest(name = "{0} services named like ''{1}…''")
    @CsvSource({
            "1,  Court",
            "7,  Court",
            "8,  Court",
            "25, Court",
            "9,  Centre d'accueil et d'hébergement des victimes de la traite",
            "12, Association pour la protection et l'accompagnement des enfants"})
    @DisplayName("a long list becomes screens of at most 7 services then 98 Suite, each fitting, every service reachable once")
    void paging(int count, String name) throws Exception {
        StringBuilder yaml = new StringBuilder("services:\n");
        for (int i = 1; i <= count; i++) {
            yaml.append("  - { id: s").append(i).append(", name: \"").append(name).append(' ').append(i)
                    .append("\", region: bamako, category: economic, subcategory: [job_placement], source: TEST }\n");
        }
        List<Problem> problems = new ArrayList<>();
        DirectoryFlow.Result r = withDirectory(yaml.toString(), problems);
        assertThat(problems).filteredOn(Problem::isError).isEmpty();

        List<String> services = new ArrayList<>();
        String id = "directory.r_bamako_economic";
        int screens = 0;
        while (id != null) {
            Node node = r.flows().node(id);
            assertThat(node).as(id).isNotNull();
            screens++;
            List<Option> options = node.options();
            assertThat(options.size()).isLessThanOrEqualTo(9);
            String next = node.param(Node.MORE);
            for (Option o : options) {
                assertThat(o.go()).as("only services are numbered; the rest of the list is 98").startsWith("directory.s_");
                services.add(o.go().substring("directory.s_".length()));
            }
            assertThat(options).hasSizeBetween(1, 7);
            if (next != null) assertThat(next).isEqualTo("directory.r_bamako_economic_p" + (screens + 1));
            id = next;
        }
        List<String> expected = new ArrayList<>();
        for (int i = 1; i <= count; i++) expected.add("s" + i);
        assertThat(services).containsExactlyElementsOf(expected);
        if (count <= 7 && name.length() < 10) assertThat(screens).isEqualTo(1);
        if (count > 7) assertThat(screens).isGreaterThan(1);
        for (Spelling spelling : List.of(Spelling.GSM_SAFE_NY, Spelling.GSM_SAFE_ENYE)) {
            assertThat(Lint.check(r.flows(), r.locales(), spelling)).filteredOn(Problem::isError).isEmpty();
        }
        // This Bamako only has economic services: the other two categories say so.
        assertThat(r.flows().node("directory.r_bamako_social").text()).isEqualTo("dir.none");
        assertThat(regionTargets(r.flows())).as("every region is offered, services or not")
                .hasSize(Directory.REGIONS.size() + 1).startsWith("directory.r_bamako").endsWith("directory.other_region");
        assertThat(r.flows().node("directory.r_kayes").text()).as("a region without a service says so").isEqualTo("dir.r.kayes");
    }

    @Test
    @DisplayName("details show only the fields a source gives, with localized labels; a known phone is shown as given")
    void detailsCompose() throws Exception {
        String yaml = """
                services:
                  - id: full
                    name: "Centre X"
                    region: gao
                    town: "Gao"
                    category: [social, psychosocial]
                    subcategory: [health, psychological_care]
                    offers: { fr: "écoute", bm: "lamɛnni" }
                    phone: "20 00 00 01"
                    hours: { fr: "lundi-vendredi", bm: "ntɛnɛ-juma" }
                    cost: free
                    who: "migrants"
                    source: [MDM, KIBARU]
                    verified: "2025-03-01"
                  - id: bare
                    name: "Centre Y"
                    region: gao
                    category: social
                    source: MDM
                """;
        List<Problem> problems = new ArrayList<>();
        DirectoryFlow.Result r = withDirectory(yaml, problems);
        assertThat(problems).filteredOn(Problem::isError).isEmpty();
        assertThat(r.locales().text("fr", "dir.s.full")).isEqualTo("""
                Centre X
                Tél: 20 00 00 01
                Lieu: Gao
                Offre: soins médicaux, soins psychologiques, écoute
                Pour: migrants
                Horaires: lundi-vendredi
                Coût: gratuit
                Vérifié le 2025-03-01""");
        assertThat(r.locales().text("bm", "dir.s.full")).contains("lamɛnni", "ntɛnɛ-juma", "Telefɔni: 20 00 00 01", "fu",
                "A lajɛra 2025-03-01").doesNotContain("Tél", "Lieu", "[", "MDM");
        assertThat(r.locales().text("fr", "dir.s.bare")).isEqualTo("Centre Y\n" + noPhoneText("fr")
                + "\nInfo à vérifier");
        assertThat(r.locales().text("bm", "dir.s.bare")).contains(noPhoneText("bm"), "Kunnafoni ka kan ka lajɛ")
                .doesNotContain("[", "MDM");
    }

    @Test
    @DisplayName("generated Bambara texts count as unreviewed; the label keys are consumed, not left unused")
    void reviewAndLabels() {
        Content c = real();
        for (String key : c.locales().keys("bm")) {
            if (key.startsWith("dir.")) assertThat(c.locales().entry("bm", key).reviewed()).as(key).isFalse();
        }
        for (String key : c.locales().keys("fr")) {
            if (key.startsWith("dir.")) assertThat(c.locales().entry("fr", key).reviewed()).as(key).isTrue();
        }
        assertThat(c.locales().allKeys()).noneMatch(k -> k.startsWith("directory."));
        assertThat(Lint.check(FLOWS, LOCALES, Spelling.GSM_SAFE_NY))
                .noneMatch(p -> p.message().contains("'directory.") || p.message().contains("'dir."));
    }

    @Test
    @DisplayName("a label missing in Bambara is an ERROR naming locales/bm/directory.yaml")
    void missingLabel() {
        List<Problem> loading = new ArrayList<>();
        FlowSet flows = FlowSet.load(FLOWS, loading);
        Locales full = Locales.load(LOCALES, new ArrayList<>());
        Map<String, Map<String, Locales.Entry>> byLang = new LinkedHashMap<>();
        for (String lang : Locales.LANGUAGES) {
            Map<String, Locales.Entry> m = new LinkedHashMap<>();
            full.keys(lang).forEach(k -> m.put(k, full.entry(lang, k)));
            byLang.put(lang, m);
        }
        byLang.get("bm").remove("directory.none");
        List<Problem> problems = new ArrayList<>();
        Directory d = Directory.load(Path.of("flows", Directory.FILE), "x", problems);
        DirectoryFlow.generate(d, "flows/directory/services.yaml", flows, new Locales(byLang), problems);
        assertThat(problems).filteredOn(Problem::isError).singleElement().satisfies(p -> {
            assertThat(p.file()).isEqualTo("locales/bm/directory.yaml");
            assertThat(p.lang()).isEqualTo("bm");
            assertThat(p.message()).contains("the text 'directory.none' is missing");
        });
    }

    @Test
    @DisplayName("flows copied without the directory file: a WARNING, and the help menu's option still leads somewhere")
    void directoryFileMissing(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        try (var files = java.nio.file.Files.list(FLOWS)) {
            for (Path f : files.filter(java.nio.file.Files::isRegularFile).toList()) {
                java.nio.file.Files.copy(f, dir.resolve(f.getFileName()));
            }
        }
        Content c = Content.load(dir, LOCALES);
        assertThat(c.problems()).singleElement().satisfies(p -> {
            assertThat(p.isError()).isFalse();
            assertThat(p.message()).contains("the service directory file is missing");
        });
        assertThat(regionTargets(c.flows())).as("no file: every region says it knows no service")
                .hasSize(Directory.REGIONS.size() + 1).endsWith("directory.other_region");
        assertThat(c.flows().node("directory.r_bamako").kind().name()).isEqualTo("message");
        assertThat(Lint.check(c.flows(), c.locales(), Spelling.GSM_SAFE_NY)).filteredOn(Problem::isError).isEmpty();
    }

    /** The region menu's screens, first to last (directory.regions, then _p2, _p3 ... by "98"). */
    static List<String> regionScreens(FlowSet flows) {
        List<String> screens = new ArrayList<>();
        String id = "directory.regions";
        while (id != null && flows.node(id) != null) {
            screens.add(id);
            id = flows.node(id).param(Node.MORE);
        }
        return screens;
    }

    static String lastRegionsScreen(Content c) {
        List<String> screens = regionScreens(c.flows());
        return screens.get(screens.size() - 1);
    }

    /** Where each option of the region menu leads, over all its screens. */
    static List<String> regionTargets(FlowSet flows) {
        List<String> targets = new ArrayList<>();
        for (String id : regionScreens(flows)) flows.node(id).options().forEach(o -> targets.add(o.go()));
        return targets;
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"fr", "bm"})
    @DisplayName("every region of Mali is offered, 7 a screen, Bamako first, the regions of 2023 included; one with no service offers the helplines and the call-back")
    void everyRegion(String lang) {
        Content c = real();
        Spelling spelling = Spelling.GSM_SAFE_NY;
        Engine engine = engine(c, spelling);
        List<String> targets = regionTargets(c.flows());
        List<String> expected = new ArrayList<>();
        Directory.REGIONS.forEach(r -> expected.add("directory.r_" + r));
        expected.add("directory.other_region");
        assertThat(targets).containsExactlyElementsOf(expected);
        assertThat(Directory.REGIONS).hasSize(20).contains("kidal", "menaka", "taoudenit", "bougouni", "koutiala", "san",
                "nioro", "kita", "nara", "dioila", "bandiagara", "douentza");
        for (String id : regionScreens(c.flows())) assertThat(c.flows().node(id).options()).hasSizeLessThanOrEqualTo(7);

        Node san = c.flows().node("directory.r_san");
        assertThat(san.kind().name()).as("no service is sourced for San").isEqualTo("message");
        String text = engine.render(new State(lang, "directory.r_san", 0, List.of("directory.regions#0")), false).screen().text();
        assertThat(text).startsWith("San: ").contains("1. " + label(c, lang, spelling, "dir.helplines"))
                .contains("2. " + label(c, lang, spelling, "main.home.callback"));
        assertThat(san.options()).extracting(Option::go).containsExactly("help.menu", "callback.intro");
    }
}
