package org.taama.flow;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.taama.i18n.Gsm;
import org.taama.i18n.Locales;
import org.taama.i18n.Spelling;
import org.taama.lint.Lint;
import org.taama.lint.Problem;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/** The repository's own flows/ and locales/, walked screen by screen as a caller on USSD would. */
class RealContentTest {
    static final Path FLOWS = Path.of("flows");
    static final Path LOCALES = Path.of("locales");

    /** The content as the server loads it: flows, texts, and the flow generated from the service directory. */
    static Engine engine(Spelling spelling) {
        org.taama.lint.Content content = org.taama.lint.Content.load(FLOWS, LOCALES);
        assertThat(content.problems().stream().filter(Problem::isError)).isEmpty();
        assertThat(content.flows().node("directory.regions")).as("the generated directory flow").isNotNull();
        return new Engine(content.flows(), content.locales(), spelling, Gsm::fitsUssdScreen);
    }

    static void fits(List<String> tooLong, String where, Screen screen) {
        String t = screen.text();
        if (!Gsm.isGsm7(t) || !Gsm.fitsUssdScreen(t)) tooLong.add(where + " " + Gsm.ussdCost(t) + ": " + t);
    }

    @ParameterizedTest(name = "{0}, {1}")
    @CsvSource({"fr, GSM_SAFE_NY", "bm, GSM_SAFE_NY", "fr, GSM_SAFE_ENYE", "bm, GSM_SAFE_ENYE"})
    @DisplayName("a caller pressing every key reaches every node, and every screen fits one USSD screen in GSM-7")
    void walkEveryNode(String lang, Spelling spelling) {
        Engine engine = engine(spelling);
        Set<String> nodes = engine.flows().nodes().keySet();
        assertThat(nodes.size()).as("distinct nodes in flows/").isGreaterThanOrEqualTo(15);

        Set<String> seen = new HashSet<>();
        Set<String> nodesInLang = new TreeSet<>();
        List<String> tooLong = new ArrayList<>();
        Deque<Step> todo = new ArrayDeque<>();
        todo.add(engine.start(lang, false));
        todo.add(engine.start(lang, true));
        // A re-dial while a broken-off call is still warm offers to continue where it was.
        todo.add(engine.resume(new State(lang, "rights.law", 0, List.of("main.home#0", "rights.menu#0"))));
        List<String> keys = List.of("1", "2", "3", "4", "5", "6", "7", "8", "9", "98", "0", "00");
        while (!todo.isEmpty()) {
            Step step = todo.pop();
            State st = step.state();
            if (!seen.add(st.lang() + " " + st.node() + "#" + st.page())) continue;
            if (st.lang().equals(lang)) nodesInLang.add(st.node());
            fits(tooLong, st.node() + "#" + st.page() + " (" + st.lang() + ")", step.screen());
            if (step.screen().end()) continue;
            fits(tooLong, st.node() + "#" + st.page() + " after a wrong key (" + st.lang() + ")",
                    engine.step(st, "x").screen());
            // A typed phone number where a question asks for one (the call-back's "other number").
            List<String> typed = new ArrayList<>(keys);
            typed.add("70 12 34 56");
            // A training's session code where the quiz asks for one.
            typed.add("482193");
            for (String key : typed) {
                Step next = engine.step(st, key);
                assertThat(next.outcome()).as("%s on %s", key, st).isNotEqualTo(Step.Outcome.REPEATED);
                if (next.outcome() == Step.Outcome.INVALID) continue;
                todo.push(next);
                // And every screen saying what did not happen (SMS not sent, limit, already registered...).
                next.effects().forEach(e -> e.on().keySet().forEach(outcome -> {
                    Step told = engine.settle(next, outcome);
                    assertThat(told).as("%s after %s on %s", outcome, key, st).isNotNull();
                    todo.push(told);
                }));
                // A live session code opens its quiz: every quiz of the content, in each phase.
                next.effects().stream().filter(e -> e.action().equals("quiz_open")).forEach(e ->
                        engine.flows().quizzes().keySet().forEach(quiz -> todo.push(engine.settle(next,
                                new Effect.Result(Effect.OK, quiz, Map.of("quiz.code", e.data().get("code"), "quiz.phase", "pre"))))));
            }
        }
        assertThat(tooLong).isEmpty();
        assertThat(nodesInLang).containsExactlyInAnyOrderElementsOf(nodes);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Spelling.class, names = {"GSM_SAFE_NY", "GSM_SAFE_ENYE"})
    @DisplayName("every page of every node, rendered directly with something to go back to, fits in both languages")
    void everyPageOfEveryNode(Spelling spelling) {
        Engine engine = engine(spelling);
        List<String> tooLong = new ArrayList<>();
        int screens = 0;
        for (String lang : Locales.LANGUAGES) {
            for (String node : engine.flows().nodes().keySet()) {
                State s = new State(lang, node, 0, List.of(FlowSet.HOME + "#0"));
                int pages = engine.render(s, false).pages();
                for (int p = 0; p < pages; p++) {
                    fits(tooLong, node + "#" + p + " (" + lang + ")", engine.render(s.at(node, p), false).screen());
                    fits(tooLong, node + "#" + p + " hint (" + lang + ")", engine.render(s.at(node, p), true).screen());
                    screens++;
                }
            }
        }
        assertThat(screens).isGreaterThanOrEqualTo(2 * 15);
        assertThat(tooLong).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Spelling.class, names = {"GSM_SAFE_NY", "GSM_SAFE_ENYE"})
    @DisplayName("the lint finds no error in the repository's content, with either GSM-safe spelling")
    void lintIsClean(Spelling spelling) {
        List<Problem> errors = Lint.check(FLOWS, LOCALES, spelling).stream().filter(Problem::isError).toList();
        assertThat(errors).isEmpty();
    }
}
