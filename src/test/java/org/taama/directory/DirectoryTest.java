package org.taama.directory;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.taama.lint.Problem;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Reading flows/directory/services.yaml, and what a content officer is told when an entry is wrong. */
class DirectoryTest {
    static final Path REAL = Path.of("flows", Directory.FILE);
    static final Path FIXTURES = Path.of("src/test/resources/directory");

    static List<Problem> problems(String fixture) {
        List<Problem> problems = new ArrayList<>();
        Directory.load(FIXTURES.resolve(fixture + ".yaml"), "directory/" + fixture + ".yaml", problems);
        return problems;
    }

    @Test
    @DisplayName("the real directory loads with no problem, every entry sourced, no phone number, none claimed verified")
    void realDirectoryIsClean() {
        List<Problem> problems = new ArrayList<>();
        Directory d = Directory.load(REAL, "flows/" + Directory.FILE, problems);
        assertThat(problems).isEmpty();
        assertThat(d.services()).hasSizeGreaterThanOrEqualTo(15);
        Set<String> contentKeys = Set.of("AJDM", "SAMU", "AEP", "IOM-TC", "MDM", "IOM-GAO", "ESSOR-IOM", "KIBARU",
                "MW-2025", "IOM-RET");
        assertThat(d.services()).allSatisfy(s -> {
            assertThat(s.sources()).as(s.id()).isNotEmpty();
            assertThat(contentKeys).as(s.id()).containsAll(s.sources());
            // No source in CONTENT.md gives a phone, hours or a cost: none may appear.
            assertThat(s.phone()).as(s.id()).isEmpty();
            assertThat(s.hours().isEmpty()).as(s.id()).isTrue();
            assertThat(s.cost()).as(s.id()).isEmpty();
            assertThat(s.verified()).as(s.id()).isEmpty();
        });
        assertThat(d.services()).extracting(Directory.Service::id).contains("ajdm_shelters", "samusocial_mali", "cigem",
                "cite_accueil", "enda_mali", "bnce", "wath", "kanuya", "maison_migrant_gao", "iom_saneye", "direy_ben",
                "iom_kayes", "iom_mopti", "iom_tombouctou", "iom_gao");
        // No economic service is sourced anywhere (CONTENT.md section 5, "Gap").
        assertThat(d.services()).noneMatch(s -> s.categories().contains("economic"));
    }

    @Test
    @DisplayName("the valid fixture reads every field: lists or single values, per-language texts, [KEY] or KEY")
    void validFixture() {
        List<Problem> problems = new ArrayList<>();
        Directory d = Directory.load(FIXTURES.resolve("valid.yaml"), "valid.yaml", problems);
        assertThat(problems).isEmpty();
        assertThat(d.services()).hasSize(2);
        Directory.Service first = d.services().get(0);
        assertThat(first.categories()).containsExactly("social", "psychosocial");
        assertThat(first.subcategories()).containsExactly("health", "psychosocial_support");
        assertThat(first.who().in("fr")).isEqualTo("filles");
        assertThat(first.who().in("bm")).isEqualTo("npogotigiw");
        assertThat(first.cost()).isEqualTo("free");
        Directory.Service second = d.services().get(1);
        assertThat(second.categories()).containsExactly("social");
        assertThat(second.sources()).containsExactly("MDM", "KIBARU");
        assertThat(second.offers().in("bm")).as("Bambara falls back to French").isEqualTo("information");
        assertThat(second.phone()).isEqualTo("20 22 33 44");
        assertThat(d.in("bamako", "psychosocial")).containsExactly(first);
        assertThat(d.in("gao", "psychosocial")).isEmpty();
    }

    @ParameterizedTest(name = "{0}: ERROR on entry ''{1}'': ''…{2}…''")
    @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
            # fixture                   | entry  | the message says
            unknown-region              | broken | region: 'timbuktu' is unknown; use one of [bamako, kayes
            missing-region              | broken | region: is missing
            unknown-category            | broken | category: 'legal' is unknown; use one of [economic, social, psychosocial]
            unknown-subcategory         | broken | subcategory: 'shelter' is unknown
            subcategory-not-in-category | broken | subcategory: 'job_placement' belongs to category 'economic', which category: does not list
            missing-id                  | -      | service number 2 has no id:
            missing-name                | broken | name: is missing
            missing-source              | broken | source: is missing
            duplicate-id                | first  | id: 'first' is used by another service before it
            unknown-cost                | broken | cost: 'cheap' is unknown
            bad-verified                | broken | verified: 'last week' must be a date
            bad-phone                   | broken | phone: 'ask at the gate' must be digits and spaces only
            invalid-yaml                | -      | not valid YAML
            """)
    @DisplayName("each broken directory gives exactly one ERROR naming the file and the entry")
    void brokenFixture(String fixture, String entry, String message) {
        List<Problem> problems = problems(fixture);
        assertThat(problems).as("problems of %s", fixture).hasSize(1);
        Problem p = problems.get(0);
        assertThat(p.isError()).isTrue();
        assertThat(p.file()).isEqualTo("directory/" + fixture + ".yaml");
        assertThat(p.node()).isEqualTo(entry);
        assertThat(p.message()).contains(message);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"unknown-region", "unknown-category", "missing-name", "missing-source", "duplicate-id", "missing-id"})
    @DisplayName("a broken entry is left out; the good one before it stays")
    void brokenEntryLeftOut(String fixture) {
        Directory d = Directory.load(FIXTURES.resolve(fixture + ".yaml"), fixture, new ArrayList<>());
        assertThat(d.services()).extracting(Directory.Service::id).containsExactly("first");
        assertThat(d.services().get(0).name().in("fr")).isEqualTo("Premier service");
    }
}
