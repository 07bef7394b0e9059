package org.taama.effects;

import io.lettuce.core.ScriptOutputType;
import io.vertx.core.Future;
import org.taama.consent.Channel;
import org.taama.consent.ConsentStore;
import org.taama.flow.Effect;
import org.taama.i18n.Locales;
import org.taama.i18n.Spelling;
import org.taama.metrics.Meters;
import org.taama.privacy.CallerHash;
import org.taama.quiz.QuizStore;
import org.taama.redis.Redis;
import org.taama.stats.Events;
import org.taama.stats.Metric;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Carries out what callers asked for on a menu, for every channel: sign them up for awareness
 * messages, text them a helpline so it outlives the USSD session, open a call-back case, or count
 * an answer anonymously — and says what really happened ({@link Effect#OK}, {@link Effect#FAILED},
 * {@link Effect#LIMIT}, {@link Effect#REFUSED}, {@link Effect#ALREADY}) so the screen can tell it.
 *
 * <p>What one session can make happen is bounded, since a USSD callback can be forged: at most
 * {@code SMS_PER_NUMBER_PER_DAY} hand-off SMS per number (counter {@code taama:{caller}:sms:handoff},
 * keyed by the caller hash, expiring a day after the first SMS), SMS only to numbers the sender
 * allows ({@code SMS_ALLOWED_COUNTRIES}), call-backs only to {@code CALLBACK_ALLOWED_COUNTRIES} and
 * one open case per caller. Every refusal moves {@code taama_limit_refusals_total{limit}}.
 */
public final class Effects {
    /** Sends one SMS; the future completes when the provider accepted it and fails when it did not. */
    public interface SmsOut {
        Future<?> send(String number, String text);

        /** Whether this number may be texted at all (its country is allowed). */
        default boolean allows(String number) {
            return true;
        }
    }

    /** Opens a confidential call-back case (the number stored encrypted); answers false when one is already open. */
    @FunctionalInterface
    public interface CallbackOut {
        Future<Boolean> open(String caller, String number, String window, boolean leaveMessage, String lang, Channel channel);
    }

    /** What the effects may do at most, from the configuration. */
    public record Limits(int smsPerNumberPerDay, List<String> callbackCountries) {
        public Limits {
            callbackCountries = List.copyOf(callbackCountries);
        }

        public static Limits none() {
            return new Limits(Integer.MAX_VALUE, List.of());
        }
    }

    /** Prefix of the anonymous counters ({@code taama:stats:selfcheck.q8}…). */
    public static final String STATS = "taama:stats:";
    static final Duration SMS_WINDOW = Duration.ofDays(1);
    /**
     * How long a caller's screen waits for Twilio to take an SMS: the screen may say "sent" only once
     * it did, and the USSD gateway gives up on a hop after about 10 s. Longer counts as not sent.
     */
    public static final Duration SMS_WAIT = Duration.ofSeconds(4);

    /** One step: count this SMS and start the day's window on the first, so a crash cannot leave a counter that never expires. */
    private static final String COUNT = """
            local n = redis.call('INCR', KEYS[1])
            if n == 1 or redis.call('TTL', KEYS[1]) < 0 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
            return n
            """;

    private final ConsentStore consent;
    private final Redis redis;
    private final CallbackOut callbacks;
    private final Locales locales;
    private final Spelling smsSpelling;
    private final SmsOut sms;
    private final Limits limits;
    private final Meters metrics;
    private final QuizStore quizzes;
    private final Events events;

    /** @param sms null when no SMS provider is configured: the channels then do not offer "send by SMS" */
    public Effects(ConsentStore consent, Redis redis, Locales locales, Spelling smsSpelling, SmsOut sms,
                   CallbackOut callbacks, Limits limits, Meters metrics) {
        this(consent, redis, locales, smsSpelling, sms, callbacks, limits, metrics, null);
    }

    /** @param quizzes the training quiz sessions (null: no quiz code is known, every code is refused) */
    public Effects(ConsentStore consent, Redis redis, Locales locales, Spelling smsSpelling, SmsOut sms,
                   CallbackOut callbacks, Limits limits, Meters metrics, QuizStore quizzes) {
        this(consent, redis, locales, smsSpelling, sms, callbacks, limits, metrics, quizzes, Events.NONE);
    }

    /** @param events where the anonymous self-check answers are counted for the dashboard */
    public Effects(ConsentStore consent, Redis redis, Locales locales, Spelling smsSpelling, SmsOut sms,
                   CallbackOut callbacks, Limits limits, Meters metrics, QuizStore quizzes, Events events) {
        this.events = events;
        this.quizzes = quizzes;
        this.consent = consent;
        this.redis = redis;
        this.callbacks = callbacks;
        this.locales = locales;
        this.smsSpelling = smsSpelling;
        this.sms = sms;
        this.limits = limits;
        this.metrics = metrics;
    }

    /** Whether "send me this by SMS" can be carried out on this channel at all. */
    public boolean canSms(Channel channel) {
        // In an SMS or WhatsApp conversation the texter already has the text.
        return sms != null && channel == Channel.USSD;
    }

    public static String smsCounterKey(String caller) {
        return "taama:{" + caller + "}:sms:handoff";
    }

    /**
     * Runs the effects; answers the first outcome that is not {@link Effect#OK} (or OK). Fails only
     * when something broke that no screen describes (Redis down while opening a case).
     */
    public Future<String> run(List<Effect> effects, String caller, String number, Channel channel) {
        return runAll(effects, caller, number, channel).map(Effect.Result::outcome);
    }

    /**
     * As {@link #run}, with what an effect found that decides where the caller goes: a quiz session
     * code opens its quiz ({@link Effect.Result#flow()}); give the result to {@code Engine.settle}.
     */
    public Future<Effect.Result> runAll(List<Effect> effects, String caller, String number, Channel channel) {
        if (effects.isEmpty()) return Future.succeededFuture(Effect.Result.OK_RESULT);
        Effect open = effects.stream().filter(e -> "quiz_open".equals(e.action())).findFirst().orElse(null);
        if (open != null) return openQuiz(open.data().get("code"));
        return runOutcomes(effects, caller, number, channel).map(Effect.Result::of);
    }

    /** A session code typed or dialled: its quiz and phase, counted as started; REFUSED when unknown or closed. */
    private Future<Effect.Result> openQuiz(String code) {
        if (quizzes == null) return Future.succeededFuture(Effect.Result.of(Effect.REFUSED));
        return quizzes.open(code).map(session -> {
            metrics.counter("taama_quiz_opened_total", "outcome", session == null ? "unknown" : "ok").increment();
            if (session == null) return Effect.Result.of(Effect.REFUSED);
            // The code and phase stay in the sealed session until the score counts them; nothing else does.
            return new Effect.Result(Effect.OK, session.quiz(), Map.of("quiz.code", session.code(),
                    "quiz.phase", session.phase(), "quiz.tallied", ""));
        });
    }

    private Future<Boolean> tallyQuiz(Effect e) {
        if (quizzes == null) return Future.succeededFuture(false);
        int score;
        try {
            score = Integer.parseInt(e.data().getOrDefault("score", ""));
        } catch (NumberFormatException x) {
            return Future.succeededFuture(false);
        }
        String right = e.data().getOrDefault("right", "");
        List<String> ids = right.isBlank() ? List.of() : List.of(right.split(","));
        return quizzes.tally(e.data().get("code"), e.data().get("phase"), score, ids);
    }

    private Future<String> runOutcomes(List<Effect> effects, String caller, String number, Channel channel) {
        List<Future<String>> all = new ArrayList<>();
        for (Effect e : effects) {
            switch (e.action()) {
                case "subscribe" -> {
                    // A WhatsApp business-scoped id is no number we could ever write to: say so, never "thank you".
                    all.add(number == null ? Future.succeededFuture(Effect.REFUSED)
                            : consent.optIn(caller, number, channel, e.lang(), e.region()).map(Effect.OK));
                }
                case "unsubscribe" -> all.add(consent.optOut(caller, channel, "menu").map(Effect.OK));
                case "sms" -> all.add(sms(e, caller, number, channel));
                case "callback" -> all.add(callback(e, caller, number, channel));
                // Anonymous: the counter has no caller attached, only how many answered so.
                case "tally" -> {
                    events.count(Metric.TALLY, e.data().get("name"));
                    all.add(redis.incr(STATS + e.data().get("name")).map(Effect.OK));
                }
                // A finished quiz: its score counts for the code and phase, never for the caller.
                case "quiz_tally" -> all.add(tallyQuiz(e).map(Effect.OK));
                default -> { }
            }
        }
        return Future.all(all).map(v -> all.stream().map(Future::result)
                .filter(o -> !Effect.OK.equals(o)).findFirst().orElse(Effect.OK));
    }

    private Future<String> sms(Effect e, String caller, String number, Channel channel) {
        String text = locales.text(e.lang(), e.textKey());
        // Not offered here (or a session from before a restart without a sender): say it was not sent.
        if (!canSms(channel) || number == null || text == null) return Future.succeededFuture(handoff(Effect.FAILED));
        if (!sms.allows(number)) return Future.succeededFuture(handoff(refused("sms_country", Effect.REFUSED)));
        String counter = smsCounterKey(caller);
        return redis.<Long>eval(COUNT, ScriptOutputType.INTEGER, new String[] {counter},
                        Long.toString(SMS_WINDOW.toSeconds()))
                .compose(n -> {
                    if (n > limits.smsPerNumberPerDay()) {
                        return Future.succeededFuture(handoff(refused("sms_per_number_per_day", Effect.LIMIT)));
                    }
                    return sms.send(number, smsSpelling.apply(text)).timeout(SMS_WAIT.toMillis(), TimeUnit.MILLISECONDS)
                            .transform(sent -> {
                                if (sent.succeeded()) return Future.succeededFuture(handoff(Effect.OK));
                                // Too slow: it may still go out, so it keeps counting; refused: it does not.
                                if (sent.cause() instanceof TimeoutException) return Future.succeededFuture(handoff(Effect.FAILED));
                                return redis.decr(counter).transform(x -> Future.succeededFuture(handoff(Effect.FAILED)));
                            });
                }, counted -> Future.succeededFuture(handoff(Effect.FAILED)));
    }

    private Future<String> callback(Effect e, String caller, String number, Channel channel) {
        if (callbacks == null) return Future.failedFuture(new IllegalStateException("call-backs are not set up"));
        String typed = e.data().get("number");
        String to = typed != null && !typed.isBlank() ? typed : number;
        if (to == null || !CallerHash.plausible(to)) {
            return Future.failedFuture(new IllegalArgumentException("no number to call back"));
        }
        String canonical = "+" + CallerHash.normalize(to);
        if (!limits.callbackCountries().isEmpty() && !CallerHash.inCountries(canonical, limits.callbackCountries())) return Future.succeededFuture(refused("callback_country", Effect.REFUSED));
        return callbacks.open(caller, canonical, e.data().getOrDefault("window", "any"),
                        "yes".equals(e.data().get("leave")), e.lang(), channel)
                .map(opened -> opened ? Effect.OK : refused("callback_open_case", Effect.ALREADY));
    }

    private String handoff(String outcome) {
        metrics.counter("taama_sms_handoff_total", "outcome", outcome).increment();
        return outcome;
    }

    private String refused(String limit, String outcome) {
        metrics.counter("taama_limit_refusals_total", "limit", limit).increment();
        return outcome;
    }
}
