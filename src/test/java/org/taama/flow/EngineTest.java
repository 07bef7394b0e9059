package org.taama.flow;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;
import org.taama.flow.Step.Outcome;
import org.taama.i18n.Gsm;
import org.taama.i18n.Locales;
import org.taama.i18n.Spelling;
import org.taama.lint.Problem;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;
import static org.taama.flow.Step.Outcome.*;

/**
 * The engine on a small flow set (src/test/resources/flows-fixture and locales-fixture): one node of
 * every kind, a long message with an option after its last page, and a long message that ends the call.
 */
class EngineTest {
    static final String MAIN = "main.home";
    static final String INVALID_FR = "Choix invalide. Tapez un numéro.";
    static final String INVALID_BM = "Fili don. Nimòrò dò sugandi.";
    static Engine engine;
    /** Index of the last page of main.long and main.bye in French. */
    static int longLast;
    static int byeLast;

    @BeforeAll
    static void load() {
        List<Problem> problems = new ArrayList<>();
        FlowSet flows = FlowSet.load(Path.of("src/test/resources/flows-fixture"), problems);
        List<String> localeProblems = new ArrayList<>();
        Locales locales = Locales.load(Path.of("src/test/resources/locales-fixture"), localeProblems);
        assertThat(problems).isEmpty();
        assertThat(localeProblems).isEmpty();
        engine = new Engine(flows, locales, Spelling.GSM_SAFE_NY, Gsm::fitsUssdScreen);
        longLast = engine.render(s("main.long", 0), false).pages() - 1;
        byeLast = engine.render(s("main.bye", 0), false).pages() - 1;
        assertThat(longLast).as("main.long runs over several pages").isGreaterThanOrEqualTo(2);
        assertThat(byeLast).as("main.bye runs over several pages").isGreaterThanOrEqualTo(1);
    }

    static State s(String node, int page, String... back) {
        return new State("fr", node, page, List.of(back));
    }

    static State bm(String node, int page, String... back) {
        return new State("bm", node, page, List.of(back));
    }

    /** Every screen the engine shows must fit one USSD screen in GSM-7 (the spelling is GSM-safe). */
    static Step checked(Step step) {
        String text = step.screen().text();
        assertThat(Gsm.isGsm7(text)).as("GSM-7: %s", text).isTrue();
        assertThat(Gsm.fitsUssdScreen(text)).as("fits a USSD screen (%s): %s", Gsm.ussdCost(text), text).isTrue();
        return step;
    }

    static void expect(Step step, Outcome outcome, State state) {
        checked(step);
        assertThat(step.outcome()).isEqualTo(outcome);
        assertThat(step.state()).isEqualTo(state);
        assertThat(step.screen().end()).isEqualTo(outcome == ENDED);
    }

    // ---------------------------------------------------------------- menu

    static Stream<Arguments> menu() {
        return Stream.of(
                arguments("home, 1 → info", s(MAIN, 0), "1", MOVED, s("main.info", 0, "main.home#0")),
                arguments("home, 2 → long message", s(MAIN, 0), "2", MOVED, s("main.long", 0, "main.home#0")),
                arguments("home, 4 → language menu", s(MAIN, 0), "4", MOVED, s("main.language", 0, "main.home#0")),
                arguments("info, 2 → long: the back stack grows", s("main.info", 0, "main.home#0"), "2", MOVED,
                        s("main.long", 0, "main.home#0", "main.info#0")),
                arguments("spaces around a choice are ignored", s("main.info", 0, "main.home#0"), " 1 ", MOVED,
                        s("main.short", 0, "main.home#0", "main.info#0")),
                arguments("home, 5: only 4 options", s(MAIN, 0), "5", INVALID, s(MAIN, 0)),
                arguments("info, 3: only 2 options", s("main.info", 0, "main.home#0"), "3", INVALID,
                        s("main.info", 0, "main.home#0")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("menu")
    @DisplayName("menu: a choice moves to its target and remembers where the caller was")
    void menuKind(String name, State from, String input, Outcome outcome, State to) {
        expect(engine.step(from, input), outcome, to);
    }

    @Test
    @DisplayName("menu: the main menu lists its options numbered from 1, with no 0/00 on the very first screen")
    void menuScreen() {
        assertThat(engine.step(s(MAIN, 0), "").screen().text())
                .isEqualTo("Menu principal\n1. Informations\n2. Un long texte\n3. Au revoir\n4. Langue / Kan");
        assertThat(engine.step(s("main.info", 0, "main.home#0"), "").screen().text())
                .isEqualTo("Informations\n1. Texte court\n2. Texte long\n0 Retour 00 Accueil");
    }

    // ---------------------------------------------------------------- message

    static Stream<Arguments> message() {
        String[] fromHome = {"main.home#0"};
        return Stream.of(
                arguments("98 on page 1 → page 2", s("main.long", 0, fromHome), "98", PAGED, s("main.long", 1, fromHome)),
                arguments("98 on the page before the last → the last", s("main.long", longLast - 1, fromHome), "98", PAGED,
                        s("main.long", longLast, fromHome)),
                arguments("0 on page 2 → page 1", s("main.long", 1, fromHome), "0", BACK, s("main.long", 0, fromHome)),
                arguments("0 on the last page → the page before", s("main.long", longLast, fromHome), "0", BACK,
                        s("main.long", longLast - 1, fromHome)),
                arguments("0 on page 1 → the menu it came from", s("main.long", 0, "main.home#0", "main.info#0"), "0",
                        BACK, s("main.info", 0, "main.home#0")),
                arguments("98 on the last page is invalid", s("main.long", longLast, fromHome), "98", INVALID,
                        s("main.long", longLast, fromHome)),
                arguments("1 before the last page is invalid: options come last", s("main.long", 0, fromHome), "1",
                        INVALID, s("main.long", 0, fromHome)),
                arguments("1 on the last page → its option", s("main.long", longLast, fromHome), "1", MOVED,
                        s("main.short", 0, "main.home#0", "main.long#" + longLast)),
                arguments("and 0 from there comes back to that last page", s("main.short", 0, "main.home#0",
                        "main.long#" + longLast), "0", BACK, s("main.long", longLast, fromHome)),
                arguments("a message without options takes no choice", s("main.short", 0, fromHome), "1", INVALID,
                        s("main.short", 0, fromHome)),
                arguments("98 on a one-page message is invalid", s("main.short", 0, fromHome), "98", INVALID,
                        s("main.short", 0, fromHome)),
                arguments("end: true, 98 onto the last page ends the call", s("main.bye", byeLast - 1, fromHome), "98",
                        ENDED, s("main.bye", byeLast, fromHome)),
                arguments("end: true, the first page of a long ending message does not end", s(MAIN, 0), "3",
                        MOVED, s("main.bye", 0, fromHome)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("message")
    @DisplayName("message: paged with 98, 0 goes to the previous page, options only after the last page")
    void messageKind(String name, State from, String input, Outcome outcome, State to) {
        expect(engine.step(from, input), outcome, to);
    }

    @ParameterizedTest(name = "{0}, page {1}")
    @CsvSource({"fr, 0", "fr, 1", "fr, 2", "bm, 0", "bm, 1", "bm, 2"})
    @DisplayName("message: 98 and the options are where they belong on each page of a long text")
    void messagePages(String lang, int page) {
        State st = new State(lang, "main.long", page, List.of("main.home#0"));
        Engine.Rendered r = engine.render(st, false);
        assertThat(r.pages()).isGreaterThan(page);
        String text = checked(engine.step(st, "")).screen().text();
        boolean last = page == r.pages() - 1;
        String more = lang.equals("fr") ? "98 Suite" : "98 A tò";
        String option = lang.equals("fr") ? "1. Voir le texte court" : "1. Sèbèn surun lajè";
        assertThat(text.contains(more)).as("98 shown on page %d: %s", page, text).isEqualTo(!last);
        assertThat(text.contains(option)).as("option shown on page %d: %s", page, text).isEqualTo(last);
        assertThat(text).endsWith(lang.equals("fr") ? "0 Retour 00 Accueil" : "0 Segin 00 Daminè");
        assertThat(r.choices()).isEqualTo(last ? 1 : 0);
    }

    @Test
    @DisplayName("message: the pages of a long text hold all of it, in order")
    void messagePagesHoldTheWholeText() {
        Engine.Rendered r = engine.render(s("main.long", 0, "main.home#0"), false);
        String expected = engine.text("fr", "main.long");
        assertThat(String.join(" ", r.allPages()).replaceAll("\\s+", " ")).isEqualTo(expected.replaceAll("\\s+", " "));
    }

    @Test
    @DisplayName("message with end: true ends the call on its last page only, without options or navigation")
    void endingMessage() {
        for (int p = 0; p < byeLast; p++) {
            Step step = checked(engine.step(s("main.bye", p, "main.home#0"), ""));
            assertThat(step.screen().end()).as("page %d does not end the call", p).isFalse();
            assertThat(step.outcome()).isEqualTo(REPEATED);
            assertThat(step.screen().text()).contains("98 Suite");
        }
        Step last = checked(engine.step(s("main.bye", byeLast, "main.home#0"), ""));
        assertThat(last.outcome()).isEqualTo(ENDED);
        assertThat(last.screen().end()).isTrue();
        assertThat(last.screen().text()).doesNotContain("98").doesNotContain("Retour").endsWith("bon voyage.");
    }

    // ---------------------------------------------------------------- language

    static Stream<Arguments> language() {
        return Stream.of(
                arguments("new caller picks 2 → Bambara main menu", s("main.language", 0), "2", LANGUAGE_SET, bm(MAIN, 0)),
                arguments("new caller picks 1 → French main menu", s("main.language", 0), "1", LANGUAGE_SET, s(MAIN, 0)),
                arguments("from the main menu: the back stack is cleared", s("main.language", 0, "main.home#0"), "2",
                        LANGUAGE_SET, bm(MAIN, 0)),
                arguments("Bambara caller back to French", bm("main.language", 0, "main.home#0", "main.info#0"), "1",
                        LANGUAGE_SET, s(MAIN, 0)),
                arguments("3 is not a language", s("main.language", 0), "3", INVALID, s("main.language", 0)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("language")
    @DisplayName("language: a choice sets the language, goes to its target and forgets the way back")
    void languageKind(String name, State from, String input, Outcome outcome, State to) {
        expect(engine.step(from, input), outcome, to);
    }

    @Test
    @DisplayName("language: the screen after choosing Bambara is in Bambara, GSM-safe spelling")
    void languageScreen() {
        Step step = checked(engine.step(s("main.language", 0), "2"));
        assertThat(step.screen().text()).startsWith("Nyèfòli\n1. Kunnafoni");
    }

    // ---------------------------------------------------------------- navigation

    static Stream<Arguments> navigation() {
        return Stream.of(
                arguments("00 from deep inside → main menu, back stack cleared",
                        s("main.long", 1, "main.home#0", "main.info#0"), "00", Outcome.HOME, s(MAIN, 0)),
                arguments("00 on the main menu stays there", s(MAIN, 0), "00", Outcome.HOME, s(MAIN, 0)),
                arguments("0 on the very first screen stays on the main menu", s(MAIN, 0), "0", BACK, s(MAIN, 0)),
                arguments("0 on the first language screen leads to the main menu", s("main.language", 0), "0", BACK,
                        s(MAIN, 0)),
                arguments("0 on a screen with nothing behind it leads home", s("main.short", 0), "0", BACK, s(MAIN, 0)),
                arguments("0 with a back entry naming a removed node restarts at home",
                        s("main.short", 0, "gone.node#3"), "0", BACK, s(MAIN, 0)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("navigation")
    @DisplayName("navigation: 0 back, 00 home, the same on every node")
    void navigation(String name, State from, String input, Outcome outcome, State to) {
        expect(engine.step(from, input), outcome, to);
    }

    static Stream<Arguments> invalidInputs() {
        List<State> states = List.of(s(MAIN, 0), s("main.info", 0, "main.home#0"), s("main.long", 0, "main.home#0"),
                s("main.long", longLast, "main.home#0"), s("main.language", 0), s("main.bye", 0, "main.home#0"));
        List<String> inputs = List.of("abc", "A", "10", "99", "000", "01", "-1", "+1", "1.", "1 2", "#", "*", "😀",
                "\u0007", "\u0000", "1\u0000", "\u202E1", "\u202E", "\u200B1", "１", "٣", "1".repeat(300), "*".repeat(5000));
        List<Arguments> out = new ArrayList<>();
        for (State st : states) for (String in : inputs) out.add(arguments(st, in));
        return out.stream();
    }

    @ParameterizedTest(name = "on {0}: {1}")
    @MethodSource("invalidInputs")
    @DisplayName("invalid input shows the hint on the same screen, never ends the call")
    void invalidInput(State from, String input) {
        Step step = engine.step(from, input);
        expect(step, INVALID, from);
        assertThat(step.screen().text()).startsWith(INVALID_FR + "\n");
    }

    @Test
    @DisplayName("the hint is in the caller's language, GSM-safe")
    void invalidInBambara() {
        Step step = checked(engine.step(bm(MAIN, 0), "x"));
        assertThat(step.outcome()).isEqualTo(INVALID);
        assertThat(step.screen().text()).startsWith(INVALID_BM + "\n");
    }

    @Test
    @DisplayName("a wrong key on any page of a long text keeps that page, whole, under the hint")
    void hintKeepsThePage() {
        for (int page = 0; page <= longLast; page++) {
            State st = s("main.long", page, "main.home#0");
            String normal = engine.step(st, "").screen().text();
            Step step = checked(engine.step(st, "x"));
            assertThat(step.outcome()).isEqualTo(INVALID);
            assertThat(step.state()).isEqualTo(st);
            assertThat(step.screen().text()).as("page %d", page + 1).isEqualTo(INVALID_FR + "\n" + normal);
        }
    }

    @ParameterizedTest(name = "''{0}''")
    @NullAndEmptySource
    @ValueSource(strings = {" ", "   ", "\t", "\n"})
    @DisplayName("an empty input repeats the same screen, without the hint")
    void emptyInputRepeats(String input) {
        State from = s("main.long", 1, "main.home#0");
        Step step = engine.step(from, input);
        expect(step, REPEATED, from);
        assertThat(step.screen().text()).doesNotContain(INVALID_FR);
    }

    // ---------------------------------------------------------------- states from elsewhere

    static Stream<Arguments> oddStates() {
        return Stream.of(
                arguments("a node this deployment no longer has", new State("fr", "gone.node", 2, List.of("x#1")), "",
                        REPEATED, s(MAIN, 0)),
                arguments("a node that no longer exists, then a choice on home", new State("bm", "gone.node", 0, List.of()),
                        "1", MOVED, bm("main.info", 0, "main.home#0")),
                arguments("no node at all", new State("fr", null, 0, List.of()), "", REPEATED, s(MAIN, 0)),
                arguments("an unknown language falls back to French", new State("en", "main.info", 0, List.of("main.home#0")),
                        "", REPEATED, s("main.info", 0, "main.home#0")),
                arguments("no language falls back to French", new State(null, MAIN, 0, List.of()), "1", MOVED,
                        s("main.info", 0, "main.home#0")),
                arguments("a page beyond the last shows the last", s("main.long", 99, "main.home#0"), "1", MOVED,
                        s("main.short", 0, "main.home#0", "main.long#99")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("oddStates")
    @DisplayName("a stored state from another deployment or version still gives a sensible screen")
    void oddState(String name, State from, String input, Outcome outcome, State to) {
        expect(engine.step(from, input), outcome, to);
    }

    @ParameterizedTest(name = "start(''{0}'', known={1}) → {2} in {3}")
    @CsvSource(textBlock = """
            fr, false, main.language, fr, Choisir la langue
            bm, false, main.language, bm, Choisir la langue
            xx, false, main.language, fr, Choisir la langue
            fr, true,  main.home,     fr, Menu principal
            bm, true,  main.home,     bm, Nyèfòli
            xx, true,  main.home,     fr, Menu principal
            ,   true,  main.home,     fr, Menu principal
            """)
    @DisplayName("start: a caller whose language is unknown sees the language menu, others the main menu")
    void start(String lang, boolean known, String node, String expectedLang, String title) {
        Step step = checked(engine.start(lang, known));
        assertThat(step.outcome()).isEqualTo(STARTED);
        assertThat(step.state()).isEqualTo(new State(expectedLang, node, 0, List.of()));
        assertThat(step.screen().end()).isFalse();
        // Nothing to go back to on the first screen of a call.
        assertThat(step.screen().text()).startsWith(title).doesNotContain("0 Retour").doesNotContain("0 Segin");
    }

    @Test
    @DisplayName("the back stack keeps the last 16 screens")
    void backStackIsBounded() {
        State st = s(MAIN, 0);
        for (int i = 0; i < 20; i++) st = st.forward("main.info");
        assertThat(st.back()).hasSize(State.MAX_BACK).last().isEqualTo("main.info#0");
        assertThat(st.previous().back()).hasSize(State.MAX_BACK - 1);
        assertThat(s(MAIN, 0).previous()).isNull();
    }
}
