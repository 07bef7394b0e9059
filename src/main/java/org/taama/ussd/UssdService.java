package org.taama.ussd;

import org.taama.gateway.UssdRequest;
import io.micrometer.core.instrument.Counter;
import org.taama.metrics.Meters;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Future;
import org.taama.effects.Effects;
import org.taama.consent.Channel;
import org.taama.flow.Engine;
import org.taama.flow.Screen;
import org.taama.flow.Step;
import org.taama.i18n.Locales;
import org.taama.privacy.CallerHash;
import org.taama.privacy.Digests;
import org.taama.privacy.NumberCipher;
import org.taama.privacy.SealedVars;
import org.taama.flow.State;
import org.taama.redis.Redis;
import org.taama.stats.Events;
import org.taama.stats.Metric;

import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.function.UnaryOperator;
import java.util.concurrent.TimeUnit;

/**
 * One USSD hop, for any gateway: load the session and the caller's language (one round trip), step
 * the engine, save (one pipelined round trip), answer. When Redis is slow or down the caller gets a
 * polite END in both languages well inside the gateway's 10–15 s budget.
 */
public final class UssdService {
    private final Engine engine;
    private final NumberCipher cipher;
    private final Effects effects;
    private final Redis redis;
    private final CallerHash callers;
    private final Duration sessionTtl;
    private final Duration languageTtl;
    private final String defaultLang;
    private final long budgetMillis;
    private final Meters metrics;
    private final Screen unavailable;
    private final Events events;

    public UssdService(Engine engine, Redis redis, CallerHash callers, NumberCipher cipher, Effects effects,
                       Duration sessionTtl, Duration languageTtl, String defaultLang, Duration redisTimeout,
                       Meters metrics, Events events) {
        this.events = events;
        this.cipher = cipher;
        this.engine = engine;
        this.effects = effects;
        this.redis = redis;
        this.callers = callers;
        this.sessionTtl = sessionTtl;
        this.languageTtl = languageTtl;
        this.defaultLang = Locales.isLanguage(defaultLang) ? defaultLang : Locales.FALLBACK;
        this.budgetMillis = redisTimeout.toMillis() + 500;
        this.metrics = metrics;
        // We cannot know the caller's language without Redis, so the apology speaks both.
        this.unavailable = new Screen(engine.text("fr", "common.unavailable") + "\n"
                + engine.text("bm", "common.unavailable"), true);
    }

    /**
     * How long a session that ended is kept to answer its last callback again: a gateway or proxy resends
     * within seconds, and a caller who dials again after it starts afresh anyway.
     */
    static final Duration ENDED_KEPT = Duration.ofSeconds(60);

    /** The answer to a gateway saying the session is over: nobody will read it. */
    public static final Screen RELEASED = new Screen("", true);

    public Screen unavailable() {
        return unavailable;
    }

    /**
     * The answer to a callback for a code that is not ours. It is an END screen rather than a 403 because
     * the likeliest sender is a real gateway with a second code pointed here by mistake, whose caller is
     * on the line and should read a polite word, not the gateway's error; a forger gains nothing from
     * it, since nothing about the number is read or written. Counted as {@code outcome="wrong_code"}.
     */
    public Screen wrongServiceCode(String gateway) {
        hops(gateway, "wrong_code").increment();
        events.count(Metric.UNAVAILABLE, "ussd");
        return unavailable;
    }

    public Future<Screen> handle(String gateway, UssdRequest req) {
        return handle(gateway, req, null);
    }

    /**
     * @param dialled digits dialled after our short code, as the gateway's service code carried them
     *                ({@code *123*482193#}), or null; a first callback whose text already holds digits
     *                (gateways that put the rest of the dial string there) counts the same. Such digits
     *                open a training quiz when they are a live session code ({@link Engine#dialled}).
     */
    public Future<Screen> handle(String gateway, UssdRequest req, String dialled) {
        if (req.kind() == UssdRequest.Kind.ENDED) {
            // The caller is gone: their session stays as it was, so a re-dial may continue where they left.
            hops(gateway, "released").increment();
            return Future.succeededFuture(RELEASED);
        }
        Timer.Sample sample = Timer.start(metrics.registry());
        String caller = callers.of(req.phoneNumber());
        // One key per caller and gateway: a new session id finding it still warm is a re-dial.
        String sessionKey = "taama:{" + caller + "}:ussd:" + gateway;
        String session = shortDigest(req.sessionId());
        String langKey = "taama:{" + caller + "}:lang";
        return redis.mget(sessionKey, langKey)
                .timeout(budgetMillis, TimeUnit.MILLISECONDS)
                .compose(values -> {
                    UssdSession stored = UssdSession.decode(values.get(0));
                    String savedLang = Locales.isLanguage(values.get(1)) ? values.get(1) : null;
                    Step step;
                    String[] from = {null};
                    State previous = stored == null ? null : stored.sealed()
                            ? SealedVars.open(cipher, stored.v(), caller, stored.l()) : stored.plainState();
                    // An ended session is over for a new call; for its own session id it is the last screen again.
                    if (previous == null || (stored.isEnded() && !stored.s().equals(session))) stored = null;
                    if (stored != null && stored.s().equals(session)) {
                        from[0] = previous.node();
                        step = engine.step(previous, stored.isEnded() || repeated(stored, req) ? "" : input(stored, req, typed(caller)));
                    } else if (dialledCode(dialled, req) != null) {
                        step = engine.dialled(savedLang != null ? savedLang : defaultLang, savedLang != null,
                                dialledCode(dialled, req));
                    } else if (stored != null) {
                        step = engine.resume(previous);
                    } else {
                        step = engine.start(savedLang != null ? savedLang : defaultLang, savedLang != null);
                    }
                    // What the caller asked for happens before their screen moves on, and the screen
                    // says what really happened (sent, not sent, limit reached, already registered);
                    // when nothing can say it (a call-back cannot be opened) they get the apology and
                    // stay where they were.
                    // Each stage has its own bound, so the whole hop stays inside the gateway's 10 s:
                    // Redis, then the effects (an SMS may wait for Twilio up to Effects.SMS_WAIT), then Redis.
                    long effectsBudget = budgetMillis + (step.effects().isEmpty() ? 0 : Effects.SMS_WAIT.toMillis());
                    return effects.runAll(step.effects(), caller, req.phoneNumber(), Channel.USSD)
                            .timeout(effectsBudget, TimeUnit.MILLISECONDS)
                            .compose(outcome -> {
                                Step told = engine.settle(step, outcome);
                                if (told == null) return Future.failedFuture(new IllegalStateException("no screen for " + outcome));
                                boolean langKnown = told.outcome() == Step.Outcome.LANGUAGE_SET
                                        || (from[0] == null && savedLang != null);
                                return save(told, caller, session, sessionKey, langKey, req)
                                        .timeout(budgetMillis, TimeUnit.MILLISECONDS)
                                        .onSuccess(v -> {
                                            events.shown("ussd", from[0], told.state().node(), told.state().lang(), langKnown);
                                            events.log("ussd", "in", caller, told.outcome().name().toLowerCase(Locale.ROOT));
                                        })
                                        .map(v -> told);
                            });
                })
                .map(step -> {
                    hops(gateway, step.outcome().name().toLowerCase(Locale.ROOT)).increment();
                    sample.stop(metrics.timer("taama_ussd_hop_seconds", "gateway", gateway));
                    return step.screen();
                })
                .recover(err -> {
                    hops(gateway, "unavailable").increment();
                    events.count(Metric.USSD_HOPS);
                    events.count(Metric.UNAVAILABLE, "ussd");
                    events.log("ussd", "in", caller, "unavailable");
                    return Future.succeededFuture(unavailable);
                });
    }

    /** Digits that came with the first callback of a session: from the service code, else its text (never "1*2"). */
    private static String dialledCode(String dialled, UssdRequest req) {
        if (dialled != null && !dialled.isEmpty()) return dialled;
        String text = req.text();
        return req.kind() == UssdRequest.Kind.HISTORY && text != null && !text.isEmpty() && text.length() <= 16
                && text.chars().allMatch(c -> c >= '0' && c <= '9') ? text : null;
    }

    private Counter hops(String gateway, String outcome) {
        return metrics.counter("taama_ussd_hops_total", "gateway", gateway, "outcome", outcome);
    }

    private static String input(UssdSession stored, UssdRequest req, UnaryOperator<String> digest) {
        return req.kind() == UssdRequest.Kind.HISTORY ? History.newInput(stored.hl(), stored.hk(), req.text(), digest)
                : req.text();
    }

    /**
     * A callback this session has already answered: a second start (the gateway retried its dial), or an
     * input whose hop number is not past the last one seen (the gateway retried a callback whose answer it
     * lost). The caller gets the screen they are on again; the input is not applied twice. A history
     * gateway needs no such rule: a repeated history adds nothing, which is an empty input already.
     */
    private static boolean repeated(UssdSession stored, UssdRequest req) {
        return switch (req.kind()) {
            case START -> true;
            case INPUT -> req.hop() > 0 && req.hop() <= stored.hl();
            default -> false;
        };
    }

    private UnaryOperator<String> typed(String caller) {
        return text -> callers.typed(caller, text);
    }

    private Future<?> save(Step step, String caller, String sessionId, String sessionKey, String langKey,
                           UssdRequest req) {
        String sealed = SealedVars.seal(cipher, step.state(), caller);
        // What marks the caller's place in the gateway's session: the length and keyed digest of the history,
        // or, from a gateway that sends one input at a time, the last hop number (nothing typed is kept).
        String history = req.kind() == UssdRequest.Kind.HISTORY && req.text() != null ? req.text() : "";
        long mark = req.kind() == UssdRequest.Kind.HISTORY ? history.length() : Math.max(0, req.hop());
        UssdSession kept = UssdSession.of(sessionId, step.state(), (int) Math.min(mark, Integer.MAX_VALUE),
                typed(caller).apply(history), sealed);
        Future<?> session = step.screen().end()
                ? redis.setex(sessionKey, kept.ended().encode(), ENDED_KEPT.compareTo(sessionTtl) < 0 ? ENDED_KEPT : sessionTtl)
                : redis.setex(sessionKey, kept.encode(), sessionTtl);
        if (step.outcome() != Step.Outcome.LANGUAGE_SET) return session;
        return Future.all(List.of(session, redis.setex(langKey, step.state().lang(), languageTtl)));
    }

    /** Gateway session ids can be long and carry anything; keys hold a fixed-size digest instead. */
    static String shortDigest(String s) {
        return HexFormat.of().formatHex(Digests.sha256(s), 0, 12);
    }
}
