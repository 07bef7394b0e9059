package org.taama.lint;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The project's Bambara term list: one chosen form per concept, and the other forms it replaces, kept
 * as a table under the heading "Term list" of {@code locales/README.md} so translators read and edit
 * the list the lint applies:
 * <pre>
 * | Concept | Write | Not |
 * |---|---|---|
 * | Tombouctou | Tumutu | Tumbutu, Tombouctou |
 * </pre>
 */
final class Terms {
    static final String FILE = "README.md";
    private static final String HEADING = "## Term list";

    /** A concept, its chosen form, and the forms the lint reports. */
    record Term(String concept, String chosen, List<String> others) {
        /** The first other form the text uses as whole words, or with the plural -w (accents and case aside), or null. */
        String otherFormIn(String text) {
            String plain = Lint.fold(text);
            for (String o : others) {
                Matcher m = Pattern.compile("(?<!\\p{L})" + Pattern.quote(Lint.fold(o)) + "w?(?!\\p{L})").matcher(plain);
                if (m.find()) return o;
            }
            return null;
        }
    }

    private Terms() {}

    /** The term list of a README, empty when there is none; a row the lint cannot read is a problem. */
    static List<Term> load(Path readme, List<Problem> problems) {
        if (!Files.isRegularFile(readme)) return List.of();
        List<String> lines;
        try {
            lines = Files.readAllLines(readme);
        } catch (IOException e) {
            problems.add(Problem.error("locales/" + FILE, null, null, "cannot be read: " + e.getMessage()));
            return List.of();
        }
        List<Term> terms = new ArrayList<>();
        boolean inList = false;
        int row = 0;
        for (String line : lines) {
            if (line.startsWith("## ")) {
                inList = line.startsWith(HEADING);
                continue;
            }
            if (!inList || !line.strip().startsWith("|")) continue;
            if (row++ < 2) continue; // the header and its |---| line
            String[] cells = line.strip().replaceAll("^\\||\\|$", "").split("\\|", -1);
            if (cells.length != 3 || cells[0].isBlank() || cells[1].isBlank()) {
                problems.add(Problem.error("locales/" + FILE, null, "bm", "term list row '" + line.strip()
                        + "' needs three cells: | concept | chosen form | other forms, comma-separated |"));
                continue;
            }
            List<String> others = Arrays.stream(cells[2].split(",")).map(String::strip).map(Terms::unquote)
                    .filter(s -> !s.isEmpty()).toList();
            terms.add(new Term(cells[0].strip(), unquote(cells[1].strip()), others));
        }
        return terms;
    }

    /** Forms may be written `in code` so Markdown shows them as typed. */
    private static String unquote(String s) {
        return s.replace("`", "").strip();
    }
}
