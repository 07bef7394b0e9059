package org.taama.quiz;

import io.lettuce.core.ScriptOutputType;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.taama.redis.Redis;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Training quiz sessions and their anonymous results. A trainer (an operator) opens a session for a
 * quiz and gets a short numeric code; participants type it (or dial it after the short code) before
 * the training ({@code pre}) and, once the trainer has switched the session to {@code post}, after it.
 * All that is kept of a participant is one more count in the session's tallies, per phase:
 * how many started, how many finished, how many finished with each score, and how many got each
 * question right. Never a number, a caller hash or anyone's answers.
 *
 * <pre>
 * taama:quiz:{code}         hash: quiz, phase, open_until (epoch s), created_at, created_by     QUIZ_RESULTS_DAYS
 * taama:quiz:{code}:pre     hash: started, completed, score:N, q:ID (right answers)              QUIZ_RESULTS_DAYS after the last count
 * taama:quiz:{code}:post    the same after the training
 * </pre>
 * A code is accepted from callers for QUIZ_CODE_DAYS; it is never handed out again while its session
 * is kept, so two trainings' tallies never mix.
 */
public final class QuizStore {
    public static final Set<String> PHASES = Set.of("pre", "post");
    private static final int CODE_DIGITS = 6;
    private static final int CREATE_TRIES = 20;

    /** Creates the session only when its code is free. */
    private static final Redis.Script CREATE = Redis.Script.of("""
            if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
            redis.call('HSET', KEYS[1], 'quiz', ARGV[1], 'phase', ARGV[2], 'open_until', ARGV[3],
                       'created_at', ARGV[4], 'created_by', ARGV[5])
            redis.call('EXPIRE', KEYS[1], ARGV[6])
            return 1
            """);

    /** A live code: its quiz and phase, and one more "started" in that phase; an unknown or closed one: nil. */
    private static final Redis.Script OPEN = Redis.Script.of("""
            local s = redis.call('HMGET', KEYS[1], 'quiz', 'phase', 'open_until')
            if not s[1] or not s[2] or not s[3] then return nil end
            if tonumber(s[3]) < tonumber(ARGV[1]) then return nil end
            local tally = KEYS[1] .. ':' .. s[2]
            redis.call('HINCRBY', tally, 'started', 1)
            redis.call('EXPIRE', tally, ARGV[2])
            return {s[1], s[2]}
            """);

    /** One finished quiz into its phase's tallies, if the session still exists (ARGV[3..]: right questions). */
    private static final Redis.Script TALLY = Redis.Script.of("""
            if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
            redis.call('HINCRBY', KEYS[2], 'completed', 1)
            redis.call('HINCRBY', KEYS[2], 'score:' .. ARGV[1], 1)
            for i = 3, #ARGV do redis.call('HINCRBY', KEYS[2], 'q:' .. ARGV[i], 1) end
            redis.call('EXPIRE', KEYS[2], ARGV[2])
            return 1
            """);

    /** Moves a session to another phase, if it exists. */
    private static final Redis.Script PHASE = Redis.Script.of("""
            if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
            redis.call('HSET', KEYS[1], 'phase', ARGV[1])
            return 1
            """);

    private final Redis redis;
    private final Clock clock;
    private final Duration codeOpen;
    private final Duration keep;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, List<String>> quizzes;

    /**
     * @param codeOpen how long callers may open a session with its code (QUIZ_CODE_DAYS)
     * @param keep     how long a session and its tallies are kept after the last count (QUIZ_RESULTS_DAYS)
     * @param quizzes  the quizzes of the content: flow name → its questions' ids ({@code FlowSet#quizzes})
     */
    public QuizStore(Redis redis, Clock clock, Duration codeOpen, Duration keep, Map<String, List<String>> quizzes) {
        this.quizzes = Map.copyOf(quizzes);
        this.redis = redis;
        this.clock = clock;
        this.codeOpen = codeOpen;
        this.keep = keep.compareTo(codeOpen) < 0 ? codeOpen : keep;
    }

    /** A session as the operators see it. */
    public record Session(String code, String quiz, String phase, long openUntil) {
        public JsonObject toJson() {
            return new JsonObject().put("code", code).put("quiz", quiz).put("phase", phase)
                    .put("open_until", java.time.Instant.ofEpochSecond(openUntil).toString());
        }
    }

    /** The quizzes sessions may be opened for: flow name → its questions' ids. */
    public Map<String, List<String>> quizzes() {
        return new java.util.TreeMap<>(quizzes);
    }

    static String meta(String code) {
        return "taama:quiz:{" + code + "}";
    }

    static String tally(String code, String phase) {
        return meta(code) + ":" + phase;
    }

    /** Whether a text is a code as this store hands them out (so a path segment can be refused before Redis). */
    public static boolean plausibleCode(String code) {
        return code != null && code.matches("[0-9]{4,8}");
    }

    public Future<Session> create(String quiz, String phase, String by) {
        return create(quiz, phase, by, CREATE_TRIES);
    }

    private Future<Session> create(String quiz, String phase, String by, int tries) {
        if (tries == 0) return Future.failedFuture(new IllegalStateException("no free quiz code found"));
        String code = Integer.toString((int) Math.pow(10, CODE_DIGITS - 1) + random.nextInt(9 * (int) Math.pow(10, CODE_DIGITS - 1)));
        long now = clock.instant().getEpochSecond();
        long until = now + codeOpen.toSeconds();
        return redis.<Long>run(CREATE, ScriptOutputType.INTEGER, new String[] {meta(code)}, quiz, phase,
                        Long.toString(until), Long.toString(now), by, Long.toString(keep.toSeconds()))
                .compose(made -> made == 1 ? Future.succeededFuture(new Session(code, quiz, phase, until))
                        : create(quiz, phase, by, tries - 1));
    }

    /** The session a caller opens with a code, counted as started; null when the code is unknown or closed. */
    public Future<Session> open(String code) {
        if (!plausibleCode(code)) return Future.succeededFuture(null);
        return redis.<List<Object>>run(OPEN, ScriptOutputType.MULTI, new String[] {meta(code)},
                        Long.toString(clock.instant().getEpochSecond()), Long.toString(keep.toSeconds()))
                .map(r -> r == null || r.size() < 2 ? null : new Session(code, String.valueOf(r.get(0)), String.valueOf(r.get(1)), 0));
    }

    /** Adds one finished quiz: its score and the questions answered right. False when the session is gone. */
    public Future<Boolean> tally(String code, String phase, int score, List<String> right) {
        if (!plausibleCode(code) || !PHASES.contains(phase)) return Future.succeededFuture(false);
        List<String> args = new ArrayList<>(List.of(Integer.toString(score), Long.toString(keep.toSeconds())));
        right.stream().filter(q -> q.matches("[a-z][a-z0-9_]*")).forEach(args::add);
        return redis.<Long>run(TALLY, ScriptOutputType.INTEGER, new String[] {meta(code), tally(code, phase)},
                args.toArray(String[]::new)).map(n -> n == 1);
    }

    /** The session, or null when there is none. */
    public Future<Session> get(String code) {
        if (!plausibleCode(code)) return Future.succeededFuture(null);
        return redis.hgetall(meta(code)).map(m -> m == null || m.get("quiz") == null ? null
                : new Session(code, m.get("quiz"), m.get("phase"), parse(m.get("open_until"))));
    }

    /** Moves the session to a phase; null when there is no such session. */
    public Future<Session> phase(String code, String phase) {
        if (!plausibleCode(code)) return Future.succeededFuture(null);
        return redis.<Long>run(PHASE, ScriptOutputType.INTEGER, new String[] {meta(code)}, phase)
                .compose(n -> n == 1 ? get(code) : Future.succeededFuture(null));
    }

    /**
     * Pre against post for a session: per phase, how many started and finished, the score
     * distribution (every score from 0 to the number of questions), the mean score, and per question
     * how many got it right and the rate among those who finished. Null when there is no such session.
     */
    public Future<JsonObject> results(String code) {
        return get(code).compose(s -> {
            if (s == null) return Future.succeededFuture(null);
            List<String> questions = quizzes.getOrDefault(s.quiz(), List.of());
            return Future.all(redis.hgetall(tally(code, "pre")), redis.hgetall(tally(code, "post"))).map(both -> {
                JsonObject pre = phase(both.resultAt(0), questions);
                JsonObject post = phase(both.resultAt(1), questions);
                JsonObject out = s.toJson().put("questions", new JsonArray(new ArrayList<>(questions)))
                        .put("pre", pre).put("post", post);
                if (pre.getLong("completed") > 0 && post.getLong("completed") > 0) {
                    out.put("mean_change", round(post.getDouble("mean") - pre.getDouble("mean")));
                }
                return out;
            });
        });
    }

    private static JsonObject phase(Map<String, String> t, List<String> questions) {
        Map<String, String> m = t == null ? Map.of() : t;
        long completed = parse(m.get("completed"));
        JsonObject scores = new JsonObject();
        long sum = 0;
        for (int score = 0; score <= questions.size(); score++) {
            long n = parse(m.get("score:" + score));
            scores.put(Integer.toString(score), n);
            sum += n * score;
        }
        JsonObject perQuestion = new JsonObject();
        for (String q : questions) {
            long right = parse(m.get("q:" + q));
            perQuestion.put(q, new JsonObject().put("correct", right)
                    .put("rate", completed == 0 ? null : round((double) right / completed)));
        }
        JsonObject out = new JsonObject().put("started", parse(m.get("started"))).put("completed", completed)
                .put("scores", scores).put("questions", perQuestion);
        if (completed > 0) out.put("mean", round((double) sum / completed));
        return out;
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

    private static long parse(String s) {
        if (s == null) return 0;
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
