package org.taama.quiz;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.taama.i18n.Spelling;
import org.taama.lint.Lint;
import org.taama.lint.Problem;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The lint on a quiz written wrong, in a copy of the real content: each mistake named where it is. */
class QuizContentLintTest {
    @TempDir
    Path dir;

    private List<String> lint(String quizYaml) throws IOException {
        copy(Path.of("flows"), dir.resolve("flows"));
        copy(Path.of("locales"), dir.resolve("locales"));
        Files.writeString(dir.resolve("flows/quiz_referral.yaml"), quizYaml);
        return Lint.check(dir.resolve("flows"), dir.resolve("locales"), Spelling.gsmSafe("ny")).stream()
                .filter(Problem::isError).map(Problem::toString).toList();
    }

    static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.sorted(Comparator.naturalOrder()).toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(target);
                else Files.copy(p, target);
            }
        }
    }

    @Test
    @DisplayName("the real quiz is clean")
    void realQuizIsClean() throws IOException {
        assertThat(lint(Files.readString(Path.of("flows/quiz_referral.yaml")))).isEmpty();
    }

    @Test
    @DisplayName("a right answer out of range, a missing explanation, an unknown question on the score, a taken name")
    void mistakesNamed() throws IOException {
        String broken = """
                spec_version: 1
                flow: quiz_referral
                start: q1
                nodes:
                  q1:
                    kind: quiz
                    text: quiz_referral.q1
                    options:
                      - { label: quiz_referral.q1.a1 }
                      - { label: quiz_referral.q1.a2, tally: cheat }
                    correct: 3
                    next: q1_why
                  q1_why:
                    kind: message
                    text: quiz_referral.q1.why
                  score:
                    kind: quiz_score
                    text: quiz.score
                    questions: q1, q9
                """;
        assertThat(lint(broken)).anyMatch(p -> p.contains("node 'q1'") && p.contains("correct: must be the number of the right answer, 1 to 2"))
                .anyMatch(p -> p.contains("node 'q1'") && p.contains("needs explain:"))
                .anyMatch(p -> p.contains("a quiz answer only has a label"))
                .anyMatch(p -> p.contains("node 'q1_why'") && p.contains("taken by a screen 'q1' adds"))
                .anyMatch(p -> p.contains("node 'score'") && p.contains("questions: 'q9' is not a quiz question"));
    }

    @Test
    @DisplayName("a quiz without the code screen can never be opened, and says so")
    void noCodeScreen() throws IOException {
        String real = Files.readString(Path.of("flows/quiz_referral.yaml"));
        copy(Path.of("flows"), dir.resolve("flows"));
        copy(Path.of("locales"), dir.resolve("locales"));
        Files.writeString(dir.resolve("flows/quiz.yaml"), Files.readString(Path.of("flows/quiz.yaml"))
                .replace("kind: quiz_code", "kind: message").replace("    unknown: bad_code\n", ""));
        List<String> errors = Lint.check(dir.resolve("flows"), dir.resolve("locales"), Spelling.gsmSafe("ny")).stream()
                .filter(Problem::isError).map(Problem::toString).toList();
        assertThat(real).contains("kind: quiz_score");
        assertThat(errors).anyMatch(p -> p.contains("this quiz can never be opened"))
                .anyMatch(p -> p.contains("node 'q1'") && p.contains("no caller can reach this screen"));
    }
}
