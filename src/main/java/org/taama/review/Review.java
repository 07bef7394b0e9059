package org.taama.review;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.taama.i18n.Gsm;
import org.taama.i18n.Locales;
import org.taama.i18n.Spelling;
import org.taama.lint.Lint;
import org.taama.lint.Problem;
import org.taama.privacy.Digests;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The translators' round trip through a spreadsheet. {@code review export} writes every Bambara text
 * with its French, its size on a USSD screen and its review status as CSV; {@code review import}
 * writes the corrected texts back into the locale files, with {@code reviewed: true}, the reviewer and
 * the date for the rows signed off, and refuses the whole file — writing nothing — when a row's French
 * changed since the export (its {@code fr_hash}), names a key that does not exist, or the CSV is
 * malformed, or when the new texts would break the lint (a screen too long, a number cut).
 */
public final class Review {
    public static final List<String> HEADER = List.of("key", "file", "screen", "french", "bambara", "reviewed",
            "reviewer", "reviewed_on", "note", "fr_hash");
    /** Larger than all texts of a deployment together many times over: anything bigger is not an export. */
    static final long MAX_CSV_BYTES = 8L * 1024 * 1024;
    static final int MAX_TEXT = 2000;
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final String LANG = "bm";

    private Review() {}

    /** A refusal, in words a translator can act on; nothing was written. */
    public static final class Refused extends Exception {
        public Refused(String message) {
            super(message);
        }
    }

    /** The French text's fingerprint, so an import can tell the French changed since the export. */
    public static String frenchHash(String french) {
        return HexFormat.of().formatHex(Digests.sha256(french == null ? "" : french), 0, 8);
    }

    static void checkLang(String lang) throws Refused {
        if (!LANG.equals(lang)) throw new Refused("only Bambara (bm) texts are reviewed: French is the source language");
    }

    /** The CSV of every Bambara text, in file order, with a header; UTF-8, CRLF (RFC 4180). */
    public static String export(Path localesDir, Spelling ussdSpelling, String lang) throws Refused {
        checkLang(lang);
        List<String> problems = new ArrayList<>();
        Locales locales = Locales.load(localesDir, problems);
        if (!problems.isEmpty()) throw new Refused("the locale files cannot be read: " + problems.get(0));
        StringBuilder out = new StringBuilder(Csv.line(HEADER));
        Map<String, JsonNode> raw = new LinkedHashMap<>();
        for (String key : locales.keys(lang)) {
            Locales.Entry e = locales.entry(lang, key);
            JsonNode fields = raw.computeIfAbsent(e.file(), f -> read(localesDir.resolve(f))).path(key);
            Locales.Entry fr = locales.entry(Locales.FALLBACK, key);
            String french = fr == null ? "" : fr.text();
            Gsm.ScreenCost cost = Gsm.ussdCost(ussdSpelling.apply(e.text()));
            String screen = cost.used() + "/" + cost.limit() + " " + cost.encoding();
            out.append(Csv.line(List.of(key, e.file(), screen, french, e.text(), Boolean.toString(e.reviewed()),
                    fields.path("reviewer").asText(""), fields.path("reviewed_on").asText(""),
                    fields.path("note").asText(""), frenchHash(french))));
        }
        return out.toString();
    }

    private static JsonNode read(Path file) {
        try {
            JsonNode n = YAML.readTree(file.toFile());
            return n == null ? YAML.createObjectNode() : n;
        } catch (IOException e) {
            return YAML.createObjectNode();
        }
    }

    /** What an import changed. */
    public record Outcome(int changed, int signedOff, Set<String> files) {}

    /**
     * Reads the CSV, checks every row, then writes the changed entries into the locale files (each file
     * replaced whole, atomically, only once every row and the lint passed).
     *
     * @param flowsDir the flows, for the lint the new texts must pass
     */
    public static Outcome importCsv(byte[] csv, Path localesDir, Path flowsDir, Spelling ussdSpelling, String reviewer,
                                    LocalDate today) throws Refused, IOException {
        if (reviewer == null || reviewer.isBlank()) throw new Refused("--reviewer NAME is required: who signs these texts off");
        String who = reviewer.strip();
        if (who.length() > 100 || who.chars().anyMatch(Character::isISOControl)) {
            throw new Refused("--reviewer must be a name of at most 100 characters, without control characters");
        }
        if (csv.length > MAX_CSV_BYTES) throw new Refused("the CSV is larger than " + MAX_CSV_BYTES / (1024 * 1024) + " MB: not an export");
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(csv)).toString();
        } catch (CharacterCodingException e) {
            throw new Refused("the CSV is not UTF-8: save it as \"CSV UTF-8\"");
        }
        List<Csv.Row> rows;
        try {
            rows = Csv.parse(text);
        } catch (Csv.Malformed e) {
            throw new Refused("the CSV is malformed, " + e.getMessage());
        }
        if (rows.isEmpty()) throw new Refused("the CSV is empty: expected the header " + String.join(",", HEADER));
        List<String> header = rows.get(0).fields().stream().map(String::strip).toList();
        Map<String, Integer> col = new LinkedHashMap<>();
        for (int i = 0; i < header.size(); i++) col.put(header.get(i), i);
        for (String needed : List.of("key", "bambara", "reviewed", "fr_hash")) {
            if (!col.containsKey(needed)) throw new Refused("the CSV has no column '" + needed + "': import a file made by review export");
        }
        List<String> problems = new ArrayList<>();
        Locales locales = Locales.load(localesDir, problems);
        if (!problems.isEmpty()) throw new Refused("the locale files cannot be read: " + problems.get(0));

        List<String> refusals = new ArrayList<>();
        Map<String, LocaleFile> edits = new LinkedHashMap<>();
        Set<String> seen = new LinkedHashSet<>();
        int changed = 0;
        int signed = 0;
        String date = today.toString();
        for (Csv.Row row : rows.subList(1, rows.size())) {
            List<String> f = row.fields();
            if (f.size() == 1 && f.get(0).isBlank()) continue;
            String where = "line " + row.line();
            if (f.size() != header.size()) {
                refusals.add(where + ": " + f.size() + " fields where the header has " + header.size());
                continue;
            }
            String key = f.get(col.get("key")).strip();
            String bambara = f.get(col.get("bambara"));
            String reviewedText = f.get(col.get("reviewed")).strip().toLowerCase(java.util.Locale.ROOT);
            Locales.Entry current = locales.entry(LANG, key);
            if (current == null) {
                refusals.add(where + ": no Bambara text has the key '" + key + "'");
                continue;
            }
            if (!seen.add(key)) {
                refusals.add(where + ": '" + key + "' is in the CSV twice");
                continue;
            }
            Locales.Entry fr = locales.entry(Locales.FALLBACK, key);
            if (!frenchHash(fr == null ? "" : fr.text()).equals(f.get(col.get("fr_hash")).strip())) {
                refusals.add(where + ": the French of '" + key + "' changed since the export: export again and review the new French");
                continue;
            }
            Boolean reviewed = switch (reviewedText) {
                case "true", "yes", "oui", "1", "x" -> true;
                case "false", "no", "non", "0", "" -> false;
                default -> null;
            };
            if (reviewed == null) {
                refusals.add(where + ": reviewed must be true or false, not '" + f.get(col.get("reviewed")) + "'");
                continue;
            }
            if (bambara.isBlank() && !current.text().isBlank()) {
                refusals.add(where + ": the Bambara of '" + key + "' is empty");
                continue;
            }
            if (bambara.length() > MAX_TEXT || bambara.chars().anyMatch(c -> c != '\n' && Character.isISOControl(c))
                    || bambara.contains("\uFEFF")) {
                refusals.add(where + ": the Bambara of '" + key + "' holds control characters or is longer than " + MAX_TEXT);
                continue;
            }
            String text2 = bambara.replace("\r\n", "\n");
            boolean textChanged = !text2.equals(current.text());
            boolean newlySigned = reviewed && !current.reviewed();
            if (!textChanged && !newlySigned && reviewed == current.reviewed()) continue;
            try {
                LocaleFile file = edits.computeIfAbsent(current.file(), name -> {
                    try {
                        return new LocaleFile(Files.readString(localesDir.resolve(name), StandardCharsets.UTF_8));
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                });
                file.set(key, text2, reviewed, reviewed ? who : null, reviewed ? date : null);
            } catch (IllegalArgumentException e) {
                refusals.add(where + ": " + current.file() + ": " + e.getMessage());
                continue;
            }
            changed++;
            if (reviewed) signed++;
        }
        if (!refusals.isEmpty()) {
            throw new Refused("nothing was written; " + refusals.size() + " row(s) refused:\n  " + String.join("\n  ", refusals));
        }
        if (edits.isEmpty()) return new Outcome(0, 0, Set.of());

        // The new texts must read back as written and keep the lint as clean as it was.
        Path trial = Files.createTempDirectory("taama-review");
        try {
            copy(localesDir, trial);
            for (Map.Entry<String, LocaleFile> e : edits.entrySet()) {
                Files.writeString(trial.resolve(e.getKey()), e.getValue().content(), StandardCharsets.UTF_8);
            }
            List<String> after = new ArrayList<>();
            Locales reread = Locales.load(trial, after);
            if (!after.isEmpty()) throw new Refused("nothing was written: the edited files would not read back: " + after.get(0));
            for (Csv.Row row : rows.subList(1, rows.size())) {
                if (row.fields().size() != header.size()) continue;
                String key = row.fields().get(col.get("key")).strip();
                Locales.Entry e = reread.entry(LANG, key);
                String want = row.fields().get(col.get("bambara")).replace("\r\n", "\n");
                if (e == null || !e.text().equals(want)) {
                    throw new Refused("nothing was written: '" + key + "' would not read back as written");
                }
            }
            Set<String> before = errors(flowsDir, localesDir, ussdSpelling);
            List<String> added = errors(flowsDir, trial, ussdSpelling).stream().filter(p -> !before.contains(p)).toList();
            if (!added.isEmpty()) {
                throw new Refused("nothing was written: the new texts break the lint:\n  " + String.join("\n  ", added));
            }
            // Every file first beside its original, then each moved over it: a failure leaves the originals.
            Map<Path, Path> staged = new LinkedHashMap<>();
            for (String name : edits.keySet()) {
                Path target = localesDir.resolve(name);
                Path tmp = target.resolveSibling("." + target.getFileName() + ".review");
                Files.copy(trial.resolve(name), tmp, StandardCopyOption.REPLACE_EXISTING);
                staged.put(tmp, target);
            }
            for (Map.Entry<Path, Path> s : staged.entrySet()) {
                Files.move(s.getKey(), s.getValue(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
        } finally {
            deleteAll(trial);
        }
        return new Outcome(changed, signed, edits.keySet());
    }

    private static Set<String> errors(Path flowsDir, Path localesDir, Spelling spelling) {
        Set<String> out = new LinkedHashSet<>();
        // The same problem in another folder reads the same once the folder's own name is left out.
        for (Problem p : Lint.check(flowsDir, localesDir, spelling)) {
            if (p.isError()) out.add(p.toString().replace(localesDir.toString(), "locales"));
        }
        return out;
    }

    static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.sorted().toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(target);
                else Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    private static void deleteAll(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }

    /** {@code review export [--lang bm]} and {@code review import FILE --reviewer NAME}; the exit code. */
    public static int run(String[] args, Path localesDir, Path flowsDir, Spelling spelling, java.io.PrintStream out,
                          java.io.PrintStream err) {
        String usage = "usage: java -jar taama.jar review export [--lang bm] > review.csv\n"
                + "       java -jar taama.jar review import review.csv --reviewer NAME\n";
        try {
            if (args.length >= 1 && args[0].equals("export")) {
                String lang = LANG;
                for (int i = 1; i < args.length; i++) {
                    if (args[i].equals("--lang") && i + 1 < args.length) lang = args[++i];
                    else throw new Refused("unknown option " + args[i] + "\n" + usage);
                }
                out.write(export(localesDir, spelling, lang).getBytes(StandardCharsets.UTF_8));
                out.flush();
                return 0;
            }
            if (args.length >= 2 && args[0].equals("import")) {
                String reviewer = null;
                for (int i = 2; i < args.length; i++) {
                    if (args[i].equals("--reviewer") && i + 1 < args.length) reviewer = args[++i];
                    else throw new Refused("unknown option " + args[i] + "\n" + usage);
                }
                Path file = Path.of(args[1]);
                if (!Files.isRegularFile(file)) throw new Refused(args[1] + ": no such file");
                if (Files.size(file) > MAX_CSV_BYTES) throw new Refused("the CSV is larger than 8 MB: not an export");
                Outcome o = importCsv(Files.readAllBytes(file), localesDir, flowsDir, spelling, reviewer, LocalDate.now());
                out.println(o.changed() + " texts written, " + o.signedOff() + " signed off by " + reviewer.strip()
                        + (o.files().isEmpty() ? "" : " in " + String.join(", ", o.files())));
                return 0;
            }
            err.print(usage);
            return 2;
        } catch (Refused e) {
            err.println(e.getMessage());
            return 1;
        } catch (IOException e) {
            err.println("review: " + e.getMessage());
            return 1;
        }
    }
}
