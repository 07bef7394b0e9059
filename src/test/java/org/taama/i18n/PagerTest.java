package org.taama.i18n;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class PagerTest {
    static final String MORE = "98 Suite\n0 Retour 00 Accueil";
    static final String LAST = "1. Voir l'aide\n0 Retour 00 Accueil";
    static final String LONG_FR = "Premier paragraphe. Vous avez des droits quand vous voyagez: gardez vos papiers "
            + "d'identite sur vous, ne les confiez a personne, et notez les numeros utiles avant de partir. "
            + "Deuxieme paragraphe. Si quelqu'un vous promet un travail tres bien paye a l'etranger sans contrat "
            + "ecrit, mefiez-vous et parlez-en a votre famille.\n\nTroisieme paragraphe. En cas de danger, "
            + "appelez la police ou la gendarmerie, le numero est gratuit. Fin.";
    static final String LONG_BM = "Sɛbɛn jan fɔlɔ. I ka josiraw bɛ yen ni i bɛ taama: i ka sɛbɛnw mara i yɛrɛ fɛ, "
            + "i kana u di mɔgɔ si ma, ani nimɔrɔ nafamaw sɛbɛn sani i ka taa. Ni mɔgɔ dɔ ye baara sara ɲuman "
            + "layidu ta i ye jamana wɛrɛ la, i yɛrɛ kɔlɔsi. Ni farati bɛ, polisi wele.";

    static Predicate<String> atMost(int n) {
        return s -> s.length() <= n;
    }

    /** name, text, more footer, last footer, what fits. */
    static Stream<Arguments> texts() {
        Predicate<String> ussd = Gsm::fitsUssdScreen;
        return Stream.of(
                arguments("short text, one page", "Un texte court.", MORE, LAST, ussd),
                arguments("French, GSM-7, 182 septets", LONG_FR, MORE, LAST, ussd),
                arguments("French ×3", (LONG_FR + " ").repeat(3).strip(), MORE, LAST, ussd),
                arguments("Bambara, UCS-2, 80 units", LONG_BM, MORE, LAST, ussd),
                arguments("euro signs cost two septets", "Le passage coute 5000 € ou 10 € par jour. ".repeat(12), MORE, LAST, ussd),
                arguments("extra whitespace and newlines", "  un   deux\n\ntrois\tquatre  " + "mot ".repeat(80), MORE, LAST, ussd),
                arguments("no footer at all", LONG_FR, "", "", ussd),
                arguments("a last footer bigger than the more footer", LONG_FR, "98", "1. A\n2. B\n3. C\n4. D\n5. E\n0 Retour", ussd),
                arguments("small screens of 40 characters", LONG_FR, "98 Suite", "0 Retour", atMost(40)),
                arguments("a word longer than a screen", "Voici " + "x".repeat(500) + " fin.", "98", "0", atMost(60)),
                arguments("only over-long words", "y".repeat(130) + " " + "z".repeat(130), "98", "0", atMost(50)),
                arguments("emoji among words", "Bonjour 😀 ".repeat(30), "98", "0", ussd),
                arguments("emoji with no spaces, odd screen size", "😀".repeat(100), "98", "0", atMost(51)),
                arguments("emoji with no spaces, USSD", "😀a".repeat(100), "98 Suite", "0 Retour", ussd),
                arguments("text that exactly fits beside the last footer", "a".repeat(182 - LAST.length() - 1), MORE, LAST, ussd),
                arguments("one character more than fits", "a ".repeat(80) + "abcdefghijklmnopqrs", MORE, LAST, ussd));
    }

    static Stream<Arguments> textsOfWords() {
        return texts().filter(a -> {
            String text = (String) a.get()[1];
            Predicate<String> fits = (Predicate<String>) a.get()[4];
            // Only texts whose every word fits a page: those must break between words.
            return Arrays.stream(text.strip().split("\\s+"))
                    .allMatch(w -> fits.test(Pager.join(w, (String) a.get()[2])) && fits.test(Pager.join(w, (String) a.get()[3])));
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("texts")
    @DisplayName("never loses or reorders a character: the pages hold the text's characters, whitespace aside")
    void neverLosesACharacter(String name, String text, String more, String last, Predicate<String> fits) {
        List<String> pages = Pager.paginate(text, more, last, fits);
        assertThat(pages).isNotEmpty();
        assertThat(String.join("", pages).replaceAll("\\s+", "")).isEqualTo(text.replaceAll("\\s+", ""));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("texts")
    @DisplayName("every page fits with its footer: 'more' under every page but the last, the last footer under the last")
    void everyPageFits(String name, String text, String more, String last, Predicate<String> fits) {
        List<String> pages = Pager.paginate(text, more, last, fits);
        for (int i = 0; i < pages.size(); i++) {
            boolean isLast = i == pages.size() - 1;
            String screen = Pager.join(pages.get(i), isLast ? last : more);
            assertThat(fits.test(screen)).as("page %d of %d: %s", i + 1, pages.size(), screen).isTrue();
            if (!isLast) assertThat(pages.get(i)).as("page %d is not empty", i + 1).isNotBlank();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("textsOfWords")
    @DisplayName("breaks between words when every word fits: the pages joined by spaces give the same words")
    void breaksBetweenWords(String name, String text, String more, String last, Predicate<String> fits) {
        List<String> pages = Pager.paginate(text, more, last, fits);
        List<String> words = Arrays.asList(text.strip().split("\\s+"));
        assertThat(Arrays.asList(String.join(" ", pages).strip().split("\\s+"))).isEqualTo(words);
        for (String page : pages) {
            assertThat(page).as("a page neither starts nor ends with whitespace").isEqualTo(page.strip());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("texts")
    @DisplayName("keeps surrogate pairs (emoji) whole: no page starts or ends inside one")
    void keepsSurrogatePairsWhole(String name, String text, String more, String last, Predicate<String> fits) {
        for (String page : Pager.paginate(text, more, last, fits)) {
            if (page.isEmpty()) continue;
            assertThat(Character.isLowSurrogate(page.charAt(0))).as("starts inside a pair: %s", page).isFalse();
            assertThat(Character.isHighSurrogate(page.charAt(page.length() - 1))).as("ends inside a pair: %s", page).isFalse();
        }
    }

    @org.junit.jupiter.api.Test
    @DisplayName("a word longer than a screen is split, not dropped, and pages are used to the full")
    void splitsOverLongWord() {
        String word = "x".repeat(500);
        List<String> pages = Pager.paginate(word, "98", "0", atMost(60));
        assertThat(String.join("", pages)).isEqualTo(word);
        assertThat(pages).hasSizeGreaterThan(500 / 57);
        assertThat(pages.get(0)).hasSize(57); // 57 + "\n98" = 60
    }

    static Stream<Arguments> footersThatCannotFit() {
        String huge = "0 Retour 00 Accueil ".repeat(10);
        return Stream.of(
                arguments("both footers too long", "Un texte.", huge, huge),
                arguments("the last footer too long", "Un texte assez long. ".repeat(20), "98 Suite", huge),
                arguments("the last footer fills the screen exactly", "Un texte.", "98", "a".repeat(182)),
                arguments("the more footer too long, text needs two pages", "mot ".repeat(100), huge, "0"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("footersThatCannotFit")
    @DisplayName("an empty list when the footer alone leaves no room for the text")
    void emptyWhenFooterCannotFit(String name, String text, String more, String last) {
        assertThat(Pager.paginate(text, more, last, Gsm::fitsUssdScreen)).isEmpty();
    }

    // ---------------------------------------------------------------- screens for someone in danger

    static Stream<Arguments> numbers() {
        return Stream.of(arguments("80 00 11 15"), arguments("18"), arguments("+223 20 22 33 44"),
                arguments("80 00 11 32"), arguments("80333"));
    }

    /** The page holding the number, or fails when no page holds it whole. */
    static void numberWhole(List<String> pages, String number, String text) {
        assertThat(pages).as("pages of: %s", text).anySatisfy(p -> assertThat(p).contains(number));
        assertThat(Pager.cutsNumber(pages)).as("a number is cut: %s", pages).isFalse();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("numbers")
    @DisplayName("a phone number is one word: wherever the page break would fall, its digit groups stay on one page")
    void numberNeverSplit(String number) {
        for (int pad = 0; pad < 200; pad++) {
            String text = "x".repeat(pad % 7 + 1) + " " + "mot ".repeat(pad / 4) + "Police " + number
                    + ", puis la suite du texte pour faire une autre page.";
            for (Predicate<String> fits : List.of(Gsm::fitsUssdScreen, atMost(60), atMost(90))) {
                List<String> pages = Pager.paginate(text, MORE, LAST, fits);
                numberWhole(pages, number, text);
                String first = pages.stream().filter(p -> p.contains(number)).findFirst().orElseThrow();
                assertThat(first).as("the number stays with the word naming it").contains("Police " + number);
            }
        }
    }

    @org.junit.jupiter.api.Test
    @DisplayName("the reported case: four emergency numbers, each kept whole, on a 182-character screen and on an 80-unit one")
    void emergencyNumbers() {
        String text = "Si vous etes en danger, appelez tout de suite: Police 80 00 11 15, Gendarmerie 80 00 11 14, "
                + "Pompiers 18, Violences faites aux femmes 80 00 11 32.";
        String last = "1. Continuer le test\n2. Etre rappele\n0 Retour 00 Accueil";
        for (Predicate<String> fits : List.<Predicate<String>>of(Gsm::fitsUssdScreen, atMost(80), atMost(60))) {
            List<String> pages = Pager.paginate(text, MORE, last, fits);
            for (String n : List.of("Police 80 00 11 15", "Gendarmerie 80 00 11 14", "Pompiers 18", "80 00 11 32")) {
                assertThat(pages).as("%s in %s", n, pages).anySatisfy(p -> assertThat(p).contains(n));
            }
            assertThat(Pager.cutsNumber(pages)).isFalse();
        }
    }

    @org.junit.jupiter.api.Test
    @DisplayName("a label stays with its value: no page ends with 'Source:' or any 'Label:'")
    void labelKeepsItsValue() {
        for (int pad = 0; pad < 120; pad++) {
            String text = "Centre X\nLieu: Bamako\n" + "Offre: " + "soins ".repeat(pad / 6 + 1)
                    + "\nPour: migrants " + "z".repeat(pad % 9) + "\nHoraires: lundi-vendredi\nInfo: a verifier";
            for (String page : Pager.paginate(text, MORE, LAST, Gsm::fitsUssdScreen)) {
                assertThat(page).as("a page ends with a label: %s", page).doesNotEndWith(":");
            }
        }
    }

    @org.junit.jupiter.api.Test
    @DisplayName("a text written in lines breaks between lines when one falls in the second half of the page")
    void breaksBetweenLines() {
        String text = "Centre pour migrants de Saneye\nPas de numero connu. Police 80 00 11 15\nLieu: Saneye (Gao)\n"
                + "Offre: hebergement, soins medicaux, soutien psychosocial, formation professionnelle\n"
                + "Pour: migrants de retour et candidats au depart\nInfo a verifier";
        List<String> pages = Pager.paginate(text, MORE, LAST, Gsm::fitsUssdScreen);
        assertThat(pages).hasSizeGreaterThan(1);
        List<String> lines = Arrays.asList(text.split("\n"));
        for (String page : pages) {
            assertThat(lines).as("every page is whole lines: %s", page).containsAll(Arrays.asList(page.split("\n")));
        }
    }

    @ParameterizedTest(name = "{0} | {1} → {2}")
    @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', textBlock = """
            Police 80 00   | 11 15.           | true
            Police 80      | 00 11 15         | true
            Appelez le +   | 223 20 22 33 44  | true
            Pompiers 18,   | Gendarmerie      | false
            Police         | 80 00 11 15      | false
            En 2012        | la loi           | false
            Appelez le 18. | 80 00 11 32      | false
            """)
    @DisplayName("cutsNumber: a page ending with a digit (or '+') before a page starting with one")
    void cutsNumber(String end, String start, boolean cut) {
        assertThat(Pager.cutsNumber(List.of(end, start))).isEqualTo(cut);
    }
}
