package org.taama.lint;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.taama.i18n.Spelling;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The lint on small broken deployments: each folder under src/test/resources/lint/ is the valid one
 * ({@code lint/valid}) with one thing broken.
 */
class LintTest {
    static List<Problem> lint(String fixture) {
        Path dir = Path.of("src/test/resources/lint", fixture);
        return Lint.check(dir.resolve("flows"), dir.resolve("locales"), Spelling.GSM_SAFE_NY);
    }

    @Test
    @DisplayName("the unbroken fixture has no error, so each error below comes from its one breakage")
    void validFixtureIsClean() {
        assertThat(lint("valid")).filteredOn(Problem::isError).isEmpty();
    }

    @ParameterizedTest(name = "{0}: ERROR in {1}, node {2}, lang {3}: ''…{4}…''")
    @CsvSource(delimiter = '|', textBlock = """
            # fixture            | file              | node  | lang | the message says
            unknown-target       | flows/main.yaml   | info  |      | option 1 goes to 'main.nowhere', which no flow defines
            unreachable          | flows/main.yaml   | orphan|      | no caller can reach this screen
            missing-bm           | flows/main.yaml   | info  | bm   | the text 'main.info' is missing: add it to locales/bm/main.yaml
            missing-fr           | flows/main.yaml   | info  | fr   | the text 'main.info' is missing: add it to locales/fr/main.yaml
            menu-too-long        | flows/main.yaml   | home  | fr   | the screen (title, options and navigation) is too long for a phone
            menu-too-long        | flows/main.yaml   | home  | bm   | the screen (title, options and navigation) is too long for a phone
            unknown-kind         | flows/main.yaml   | extra |      | kind: 'carousel' is unknown; use one of [menu, message, language, input, result, resume, readback, quiz, quiz_code, quiz_score]
            invalid-yaml         | flows/help.yaml   |       |      | not valid YAML
            missing-spec-version | flows/main.yaml   |       |      | spec_version must be 1
            number-cut           | flows/main.yaml   | info  | fr   | a phone number is cut between two pages on ussd (GSM-safe spelling, ny): page 2 ends '...01 80 00 11 25 80 00', page 3 starts '11 11
            number-cut-whatsapp  | flows/main.yaml   | info  | fr   | a phone number is cut between two pages on whatsapp: page 1 ends
            number-cut-whatsapp  | flows/main.yaml   | info  | bm   | a phone number is cut between two pages on whatsapp: page 1 ends
            source-key           | flows/main.yaml   | info  | bm   | callers would read the source key [JDM]
            variant-unknown-channel | locales/fr/main.yaml |  | fr   | 'main.info@telegram': 'telegram' is not a channel
            variant-one-language | locales/bm        |       | bm   | the text 'main.info@whatsapp' is missing: whatsapp would show 'main.info'
            more-unknown-target  | flows/main.yaml   | info  |      | more: 'main.nowhere' is not a node of any flow
            intro-too-long       | locales/fr/common.yaml |  | fr   | chat.intro must be one line that fits one SMS; it takes 2 SMS
            """)
    @DisplayName("each broken fixture gives an ERROR naming the file, the node and, for texts, the language")
    void brokenFixture(String fixture, String file, String node, String lang, String message) {
        List<Problem> errors = lint(fixture).stream().filter(Problem::isError).toList();
        assertThat(errors)
                .as("errors of %s", fixture)
                .anySatisfy(p -> {
                    assertThat(p.file()).isEqualTo(file);
                    assertThat(p.node()).isEqualTo(node);
                    assertThat(p.lang()).isEqualTo(lang);
                    assertThat(p.message()).contains(message);
                });
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"unknown-target", "unreachable", "missing-bm", "missing-fr", "unknown-kind", "missing-spec-version",
            "number-cut", "source-key", "variant-one-language", "more-unknown-target",
            "intro-too-long"})
    @DisplayName("one breakage gives exactly one error")
    void oneBreakageOneError(String fixture) {
        assertThat(lint(fixture)).filteredOn(Problem::isError).hasSize(1);
    }

    @Test
    @DisplayName("a menu too long says how long it is and what fits")
    void menuTooLongSaysHowLong() {
        Problem p = lint("menu-too-long").stream().filter(Problem::isError).filter(e -> "fr".equals(e.lang()))
                .findFirst().orElseThrow();
        assertThat(p.message()).matches(".*: \\d+ characters, 182 fit\\. Shorten the title or option labels");
    }

    @Test
    @DisplayName("a broken locale file is an ERROR that names the file")
    void invalidLocaleYaml() {
        assertThat(lint("invalid-locale-yaml")).filteredOn(Problem::isError)
                .anySatisfy(p -> assertThat(p.toString()).contains("bm/broken.yaml").contains("not valid YAML"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            ERROR   | flows/main.yaml | home | bm | too long     | ERROR   flows/main.yaml, node 'home', Bambara (bm): too long
            ERROR   | flows/help.yaml | menu | fr | missing      | ERROR   flows/help.yaml, node 'menu', French (fr): missing
            WARNING | locales/bm      |      | bm | 3 unreviewed | WARNING locales/bm, Bambara (bm): 3 unreviewed
            ERROR   | flows/main.yaml |      |    | bad          | ERROR   flows/main.yaml: bad
            ERROR   |                 |      |    | no folder    | ERROR   -: no folder
            WARNING | x.yaml          | n    | wo | odd language | WARNING x.yaml, node 'n', wo: odd language
            """)
    @DisplayName("Problem.toString reads as one line a translator can act on")
    void problemToString(Problem.Severity severity, String file, String node, String lang, String message, String expected) {
        assertThat(new Problem(severity, file, node, lang, message)).hasToString(expected);
    }

    static List<Problem> warnings(String fixture, String about) {
        return lint(fixture).stream().filter(p -> !p.isError()).filter(p -> p.message().contains(about)).toList();
    }

    @Test
    @DisplayName("a French word on a Bambara screen is a WARNING naming the file, the key and the word")
    void frenchWordInBambara() {
        assertThat(warnings("french-in-bambara", "French word")).singleElement().satisfies(p -> {
            assertThat(p.file()).isEqualTo("locales/bm/main.yaml");
            assertThat(p.lang()).isEqualTo("bm");
            assertThat(p.message()).contains("'main.info'").contains("'psychosocial'");
        });
        assertThat(lint("french-in-bambara")).filteredOn(Problem::isError).isEmpty();
        assertThat(warnings("valid", "French word")).as("Bambara words such as 'la' are not French").isEmpty();
    }

    @Test
    @DisplayName("a text marked bilingual: true may hold French on purpose")
    void bilingualTextMayHoldFrench() {
        assertThat(warnings("french-bilingual", "French word")).isEmpty();
    }

    @Test
    @DisplayName("the French stop-list matches whole words, accents and case aside, never a Bambara word")
    void frenchStopList() {
        assertThat(Lint.frenchWord("Dɛmɛ PSYCHOSOCIAL")).isEqualTo("psychosocial");
        assertThat(Lint.frenchWord("OIM, sous-bureau de Kayes")).isEqualTo("sous");
        assertThat(Lint.frenchWord("Autre region")).isEqualTo("région");
        assertThat(Lint.frenchWord("A fɔ dɛmɛ baarada dɔ ye, i ka du la.")).isNull();
        assertThat(Lint.frenchWord("Foyerw")).as("a longer word is not the French word").isNull();
    }

    @Test
    @DisplayName("a term-list concept written another way is a WARNING naming the chosen form; inside a longer word it is not")
    void termWrittenAnotherWay() {
        List<Problem> terms = warnings("term-list", "term list");
        assertThat(terms).singleElement().satisfies(p -> {
            assertThat(p.file()).isEqualTo("locales/bm/main.yaml");
            assertThat(p.lang()).isEqualTo("bm");
            assertThat(p.message()).contains("'main.info' writes 'Tumbutu' for Tombouctou").contains("chose 'Tumutu'");
        });
        assertThat(lint("term-list")).as("jɔ inside Jɔnjago is not the term 'jɔ'; the table after the list is not read")
                .filteredOn(Problem::isError).isEmpty();
    }

    @Test
    @DisplayName("a term-list row without its three cells is an ERROR naming the row")
    void termListBadRow() {
        assertThat(lint("term-list-bad-row")).filteredOn(Problem::isError).singleElement()
                .satisfies(p -> assertThat(p.message()).contains("| only two | cells |").contains("three cells"));
    }

    @Test
    @DisplayName("the real content: no French word on a Bambara screen, every term written the chosen way")
    void realContentFollowsTheTermList() {
        List<Problem> problems = Lint.check(Path.of("flows"), Path.of("locales"), Spelling.GSM_SAFE_NY);
        assertThat(problems).filteredOn(p -> p.message().contains("French word") || p.message().contains("term list"))
                .isEmpty();
        assertThat(Terms.load(Path.of("locales", Terms.FILE), new java.util.ArrayList<>()))
                .as("the term list is read from locales/README.md").hasSizeGreaterThanOrEqualTo(8)
                .anySatisfy(t -> assertThat(t.chosen()).isEqualTo("Tumutu"));
    }

    @Test
    @DisplayName("with the server's settings filled in, a {name} no setting fills is an ERROR naming the text; a filled one is not")
    void unfilledValue() {
        Path dir = Path.of("src/test/resources/lint", "unfilled-value");
        List<Problem> errors = Lint.check(dir.resolve("flows"), dir.resolve("locales"), Spelling.GSM_SAFE_NY,
                java.util.Map.of("lang_days", "365")).stream().filter(Problem::isError).toList();
        assertThat(errors).singleElement().satisfies(p -> {
            assertThat(p.lang()).isEqualTo("fr");
            assertThat(p.file()).isEqualTo("locales/fr/main.yaml");
            assertThat(p.message()).contains("'main.info' holds {lang_dayz}");
        });
        assertThat(lint("unfilled-value")).as("without settings (the content alone) nothing is filled or checked")
                .filteredOn(Problem::isError).isEmpty();
    }

    @Test
    @DisplayName("the real content with the real settings: every {name} a text quotes is filled")
    void realContentFillsEverySetting() {
        var values = org.taama.server.Server.textValues(org.taama.config.Config.from(java.util.Map.of()));
        assertThat(Lint.check(Path.of("flows"), Path.of("locales"), Spelling.GSM_SAFE_NY, values))
                .filteredOn(Problem::isError).isEmpty();
        assertThat(values).containsKeys("lang_days", "session_minutes", "chat_hours", "consent_days", "case_days", "case_idle_days");
    }

    @Test
    @DisplayName("a term-list form is found with the Bambara plural -w too, but not inside another word")
    void termWithPlural() {
        Terms.Term sign = new Terms.Term("warning sign", "farati taamasiyɛn", List.of("jɔnjago taamasiyɛn"));
        assertThat(sign.otherFormIn("Jɔnjago taamasiyɛnw")).isEqualTo("jɔnjago taamasiyɛn");
        assertThat(sign.otherFormIn("o ye jɔnjago taamasiyɛn ye")).isEqualTo("jɔnjago taamasiyɛn");
        assertThat(sign.otherFormIn("Farati taamasiyɛnw")).isNull();
        Terms.Term stop = new Terms.Term("to stop", "dabila", List.of("jɔ"));
        assertThat(stop.otherFormIn("Ka a jɔ, STOP ci.")).isEqualTo("jɔ");
        assertThat(stop.otherFormIn("Jɔnjago kɛlɛ")).as("jɔn is another word").isNull();
    }
}
