package org.taama.review;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.taama.i18n.Locales;
import org.taama.i18n.Spelling;
import org.taama.lint.Lint;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The translators' spreadsheet round trip on a copy of the real locale files: export, edit as a
 * spreadsheet would, import; and every way an import must refuse, writing nothing.
 */
class ReviewRoundTripTest {
    static final Spelling USSD = Spelling.gsmSafe("ny");
    static final LocalDate TODAY = LocalDate.of(2026, 12, 2);

    @TempDir
    Path dir;
    Path locales;
    Path flows;

    @BeforeEach
    void copyContent() throws IOException {
        locales = dir.resolve("locales");
        flows = dir.resolve("flows");
        Review.copy(Path.of("locales"), locales);
        Review.copy(Path.of("flows"), flows);
    }

    List<List<String>> exported() throws Exception {
        List<List<String>> rows = new ArrayList<>();
        for (Csv.Row r : Csv.parse(Review.export(locales, USSD, "bm"))) rows.add(new ArrayList<>(r.fields()));
        return rows;
    }

    static List<String> row(List<List<String>> rows, String key) {
        return rows.stream().filter(r -> r.get(0).equals(key)).findFirst().orElseThrow();
    }

    static byte[] csv(List<List<String>> rows, boolean bom) {
        StringBuilder b = new StringBuilder(bom ? "\uFEFF" : "");
        rows.forEach(r -> b.append(Csv.line(r)));
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    Map<String, String> snapshot() throws IOException {
        Map<String, String> files = new HashMap<>();
        try (Stream<Path> s = Files.walk(locales)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) files.put(locales.relativize(p).toString(), Files.readString(p));
        }
        return files;
    }

    Review.Outcome importing(byte[] csv) throws Exception {
        return Review.importCsv(csv, locales, flows, USSD, "Awa Traoré", TODAY);
    }

    @Test
    @DisplayName("export → edit in a spreadsheet → import: texts and sign-off written, comments and every other line kept")
    void roundTrip() throws Exception {
        List<List<String>> rows = exported();
        assertThat(rows.get(0)).isEqualTo(Review.HEADER);
        List<String> next = row(rows, "quiz.next");
        assertThat(next.subList(1, 6)).containsExactly("bm/quiz.yaml", "4/182 GSM-7", "Suivant", "A kɔ", "false");
        assertThat(row(rows, "quiz_referral.q1").get(4)).contains("pasipɔri").contains("bɛ");
        assertThat(row(rows, "quiz.score").get(3)).as("a French text with a comma and a quote-free colon").contains("{score}/{total}");

        String before = Files.readString(locales.resolve("bm/quiz.yaml"));
        String subscribeBefore = Files.readString(locales.resolve("bm/subscribe.yaml"));
        next.set(4, "Ɲɛfɛ");                                      // a correction, signed off
        next.set(5, "TRUE");
        String score = "I ka jaabi tilennenw: {score}/{total}. \"I ni ce\", i ka jaabiw tɛ mara.";
        row(rows, "quiz.score").set(4, score);                    // a quote and a comma, not signed off
        row(rows, "quiz.right").set(5, "oui");                    // signed off as it is
        List<String> region = row(rows, "region.kayes");           // a one-line { text: ... } entry
        region.set(5, "true");
        Review.Outcome o = importing(csv(rows, true));
        assertThat(o.changed()).isEqualTo(4);
        assertThat(o.signedOff()).isEqualTo(3);
        assertThat(o.files()).containsExactlyInAnyOrder("bm/quiz.yaml", "bm/subscribe.yaml");

        Locales after = Locales.load(locales, new ArrayList<>());
        assertThat(after.entry("bm", "quiz.next").text()).isEqualTo("Ɲɛfɛ");
        assertThat(after.entry("bm", "quiz.score").text()).isEqualTo(score);
        assertThat(after.entry("bm", "quiz.score").reviewed()).isFalse();
        assertThat(after.entry("bm", "quiz.next").reviewed()).isTrue();
        assertThat(after.entry("bm", "quiz.right").reviewed()).isTrue();
        assertThat(after.entry("bm", "region.kayes").reviewed()).isTrue();
        assertThat(after.entry("bm", "quiz.wrong").reviewed()).as("an untouched row stays as it was").isFalse();

        String now = Files.readString(locales.resolve("bm/quiz.yaml"));
        assertThat(now).contains("""
                quiz.next:
                  text: "Ɲɛfɛ"
                  reviewed: true
                  reviewer: "Awa Traoré"
                  reviewed_on: "2026-12-02"
                  note: "kɔ (#24, ~ suite); not attested as a menu label. Needs review."
                """);
        // Every comment, and every line of the entries nobody touched, is where it was.
        List<String> comments = before.lines().filter(l -> l.startsWith("#")).toList();
        assertThat(now.lines().filter(l -> l.startsWith("#")).toList()).isEqualTo(comments).isNotEmpty();
        assertThat(linesOutside(now, "quiz.next", "quiz.right", "quiz.score"))
                .isEqualTo(linesOutside(before, "quiz.next", "quiz.right", "quiz.score"));
        String subscribe = Files.readString(locales.resolve("bm/subscribe.yaml"));
        assertThat(subscribe).contains("region.kayes:\n  text: \"Kayes\"\n  reviewed: true\n  reviewer: \"Awa Traoré\"\n"
                + "  reviewed_on: \"2026-12-02\"\n  note: \"place name\"\n");
        assertThat(linesOutside(subscribe, "region.kayes")).isEqualTo(linesOutside(subscribeBefore, "region.kayes"));

        // The next export shows who signed off and when; the lint counts it per file.
        List<String> again = row(exported(), "quiz.next");
        assertThat(again.subList(4, 8)).containsExactly("Ɲɛfɛ", "true", "Awa Traoré", "2026-12-02");
        Map<String, int[]> counts = Lint.reviewCounts(after);
        assertThat(counts.get("bm/quiz.yaml")[0]).isEqualTo(2);
        assertThat(counts.get("bm/quiz.yaml")[1]).isEqualTo(after.keys("bm").stream()
                .filter(k -> after.entry("bm", k).file().equals("bm/quiz.yaml")).count() - 2);
        assertThat(Lint.check(flows, locales, USSD)).filteredOn(p -> "locales/bm/quiz.yaml".equals(p.file()))
                .anySatisfy(p -> assertThat(p.message()).startsWith("2 reviewed, " + counts.get("bm/quiz.yaml")[1] + " unreviewed"));

        // Importing the same file again changes nothing.
        assertThat(importing(csv(rows, false)).changed()).isZero();
    }

    /** The file's lines without the named entries' blocks. */
    static List<String> linesOutside(String file, String... keys) {
        List<String> out = new ArrayList<>();
        boolean skipping = false;
        for (String l : file.lines().toList()) {
            if (!l.startsWith(" ")) skipping = false;
            for (String k : keys) if (l.startsWith(k + ":")) skipping = true;
            if (!skipping) out.add(l);
        }
        return out;
    }

    @Test
    @DisplayName("a row whose French changed since the export is refused, and nothing at all is written")
    void frenchChanged() throws Exception {
        List<List<String>> rows = exported();
        row(rows, "quiz.next").set(4, "Ɲɛfɛ");
        row(rows, "quiz.right").set(4, "I ye a sɔrɔ!");
        Path fr = locales.resolve("fr/quiz.yaml");
        Files.writeString(fr, Files.readString(fr).replace("quiz.right: \"Bonne réponse !\"", "quiz.right: \"Exact !\""));
        Map<String, String> before = snapshot();
        assertThatThrownBy(() -> importing(csv(rows, false))).isInstanceOf(Review.Refused.class)
                .hasMessageContaining("nothing was written").hasMessageContaining("the French of 'quiz.right' changed since the export");
        assertThat(snapshot()).isEqualTo(before);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"unknown-key", "duplicate", "bad-reviewed", "control-char", "too-long", "wrong-fields",
            "unterminated", "quote-in-field", "not-utf8", "empty", "no-hash-column", "lone-cr", "breaks-lint", "empty-text"})
    @DisplayName("hostile or broken CSV is refused with a reason, and nothing is written")
    void hostile(String how) throws Exception {
        List<List<String>> rows = exported();
        row(rows, "quiz.next").set(4, "Ɲɛfɛ");                       // a good row next to the bad one
        byte[] bytes = switch (how) {
            case "unknown-key" -> withRow(rows, "quiz.nope");
            case "duplicate" -> withRow(rows, "quiz.next");
            case "bad-reviewed" -> { row(rows, "quiz.right").set(5, "maybe"); yield csv(rows, false); }
            case "control-char" -> { row(rows, "quiz.right").set(4, "Jaabi\u0000\u001b[2J"); yield csv(rows, false); }
            case "too-long" -> { row(rows, "quiz.right").set(4, "a".repeat(5000)); yield csv(rows, false); }
            case "wrong-fields" -> (new String(csv(rows, false), StandardCharsets.UTF_8) + "quiz.right,x\r\n").getBytes(StandardCharsets.UTF_8);
            case "unterminated" -> (new String(csv(rows, false), StandardCharsets.UTF_8) + "\"quiz.right,x\r\n").getBytes(StandardCharsets.UTF_8);
            case "quote-in-field" -> (new String(csv(rows, false), StandardCharsets.UTF_8) + "quiz.ri\"ght,x\r\n").getBytes(StandardCharsets.UTF_8);
            case "not-utf8" -> { byte[] b = csv(rows, false); b[b.length - 3] = (byte) 0xff; yield b; }
            case "empty" -> new byte[0];
            case "no-hash-column" -> "key,bambara,reviewed\r\nquiz.next,x,true\r\n".getBytes(StandardCharsets.UTF_8);
            case "lone-cr" -> "key,file,screen,french,bambara,reviewed,reviewer,reviewed_on,note,fr_hash\r".getBytes(StandardCharsets.UTF_8);
            case "breaks-lint" -> { row(rows, "quiz.menu.code").set(4, "Kalan ɲininkaliw ".repeat(12)); yield csv(rows, false); }
            case "empty-text" -> { row(rows, "quiz.right").set(4, "  "); yield csv(rows, false); }
            default -> throw new AssertionError(how);
        };
        String why = Map.ofEntries(Map.entry("unknown-key", "no Bambara text has the key 'quiz.nope'"),
                Map.entry("duplicate", "'quiz.next' is in the CSV twice"), Map.entry("bad-reviewed", "reviewed must be true or false"),
                Map.entry("control-char", "control characters"), Map.entry("too-long", "longer than"),
                Map.entry("wrong-fields", "2 fields where the header has 10"), Map.entry("unterminated", "never closed"),
                Map.entry("quote-in-field", "a quote in the middle of a field"), Map.entry("not-utf8", "not UTF-8"),
                Map.entry("empty", "the CSV is empty"), Map.entry("no-hash-column", "no column 'fr_hash'"),
                Map.entry("lone-cr", "carriage return without a line feed"), Map.entry("breaks-lint", "break the lint"),
                Map.entry("empty-text", "is empty")).get(how);
        Map<String, String> before = snapshot();
        assertThatThrownBy(() -> importing(bytes)).isInstanceOf(Review.Refused.class).satisfies(e ->
                assertThat(e.getMessage()).contains(why).doesNotContain("Exception"));
        assertThat(snapshot()).as("nothing written").isEqualTo(before);
    }

    private static byte[] withRow(List<List<String>> rows, String key) {
        List<String> extra = new ArrayList<>(row(rows, "quiz.right"));
        extra.set(0, key);
        List<List<String>> all = new ArrayList<>(rows);
        all.add(extra);
        return csv(all, false);
    }

    @Test
    @DisplayName("the CLI: review export writes the CSV to stdout; review import writes it back; bad use exits non-zero")
    void cli() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertThat(Review.run(new String[] {"export", "--lang", "bm"}, locales, flows, USSD,
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err))).isZero();
        String csv = out.toString(StandardCharsets.UTF_8);
        assertThat(csv).startsWith(String.join(",", Review.HEADER) + "\r\n").contains("A kɔ");
        Path file = dir.resolve("review.csv");
        Files.writeString(file, csv.replace(",A kɔ,false,", ",A kɔ,true,"));
        out.reset();
        assertThat(Review.run(new String[] {"import", file.toString(), "--reviewer", "Awa"}, locales, flows, USSD,
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err))).as(err.toString()).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("1 texts written, 1 signed off by Awa");
        assertThat(Locales.load(locales, new ArrayList<>()).entry("bm", "quiz.next").reviewed()).isTrue();

        err.reset();
        assertThat(Review.run(new String[] {"export", "--lang", "fr"}, locales, flows, USSD, new PrintStream(out), new PrintStream(err))).isEqualTo(1);
        assertThat(err.toString()).contains("only Bambara");
        assertThat(Review.run(new String[] {"import", file.toString()}, locales, flows, USSD, new PrintStream(out), new PrintStream(err))).isEqualTo(1);
        assertThat(err.toString()).contains("--reviewer NAME is required");
        assertThat(Review.run(new String[] {"import", dir.resolve("nope.csv").toString(), "--reviewer", "A"}, locales, flows, USSD,
                new PrintStream(out), new PrintStream(err))).isEqualTo(1);
        assertThat(Review.run(new String[] {"frobnicate"}, locales, flows, USSD, new PrintStream(out), new PrintStream(err))).isEqualTo(2);
    }
}
