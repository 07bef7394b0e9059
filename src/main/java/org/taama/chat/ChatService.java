package org.taama.chat;

import org.taama.effects.Effects;
import org.taama.metrics.Meters;
import io.vertx.core.Future;
import org.taama.config.Config;
import org.taama.consent.Channel;
import org.taama.consent.ConsentStore;
import org.taama.flow.ChatOpening;
import org.taama.flow.Engine;
import org.taama.flow.State;
import org.taama.flow.StateJson;
import org.taama.flow.Step;
import org.taama.i18n.Keywords;
import org.taama.i18n.Locales;
import org.taama.privacy.CallerHash;
import org.taama.privacy.Digests;
import org.taama.privacy.NumberCipher;
import org.taama.privacy.SealedVars;
import org.taama.redis.Redis;
import org.taama.stats.Events;
import org.taama.stats.Metric;
import org.taama.twilio.WhatsAppWindow;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * The flows as a text conversation (SMS or WhatsApp): a keyword or any first message starts, the
 * texter answers with numbers, {@code 0}/{@code 00} as on USSD. STOP and START work at any point;
 * after STOP only START and the help words are answered (Twilio blocks anything else, error 21610).
 *
 * <p>Twilio retries a webhook it thinks failed, so each MessageSid is answered once and its reply kept.
 * The reply is written in the same script as the conversation's new state, and only after what the
 * message asked for (an opt-out, a call-back) is stored: a retry finds either nothing — then the
 * message is answered afresh, its effect run again — or the reply, which it gets back without moving
 * the conversation twice. Deliveries of one person's messages, retries included, take turns under a
 * short lock, so a retry never runs beside the first delivery.
 *
 * <p>Keys: {@code taama:{caller}:chat:<channel>} (state, CHAT_SESSION_TTL_SECONDS),
 * {@code taama:{caller}:msg:<digest of MessageSid>} (the reply, encrypted, 24 h),
 * {@code taama:{caller}:wa:window} (set for 24 h by each inbound WhatsApp message),
 * {@code taama:{caller}:chat:lock} (held while one of the person's messages is answered, 5 s at most).
 */
public final class ChatService {
    static final Duration REPLAY_TTL = Duration.ofHours(24);
    /**
     * One message of a person at a time: two texts sent in the same second would otherwise both step
     * from the same state and one answer would be lost.
     */
    static final Duration LOCK_TTL = Duration.ofSeconds(5);
    static final Duration LOCK_RETRY = Duration.ofMillis(50);
    static final int LOCK_TRIES = 40;
    /** What an opted-out texter gets for anything but START or a help word: nothing. */
    static final String SILENT = "";

    private final Engine sms;
    private final Engine whatsapp;
    private final Redis redis;
    private final CallerHash callers;
    private final ConsentStore consent;
    private final Keywords keywords;
    private final Effects effects;
    private final WhatsAppWindow window;
    private final NumberCipher cipher;
    private final Config config;
    private final Meters metrics;
    private final String defaultLang;
    private final Events events;

    public ChatService(Engine sms, Engine whatsapp, Redis redis, CallerHash callers, ConsentStore consent,
                       Keywords keywords, Effects effects, WhatsAppWindow window, NumberCipher cipher,
                       Config config, Meters metrics, Events events) {
        this.events = events;
        this.cipher = cipher;
        this.window = window;
        this.sms = sms;
        this.whatsapp = whatsapp;
        this.redis = redis;
        this.callers = callers;
        this.consent = consent;
        this.keywords = keywords;
        this.effects = effects;
        this.config = config;
        this.metrics = metrics;
        this.defaultLang = Locales.isLanguage(config.defaultLang()) ? config.defaultLang() : Locales.FALLBACK;
    }

    /** The reply text (possibly empty: then nothing is sent back). */
    public Future<String> handle(Inbound m) {
        String caller = callers.ofAddress(m.number());
        String replayKey = "taama:{" + caller + "}:msg:" + HexFormat.of().formatHex(Digests.sha256(m.messageSid()), 0, 12);
        String lockKey = "taama:{" + caller + "}:chat:lock";
        // No extra timeout here: every Redis command has its own, and a timeout that does not
        // cancel the work would let a retry apply the same message twice.
        return redis.withLock(lockKey, LOCK_TTL, LOCK_RETRY, LOCK_TRIES, "conversation busy", () -> redis.get(replayKey)
                .compose(kept -> {
                    String reply = kept(kept, caller + ":" + replayKey);
                    if (reply != null) {
                        count(m.channel(), "replayed");
                        return Future.succeededFuture(reply);
                    }
                    String channel = m.channel().id();
                    events.count(Metric.MESSAGES_IN, channel);
                    return answer(m, caller, replayKey).onSuccess(sent -> {
                        if (sent.isEmpty()) return;
                        events.count(Metric.MESSAGES_OUT, channel);
                        events.log(channel, "out", caller, "reply");
                    });
                }));
    }

    /**
     * The reply kept for a MessageSid, or null when it was not answered. An empty value is the
     * "in progress" marker older versions wrote before answering: it says nothing was stored.
     */
    private String kept(String stored, String bound) {
        if (stored == null || stored.isEmpty()) return null;
        try {
            return cipher.decrypt(stored, bound);
        } catch (IllegalArgumentException unreadable) {
            return null;
        }
    }

    private Future<String> answer(Inbound m, String caller, String replayKey) {
        Engine engine = m.channel() == Channel.WHATSAPP ? whatsapp : sms;
        String sessionKey = "taama:{" + caller + "}:chat:" + m.channel().id();
        String langKey = "taama:{" + caller + "}:lang";
        String bound = caller + ":" + replayKey;
        Future<?> windowTouched = m.channel() == Channel.WHATSAPP ? window.touch(caller) : Future.succeededFuture();
        Future<List<String>> stored = redis.mget(sessionKey, langKey);
        Future<Boolean> stopped = consent.optedOut(caller);
        return Future.all(stored, stopped).compose(loaded -> {
            List<String> values = stored.result();
            State state = StateJson.decode(values.get(0), (sealed, l) -> SealedVars.open(cipher, sealed, caller, l));
            String savedLang = Locales.isLanguage(values.get(1)) ? values.get(1) : null;
            String lang = state != null ? state.lang() : savedLang != null ? savedLang : defaultLang;
            Keywords.Kind keyword = keywords.of(m.body());
            // Each reply below is kept for retries only once what it reports is stored.
            if (keyword == Keywords.Kind.STOP) {
                count(m.channel(), "stop");
                events.log(m.channel().id(), "in", caller, "stop");
                return consent.optOut(caller, m.channel(), "keyword")
                        .compose(v -> keep(engine.text(lang, "consent.stopped"), List.of(), replayKey, bound, windowTouched));
            }
            if (keyword == Keywords.Kind.START) {
                count(m.channel(), "start");
                events.log(m.channel().id(), "in", caller, "start");
                return consent.optIn(caller, m.number(), m.channel(), lang, null)
                        .compose(v -> keep(engine.text(lang, "consent.started"), List.of(), replayKey, bound, windowTouched));
            }
            if (stopped.result()) {
                // Twilio would refuse to deliver anything else to a number that sent STOP (21610).
                boolean help = keyword == Keywords.Kind.HELP;
                count(m.channel(), help ? "help_stopped" : "stopped_silent");
                events.log(m.channel().id(), "in", caller, help ? "help_stopped" : "stopped_silent");
                return keep(help ? engine.text(lang, "consent.help") : SILENT, List.of(), replayKey, bound, windowTouched);
            }
            boolean first = state == null;
            Step step;
            if (first || keyword == Keywords.Kind.MENU || keyword == Keywords.Kind.HELP) {
                step = engine.start(lang, savedLang != null);
            } else {
                step = engine.step(state, m.body());
            }
            count(m.channel(), step.outcome().name().toLowerCase(Locale.ROOT));
            String fromScreen = first || keyword == Keywords.Kind.MENU || keyword == Keywords.Kind.HELP ? null : state.node();
            String finalReply = ChatOpening.reply(engine, step.screen().text(), lang,
                    m.media() > 0 && (m.body() == null || m.body().isBlank()), first, savedLang, defaultLang);
            // What the texter asked for happens first; the conversation moves on only when it did.
            // A WhatsApp id is not a number to call or text back, so effects get none.
            return effects.runAll(step.effects(), caller, m.scopedId() ? null : m.number(), m.channel())
                    .compose(outcome -> {
                        // The reply says what really happened (e.g. a call-back already registered).
                        Step told = engine.settle(step, outcome);
                        if (told == null) {
                            count(m.channel(), "effect_failed");
                            unavailable(m, caller);
                            return Future.succeededFuture(engine.text(lang, "common.unavailable"));
                        }
                        boolean langKnown = told.outcome() == Step.Outcome.LANGUAGE_SET || (fromScreen == null && savedLang != null);
                        events.shown(m.channel().id(), fromScreen, told.state().node(), told.state().lang(), langKnown);
                        events.log(m.channel().id(), "in", caller, told.outcome().name().toLowerCase(Locale.ROOT));
                        List<Redis.Write> writes = new ArrayList<>(2);
                        // A conversation that reached its end starts afresh with the next message.
                        writes.add(told.screen().end() ? Redis.Write.deletion(sessionKey) : new Redis.Write(sessionKey,
                                StateJson.encode(told.state(), SealedVars.seal(cipher, told.state(), caller)),
                                config.chatSessionTtl()));
                        if (told.outcome() == Step.Outcome.LANGUAGE_SET) {
                            writes.add(new Redis.Write(langKey, told.state().lang(), config.languageTtl()));
                        }
                        return keep(told == step ? finalReply : told.screen().text(), writes, replayKey, bound, windowTouched);
                    }, failed -> {
                        // Not kept: a retry of this message runs the effect again.
                        count(m.channel(), "effect_failed");
                        unavailable(m, caller);
                        return Future.succeededFuture(engine.text(lang, "common.unavailable"));
                    });
        });
    }

    /** Writes the new state and the reply (encrypted: it may be a self-check result) together. */
    private Future<String> keep(String reply, List<Redis.Write> state, String replayKey, String bound,
                                Future<?> windowTouched) {
        List<Redis.Write> writes = new ArrayList<>(state);
        writes.add(new Redis.Write(replayKey, cipher.encrypt(reply, bound), REPLAY_TTL));
        return Future.all(redis.setAll(writes), windowTouched).map(v -> reply);
    }

    private void unavailable(Inbound m, String caller) {
        events.count(Metric.UNAVAILABLE, m.channel().id());
        events.log(m.channel().id(), "in", caller, "unavailable");
    }

    private void count(Channel channel, String outcome) {
        metrics.counter("taama_chat_messages_total", "channel", channel.id(), "outcome", outcome).increment();
    }
}
