package org.taama.chat;

import org.taama.effects.Effects;
import org.taama.metrics.Meters;
import io.vertx.core.Future;
import org.taama.config.Config;
import org.taama.consent.Channel;
import org.taama.consent.ConsentStore;
import org.taama.flow.Engine;
import org.taama.flow.State;
import org.taama.flow.StateJson;
import org.taama.flow.Step;
import org.taama.i18n.Locales;
import org.taama.privacy.CallerHash;
import org.taama.privacy.Digests;
import org.taama.privacy.NumberCipher;
import org.taama.privacy.SealedVars;
import org.taama.redis.Redis;
import org.taama.twilio.WhatsAppWindow;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * The flows as a text conversation (SMS or WhatsApp): a keyword or any first message starts, the
 * texter answers with numbers, {@code 0}/{@code 00} as on USSD. STOP and START work at any point.
 * Twilio retries a webhook it thinks failed, so each MessageSid is answered once and its reply kept:
 * a retry gets the same reply and does not move the conversation twice.
 *
 * <p>Keys: {@code taama:{caller}:chat:<channel>} (state, CHAT_SESSION_TTL_SECONDS),
 * {@code taama:{caller}:msg:<digest of MessageSid>} (the reply, encrypted, 24 h),
 * {@code taama:{caller}:wa:window} (set for 24 h by each inbound WhatsApp message),
 * {@code taama:{caller}:chat:lock} (held while one of the person's messages is answered, 5 s at most).
 */
public final class ChatService {
    static final Duration REPLAY_TTL = Duration.ofHours(24);
    static final Duration LOCK_TTL = Duration.ofSeconds(5);
    static final Duration LOCK_RETRY = Duration.ofMillis(50);
    static final int LOCK_TRIES = 40;
    /** What a retry gets while the first delivery of the same message is still being answered. */
    static final String IN_PROGRESS = "";

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

    public ChatService(Engine sms, Engine whatsapp, Redis redis, CallerHash callers, ConsentStore consent,
                       Keywords keywords, Effects effects, WhatsAppWindow window, NumberCipher cipher,
                       Config config, Meters metrics) {
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
        return redis.setIfAbsent(replayKey, IN_PROGRESS, REPLAY_TTL).compose(first -> {
            String bound = caller + ":" + replayKey;
            if (!first) {
                count(m.channel(), "replayed");
                return redis.get(replayKey).map(r -> r == null || r.isEmpty() ? IN_PROGRESS : cipher.decrypt(r, bound));
            }
            // No extra timeout here: every Redis command has its own, and a timeout that does not
            // cancel the work would let a retry apply the same message twice.
            String lockKey = "taama:{" + caller + "}:chat:lock";
            return lock(lockKey, replayKey, LOCK_TRIES)
                    .compose(held -> answer(m, caller).andThen(done -> redis.del(lockKey)))
                    // The reply is kept encrypted: it may be a self-check result.
                    .compose(reply -> redis.setex(replayKey, cipher.encrypt(reply, bound), REPLAY_TTL).map(v -> reply))
                    // Not answered: forget the message so Twilio's retry is answered afresh.
                    .recover(err -> redis.del(replayKey).transform(ignored -> Future.failedFuture(err)));
        });
    }

    /**
     * One message of a person at a time: two texts sent in the same second would otherwise both step
     * from the same state and one answer would be lost. The lock expires by itself if a node dies.
     */
    private Future<Void> lock(String key, String owner, int triesLeft) {
        return redis.setIfAbsent(key, owner, LOCK_TTL).compose(got -> {
            if (got) return Future.succeededFuture();
            if (triesLeft <= 0) return Future.failedFuture(new IllegalStateException("conversation busy"));
            io.vertx.core.Promise<Void> later = io.vertx.core.Promise.promise();
            redis.vertx().setTimer(LOCK_RETRY.toMillis(), t -> lock(key, owner, triesLeft - 1).onComplete(later));
            return later.future();
        });
    }

    private Future<String> answer(Inbound m, String caller) {
        Engine engine = m.channel() == Channel.WHATSAPP ? whatsapp : sms;
        String sessionKey = "taama:{" + caller + "}:chat:" + m.channel().id();
        String langKey = "taama:{" + caller + "}:lang";
        List<Future<?>> sideWrites = new ArrayList<>();
        if (m.channel() == Channel.WHATSAPP) {
            sideWrites.add(window.touch(caller));
        }
        return redis.mget(sessionKey, langKey).compose(values -> {
            State state = StateJson.decode(values.get(0), (sealed, l) -> SealedVars.open(cipher, sealed, caller, l));
            String savedLang = Locales.isLanguage(values.get(1)) ? values.get(1) : null;
            String lang = state != null ? state.lang() : savedLang != null ? savedLang : defaultLang;
            Keywords.Kind keyword = keywords.of(m.body());
            if (keyword == Keywords.Kind.STOP) {
                count(m.channel(), "stop");
                return consent.optOut(caller, m.channel(), "keyword")
                        .map(v -> engine.text(lang, "consent.stopped"));
            }
            if (keyword == Keywords.Kind.START) {
                count(m.channel(), "start");
                return consent.optIn(caller, m.number(), m.channel(), lang, null)
                        .map(v -> engine.text(lang, "consent.started"));
            }
            Step step;
            if (state == null || keyword == Keywords.Kind.MENU) {
                step = engine.start(lang, savedLang != null);
            } else {
                step = engine.step(state, m.body());
            }
            count(m.channel(), step.outcome().name().toLowerCase(Locale.ROOT));
            String reply = step.screen().text();
            if (m.media() > 0 && (m.body() == null || m.body().isBlank())) {
                reply = engine.text(lang, "chat.text_only") + "\n" + reply;
            }
            String finalReply = reply;
            // What the texter asked for happens first; the conversation moves on only when it did.
            // A WhatsApp id is not a number to call or text back, so effects get none.
            return effects.run(step.effects(), caller, m.scopedId() ? null : m.number(), m.channel())
                    .compose(done -> {
                        List<Future<?>> writes = new ArrayList<>(sideWrites);
                        writes.add(redis.setex(sessionKey,
                                StateJson.encode(step.state(), SealedVars.seal(cipher, step.state(), caller)),
                                config.chatSessionTtl()));
                        if (step.outcome() == Step.Outcome.LANGUAGE_SET) {
                            writes.add(redis.setex(langKey, step.state().lang(), config.languageTtl()));
                        }
                        return Future.all(writes).map(v -> finalReply);
                    }, failed -> {
                        count(m.channel(), "effect_failed");
                        return Future.succeededFuture(engine.text(lang, "common.unavailable"));
                    });
        });
    }

    private void count(Channel channel, String outcome) {
        metrics.counter("taama_chat_messages_total", "channel", channel.id(), "outcome", outcome).increment();
    }
}
