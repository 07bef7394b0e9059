package org.taama.quiz;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.taama.i18n.Gsm;
import org.taama.privacy.CallerHash;
import org.taama.privacy.Secrets;
import org.taama.server.Server;
import org.taama.support.RedisDump;
import org.taama.support.TestServers;
import org.taama.support.Ussd;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A training's quiz over real HTTP USSD and the operator API, on real Redis: an operator opens a
 * session, participants take the quiz before the training and after it, and the results compare
 * the two, while Redis keeps nothing of any participant.
 */
class QuizHttpTest {
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    static final String ADMIN = "quiz-admin";
    static final String ADMIN_PASS = "quiz-admin-password-" + UUID.randomUUID();
    /** The right answers to quiz_referral's five questions (flows/quiz_referral.yaml). */
    static final String[] ALL_RIGHT = {"2", "1", "2", "2", "1"};
    static Server server;
    static String token;

    @BeforeAll
    static void start() throws Exception {
        server = TestServers.start(Map.of("ADMIN_USERNAME", ADMIN, "ADMIN_PASSWORD", ADMIN_PASS,
                "USSD_SERVICE_CODES", "*123#"));
        token = new JsonObject(call("POST", "/api/login", null,
                new JsonObject().put("username", ADMIN).put("password", ADMIN_PASS).encode()).body()).getString("token");
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    static HttpResponse<String> call(String method, String path, String bearer, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://localhost:" + server.port() + path))
                .timeout(Duration.ofSeconds(20))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) b.header("Content-Type", "application/json");
        if (bearer != null) b.header("Authorization", "Bearer " + bearer);
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static String newSession(String phase) throws Exception {
        JsonObject body = new JsonObject().put("quiz", "quiz_referral");
        if (phase != null) body.put("phase", phase);
        HttpResponse<String> r = call("POST", "/api/quizzes", token, body.encode());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        JsonObject s = new JsonObject(r.body());
        assertThat(s.getString("code")).matches("[0-9]{6}");
        return s.getString("code");
    }

    static JsonObject results(String code) throws Exception {
        HttpResponse<String> r = call("GET", "/api/quizzes/" + code + "/results", token, null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return new JsonObject(r.body());
    }

    static String number() {
        return org.taama.support.Numbers.fresh();
    }

    static Ussd phone(String number) {
        return new Ussd(server.port(), "ATUid_quiz_" + Long.toHexString(ThreadLocalRandom.current().nextLong()), number);
    }

    /** A French caller from the main menu to the code screen, then the code: the first question. */
    static Ussd toFirstQuestion(String number, String code) {
        Ussd p = phone(number);
        p.dial();
        p.type("1");                                                  // Français
        assertThat(p.type("9").screen()).contains("Quiz de formation");   // Quiz
        assertThat(p.type("1").screen()).contains("code de la session");  // Quiz de formation (code)
        Ussd.Reply q1 = p.type(code);
        assertThat(q1.screen()).contains("passeport").contains("1. Normal").contains("2. Un signe d'alerte");
        return p;
    }

    /** Answers the questions from number {@code from} (1-based) on, reading each explanation; the score screen last. */
    static Ussd.Reply answer(Ussd p, int from, String... answers) {
        Ussd.Reply r = null;
        for (int i = 0; i < answers.length; i++) {
            Ussd.Reply why = p.type(answers[i]);
            String right = ALL_RIGHT[from - 1 + i];
            assertThat(why.continues()).isTrue();
            if (answers[i].equals(right)) assertThat(why.screen()).startsWith("Bonne réponse !");
            else assertThat(why.screen()).startsWith("Réponse attendue : " + right + ". ");
            assertThat(why.screen()).contains("1. Suivant");
            r = p.type("1");
        }
        return r;
    }

    @Test
    @DisplayName("a pre and a post quiz: each answer is explained, the score counts once, and the results compare pre and post")
    void preAndPost() throws Exception {
        String code = newSession(null);

        Ussd a = toFirstQuestion(number(), code);
        Ussd.Reply why = a.type("1");                                 // q1: wrong
        assertThat(why.screen()).startsWith("Réponse attendue : 2. Un signe d'alerte")
                .contains("Un signe seul ne prouve rien");
        a.type("1");
        assertThat(answer(a, 2, "1", "1", "2", "1").screen()).startsWith("Votre score : 3/5.");
        // q2 "1" right, q3 "1" wrong, q4 "2" right, q5 "1" right: 3 of 5.
        Ussd.Reply last = a.type("0");                                 // back to q5's explanation
        assertThat(last.screen()).contains("loi");
        Ussd.Reply again = a.type("1");                                // the score again: counted once
        assertThat(again.screen()).startsWith("Votre score : 3/5.");

        Ussd b = toFirstQuestion(number(), code);
        assertThat(answer(b, 1, ALL_RIGHT).screen()).startsWith("Votre score : 5/5.");

        JsonObject pre = results(code).getJsonObject("pre");
        assertThat(pre.getLong("started")).isEqualTo(2);
        assertThat(pre.getLong("completed")).as("going back and forward at the end counts nothing more").isEqualTo(2);
        assertThat(pre.getJsonObject("scores").encode()).isEqualTo("{\"0\":0,\"1\":0,\"2\":0,\"3\":1,\"4\":0,\"5\":1}");
        assertThat(pre.getDouble("mean")).isEqualTo(4.0);
        assertThat(pre.getJsonObject("questions").getJsonObject("q1").getLong("correct")).isEqualTo(1);
        assertThat(pre.getJsonObject("questions").getJsonObject("q1").getDouble("rate")).isEqualTo(0.5);
        assertThat(pre.getJsonObject("questions").getJsonObject("q2").getDouble("rate")).isEqualTo(1.0);

        // After the training the trainer switches the session to post; a participant dials *123*CODE#.
        HttpResponse<String> switched = call("POST", "/api/quizzes/" + code + "/phase", token, "{\"phase\":\"post\"}");
        assertThat(switched.statusCode()).as(switched.body()).isEqualTo(200);
        assertThat(new JsonObject(switched.body()).getString("phase")).isEqualTo("post");
        Map<String, String> form = new LinkedHashMap<>();
        form.put("sessionId", "ATUid_quiz_dialled_" + Long.toHexString(ThreadLocalRandom.current().nextLong()));
        form.put("serviceCode", "*123*" + code + "#");
        form.put("phoneNumber", number());
        form.put("networkCode", "61002");
        form.put("text", "");
        Ussd.Reply dialled = Ussd.post("http://localhost:" + server.port(), form);
        assertThat(dialled.screen()).as("the first question at once").contains("passeport").contains("2. Un signe d'alerte");
        String history = "";
        for (String answer : ALL_RIGHT) {
            history = history.isEmpty() ? answer : history + "*" + answer;
            form.put("text", history);
            assertThat(Ussd.post("http://localhost:" + server.port(), form).screen()).startsWith("Bonne réponse !");
            history = history + "*1";
            form.put("text", history);
            dialled = Ussd.post("http://localhost:" + server.port(), form);
        }
        assertThat(dialled.screen()).startsWith("Votre score : 5/5.");

        JsonObject both = results(code);
        assertThat(both.getString("quiz")).isEqualTo("quiz_referral");
        assertThat(both.getJsonArray("questions").getList()).containsExactly("q1", "q2", "q3", "q4", "q5");
        assertThat(both.getJsonObject("pre").getLong("completed")).as("pre untouched").isEqualTo(2);
        JsonObject post = both.getJsonObject("post");
        assertThat(post.getLong("completed")).isEqualTo(1);
        assertThat(post.getJsonObject("scores").encode()).isEqualTo("{\"0\":0,\"1\":0,\"2\":0,\"3\":0,\"4\":0,\"5\":1}");
        assertThat(post.getJsonObject("questions").getJsonObject("q1").getDouble("rate")).isEqualTo(1.0);
        assertThat(both.getDouble("mean_change")).isEqualTo(1.0);
    }

    @Test
    @DisplayName("Redis holds tallies per code and phase only: no number, no caller hash, no answers outside the sealed session")
    void nothingPerCaller() throws Exception {
        String code = newSession("pre");
        String number = number();
        Ussd p = toFirstQuestion(number, code);
        p.type("1");                                                  // q1 wrong: the session now holds an answer
        String caller = new CallerHash(Secrets.decode("HASH_KEY", TestServers.HASH_KEY, 32)).of(number);
        String stored = server.redis().get("taama:{" + caller + "}:ussd:africastalking").await(5, TimeUnit.SECONDS);
        String clear = new JsonObject(stored).put("v", "").encode();
        assertThat(clear).as("the session is sealed: no quiz, code or answer in clear")
                .doesNotContain("quiz").doesNotContain(code).doesNotContain("wrong").doesNotContain("right");
        p.type("1");
        answer(p, 2, "1", "1", "1", "1");

        Map<String, String> tally = server.redis().hgetall("taama:quiz:{" + code + "}:pre").await(5, TimeUnit.SECONDS);
        assertThat(tally.keySet()).allMatch(k -> k.equals("started") || k.equals("completed")
                || k.matches("score:[0-9]+") || k.matches("q:q[0-9]+"));
        assertThat(server.redis().ttlMillis("taama:quiz:{" + code + "}:pre").await(5, TimeUnit.SECONDS))
                .as("tallies expire (QUIZ_RESULTS_DAYS)").isPositive();
        assertThat(server.redis().ttlMillis("taama:quiz:{" + code + "}").await(5, TimeUnit.SECONDS)).isPositive();
        String quizKeys = RedisDump.everything(server.redis()).lines()
                .filter(l -> l.startsWith("taama:quiz:")).toList().toString();
        String dump = RedisDump.everything(server.redis());
        String digits = number.substring(1);
        assertThat(dump).doesNotContain(number).doesNotContain(digits).doesNotContain(digits.substring(3));
        assertThat(quizKeys).doesNotContain(caller);
        // Only the caller's own (sealed) session and language keys carry the caller hash.
        assertThat(dump.lines().filter(l -> l.contains(caller)).toList())
                .allMatch(k -> k.equals("taama:{" + caller + "}:ussd:africastalking") || k.equals("taama:{" + caller + "}:lang"));
    }

    @Test
    @DisplayName("a wrong, unknown or closed code: the caller reads why and may type it again; garbage gets the hint")
    void badCodes() throws Exception {
        Ussd p = phone(number());
        p.dial();
        p.type("1");
        p.type("9");
        p.type("1");
        Ussd.Reply garbage = p.type("12ab56");
        assertThat(garbage.screen()).startsWith("Choix invalide.").contains("code de la session");
        assertThat(p.type("\u0000\u0007").screen()).startsWith("Choix invalide.");
        assertThat(p.type("9".repeat(500)).screen()).startsWith("Choix invalide.");
        Ussd.Reply unknown = p.type("000000");
        assertThat(unknown.continues()).isTrue();
        assertThat(unknown.screen()).contains("pas connu").contains("1. Taper le code");
        assertThat(p.type("1").screen()).contains("code de la session");

        String code = newSession("pre");
        server.redis().hset("taama:quiz:{" + code + "}", Map.of("open_until", "1")).await(5, TimeUnit.SECONDS);
        assertThat(p.type(code).screen()).as("closed").contains("pas connu");
        assertThat(results(code).getJsonObject("pre").getLong("started")).isZero();

        // Dialled after the short code: a code that is not live says so; digits that are no code start as usual.
        Map<String, String> form = new LinkedHashMap<>(Map.of("sessionId", "ATUid_quiz_bad_" + UUID.randomUUID(),
                "serviceCode", "*123*000000#", "phoneNumber", number(), "networkCode", "61002", "text", ""));
        assertThat(Ussd.post("http://localhost:" + server.port(), form).screen()).contains("pas connu");
        form.put("sessionId", "ATUid_quiz_bad_" + UUID.randomUUID());
        form.put("serviceCode", "*123*12#");
        assertThat(Ussd.post("http://localhost:" + server.port(), form).screen()).contains("Choisir la langue");
        form.put("sessionId", "ATUid_quiz_bad_" + UUID.randomUUID());
        form.put("serviceCode", "*999*" + code + "#");
        assertThat(Ussd.post("http://localhost:" + server.port(), form).ends()).as("not our code").isTrue();
    }

    @Test
    @DisplayName("a gateway that puts the digits dialled after the short code in the first text opens the quiz too")
    void codeInFirstText() throws Exception {
        String code = newSession("pre");
        Map<String, String> form = new LinkedHashMap<>(Map.of("sessionId", "ATUid_quiz_text_" + UUID.randomUUID(),
                "serviceCode", "*123#", "phoneNumber", number(), "networkCode", "61002", "text", code));
        assertThat(Ussd.post("http://localhost:" + server.port(), form).screen()).contains("passeport");
        form.put("text", code + "*2");
        assertThat(Ussd.post("http://localhost:" + server.port(), form).screen()).startsWith("Bonne réponse !");
        assertThat(results(code).getJsonObject("pre").getLong("started")).isEqualTo(1);
    }

    @Test
    @DisplayName("in Bambara the quiz speaks Bambara, GSM-safe on USSD")
    void inBambara() throws Exception {
        String code = newSession("pre");
        Ussd p = phone(number());
        p.dial();
        p.type("2");                                                  // Bamanankan
        p.type("9");
        p.type("1");
        Ussd.Reply q1 = p.type(code);
        assertThat(q1.screen()).contains("pasipòri").contains("2. Farati taamasiyèn");
        assertThat(Gsm.isGsm7(q1.screen())).isTrue();
        assertThat(p.type("2").screen()).startsWith("Jaabi tilennen don!");
    }

    @Test
    @DisplayName("the quiz API wants staff, a known quiz and phase, and a code that exists")
    void hostileApi() throws Exception {
        assertThat(call("POST", "/api/quizzes", null, "{\"quiz\":\"quiz_referral\"}").statusCode()).isEqualTo(401);
        assertThat(call("GET", "/api/quizzes/123456/results", "forged", null).statusCode()).isEqualTo(401);
        String volunteer = "quiz-vol-" + UUID.randomUUID().toString().substring(0, 8);
        String pass = "volunteer-password-" + UUID.randomUUID();
        assertThat(call("POST", "/api/operators", token, new JsonObject().put("username", volunteer).put("password", pass)
                .put("role", "volunteer").encode()).statusCode()).isEqualTo(201);
        String v = new JsonObject(call("POST", "/api/login", null, new JsonObject().put("username", volunteer)
                .put("password", pass).encode()).body()).getString("token");
        assertThat(call("POST", "/api/quizzes", v, "{\"quiz\":\"quiz_referral\"}").statusCode()).isEqualTo(403);

        for (String body : new String[] {"", "not json", "[]", "{}", "{\"quiz\":\"nope\"}", "{\"quiz\":7}",
                "{\"quiz\":\"quiz_referral\",\"phase\":\"during\"}", "{\"quiz\":\"quiz_referral\\u0000\"}"}) {
            HttpResponse<String> r = call("POST", "/api/quizzes", token, body);
            assertThat(r.statusCode()).as(body + " → " + r.body()).isEqualTo(400);
            assertThat(new JsonObject(r.body()).getString("error")).isNotBlank();
        }
        assertThat(call("POST", "/api/quizzes", token, "{\"quiz\":\"" + "x".repeat(10_000) + "\"}").statusCode()).isEqualTo(413);
        assertThat(call("GET", "/api/quizzes/999999/results", token, null).statusCode()).isEqualTo(404);
        assertThat(call("GET", "/api/quizzes/abc%00/results", token, null).statusCode()).isEqualTo(404);
        assertThat(call("POST", "/api/quizzes/999999/phase", token, "{\"phase\":\"post\"}").statusCode()).isEqualTo(404);
        String code = newSession("pre");
        assertThat(call("POST", "/api/quizzes/" + code + "/phase", token, "{\"phase\":\"later\"}").statusCode()).isEqualTo(400);
        assertThat(call("POST", "/api/quizzes/" + code + "/phase", token, "{}").statusCode()).isEqualTo(400);
        JsonObject list = new JsonObject(call("GET", "/api/quizzes", token, null).body());
        assertThat(list.getJsonArray("quizzes").getJsonObject(0).getString("quiz")).isEqualTo("quiz_referral");
    }
}
