package org.taama.effects;

import io.vertx.core.Future;
import org.taama.consent.Channel;
import org.taama.consent.ConsentStore;
import org.taama.flow.Effect;
import org.taama.i18n.Locales;
import org.taama.i18n.Spelling;
import org.taama.redis.Redis;

import java.util.ArrayList;
import java.util.List;

/**
 * Carries out what callers asked for on a menu, for every channel: sign them up for awareness
 * messages, text them a screen's information so it outlives the USSD session, open a call-back
 * case, or count an answer anonymously.
 */
public final class Effects {
    /** Sends one SMS; returns when the provider accepted it. */
    @FunctionalInterface
    public interface SmsOut {
        Future<?> send(String number, String text);
    }

    /** Opens a confidential call-back case; the number is stored encrypted. */
    @FunctionalInterface
    public interface CallbackOut {
        Future<?> open(String caller, String number, String window, boolean leaveMessage, String lang, Channel channel);
    }

    private final ConsentStore consent;
    private final Redis redis;
    private final CallbackOut callbacks;
    private final Locales locales;
    private final Spelling smsSpelling;
    private final SmsOut sms;

    /** @param sms null when no SMS provider is configured: "send by SMS" is then skipped */
    public Effects(ConsentStore consent, Redis redis, Locales locales, Spelling smsSpelling, SmsOut sms,
                   CallbackOut callbacks) {
        this.consent = consent;
        this.redis = redis;
        this.callbacks = callbacks;
        this.locales = locales;
        this.smsSpelling = smsSpelling;
        this.sms = sms;
    }

    /** Prefix of the anonymous counters ({@code taama:stats:selfcheck.q8}…). */
    public static final String STATS = "taama:stats:";

    public Future<Void> run(List<Effect> effects, String caller, String number, Channel channel) {
        if (effects.isEmpty()) return Future.succeededFuture();
        List<Future<?>> all = new ArrayList<>();
        for (Effect e : effects) {
            switch (e.action()) {
                case "subscribe" -> {
                    if (number != null) all.add(consent.optIn(caller, number, channel, e.lang(), e.region()));
                }
                case "unsubscribe" -> all.add(consent.optOut(caller, channel, "menu"));
                case "sms" -> {
                    // On SMS the information is already in the conversation; on WhatsApp and USSD it is not.
                    if (sms != null && number != null && channel != Channel.SMS) {
                        String text = locales.text(e.lang(), e.textKey());
                        // Not awaited: the caller's screen must not wait on the SMS provider.
                        if (text != null) sms.send(number, smsSpelling.apply(text));
                    }
                }
                case "callback" -> {
                    if (callbacks != null) {
                        String to = e.data().getOrDefault("number", number);
                        if (to == null) {
                            all.add(Future.failedFuture(new IllegalArgumentException("no number to call back")));
                            continue;
                        }
                        all.add(callbacks.open(caller, to, e.data().getOrDefault("window", "any"),
                                "yes".equals(e.data().get("leave")), e.lang(), channel));
                    }
                }
                // Anonymous: the counter has no caller attached, only how many answered so.
                case "tally" -> all.add(redis.incr(STATS + e.data().get("name")));
                default -> { }
            }
        }
        return Future.all(all).mapEmpty();
    }
}
