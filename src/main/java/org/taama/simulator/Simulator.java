package org.taama.simulator;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.taama.cost.SmsSegments;
import org.taama.flow.ChatOpening;
import org.taama.flow.Effect;
import org.taama.flow.Engine;
import org.taama.flow.State;
import org.taama.flow.StateJson;
import org.taama.flow.Step;
import org.taama.i18n.Gsm;
import org.taama.i18n.Keywords;
import org.taama.i18n.Locales;
import org.taama.i18n.Spelling;
import org.taama.privacy.NumberCipher;
import org.taama.privacy.SealedVars;
import org.taama.redis.Redis;
import org.taama.web.BadRequest;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The console's phone: the real flows through the very engines the channels use (same spelling,
 * pager, screen limits, channel variants and options offered), one input at a time. What a choice
 * would make happen (an SMS, a call-back case, a subscription) is described, never done: no effect
 * runs, no consent or case is touched, and the session lives under the operator's own key
 * ({@code taama:sim:{<operator>}:<id>}, {@link #TTL}), never under a caller's.
 */
public final class Simulator {
    /** A sandbox session is for trying a walk, not for keeping. */
    public static final Duration TTL = Duration.ofMinutes(30);
    /** Longer than any menu answer or typed number; a chat message is capped the same, as nothing needs more here. */
    public static final int INPUT_MAX = 160;
    public static final List<String> CHANNELS = List.of(Locales.USSD, Locales.SMS, Locales.WHATSAPP);
    private static final Pattern SESSION = Pattern.compile("[0-9a-f]{32}");
    private static final SecureRandom RANDOM = new SecureRandom();

    /** The engines the real channels answer with, one per channel. */
    public record Engines(Engine ussd, Engine sms, Engine whatsapp) {
        Engine of(String channel) {
            return switch (channel) {
                case Locales.USSD -> ussd;
                case Locales.SMS -> sms;
                default -> whatsapp;
            };
        }
    }

    private final Engines engines;
    private final Keywords keywords;
    private final Locales locales;
    private final Spelling smsSpelling;
    private final Redis redis;
    private final NumberCipher cipher;

    /** @param smsSpelling how a hand-off SMS is spelled (SMS_GSM_SAFE), as the effect would send it */
    public Simulator(Engines engines, Keywords keywords, Locales locales, Spelling smsSpelling, Redis redis, NumberCipher cipher) {
        this.engines = engines;
        this.keywords = keywords;
        this.locales = locales;
        this.smsSpelling = smsSpelling;
        this.redis = redis;
        this.cipher = cipher;
    }

    /** One press of "send" on the simulated phone. */
    public record Request(String channel, String lang, String session, String input) {
        /** Checks the body; every refusal names the field. */
        public static Request parse(JsonObject b) {
            for (String f : b.fieldNames()) {
                if (!List.of("channel", "lang", "session", "input").contains(f)) {
                    throw new BadRequest("unknown field '" + (f.length() > 20 ? f.substring(0, 20) + "…" : f).replaceAll("\\p{Cntrl}", "?")
                            + "'; send channel, lang, session and input");
                }
            }
            String channel = string(b, "channel");
            if (channel == null || !CHANNELS.contains(channel)) throw new BadRequest("channel must be one of ussd, sms, whatsapp");
            String lang = string(b, "lang");
            if (lang != null && !Locales.isLanguage(lang)) throw new BadRequest("lang must be fr or bm");
            String session = string(b, "session");
            if (session != null && !SESSION.matcher(session).matches()) {
                throw new BadRequest("session is not a simulator session id (32 hex digits); omit it to start a new one");
            }
            if (session == null && lang == null) throw new BadRequest("lang is required to start a session (fr or bm)");
            String input = string(b, "input");
            if (input != null) {
                if (input.codePointCount(0, input.length()) > INPUT_MAX) {
                    throw new BadRequest("input is longer than " + INPUT_MAX + " characters");
                }
                for (int i = 0; i < input.length(); i++) {
                    char c = input.charAt(i);
                    if (Character.isISOControl(c) || (c >= '\u202A' && c <= '\u202E') || (c >= '\u2066' && c <= '\u2069')) {
                        throw new BadRequest("input holds a control character");
                    }
                    if (Character.isSurrogate(c) && !(Character.isHighSurrogate(c) && i + 1 < input.length()
                            && Character.isLowSurrogate(input.charAt(++i)))) {
                        throw new BadRequest("input is not valid text");
                    }
                }
            }
            if (session == null && channel.equals(Locales.USSD) && input != null && !input.isEmpty()) {
                throw new BadRequest("a USSD session starts with the dial: start without input, then send it with the session");
            }
            return new Request(channel, lang, session, input);
        }

        private static String string(JsonObject b, String field) {
            Object v = b.getValue(field);
            if (v == null) return null;
            if (!(v instanceof String s)) throw new BadRequest(field + " must be a string");
            return s;
        }
    }

    /** What a simulator session keeps: its channel, where the phone is (null once a chat ended), and STOP. */
    private record Saved(String channel, String lang, String state, boolean stopped) {
        String encode() {
            return new JsonObject().put("c", channel).put("l", lang).put("s", state).put("x", stopped).encode();
        }

        static Saved decode(String json) {
            if (json == null) return null;
            try {
                JsonObject o = new JsonObject(json);
                return new Saved(o.getString("c"), o.getString("l"), o.getString("s"), o.getBoolean("x", false));
            } catch (RuntimeException e) {
                return null;
            }
        }
    }

    static String key(String operator, String session) {
        return "taama:sim:{" + operator + "}:" + session;
    }

    public Future<JsonObject> press(String operator, Request req) {
        if (req.session() == null) {
            String id = HexFormat.of().formatHex(randomBytes());
            return answer(operator, id, req, null);
        }
        return redis.get(key(operator, req.session())).compose(json -> {
            Saved saved = Saved.decode(json);
            if (saved == null) {
                return Future.failedFuture(new BadRequest("unknown or expired simulator session: start a new one (omit session)"));
            }
            if (!saved.channel().equals(req.channel())) {
                return Future.failedFuture(new BadRequest("this session is on " + saved.channel()
                        + "; start a new session to try " + req.channel()));
            }
            return answer(operator, req.session(), req, saved);
        });
    }

    private static byte[] randomBytes() {
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        return b;
    }

    private Future<JsonObject> answer(String operator, String id, Request req, Saved saved) {
        String binding = "sim:" + operator + ":" + id;
        Engine engine = engines.of(req.channel());
        State state = saved == null || saved.state() == null ? null
                : StateJson.decode(saved.state(), (sealed, l) -> SealedVars.open(cipher, sealed, binding, l));
        String lang = state != null ? state.lang() : saved != null && saved.lang() != null ? saved.lang() : req.lang();
        String input = req.input() == null ? "" : req.input();
        List<String> effects = new ArrayList<>();
        boolean ussd = req.channel().equals(Locales.USSD);
        boolean stopped = saved != null && saved.stopped();
        Step step;
        String reply;
        if (ussd) {
            // The dial, or the next key: as UssdService steps (a known language: the one picked here).
            step = saved == null ? engine.start(lang, true) : engine.step(state, input);
            effects.addAll(describe(step.effects()));
            reply = step.screen().text();
        } else {
            Keywords.Kind keyword = keywords.of(input);
            if (keyword == Keywords.Kind.STOP) {
                effects.add("would opt this number out of every message, on every channel (STOP)");
                return save(operator, id, req, lang, state, true, engine.text(lang, "consent.stopped"), false, effects, null);
            }
            if (keyword == Keywords.Kind.START) {
                effects.add("would opt this number back in (START)");
                return save(operator, id, req, lang, state, false, engine.text(lang, "consent.started"), false, effects, null);
            }
            if (stopped) {
                boolean help = keyword == Keywords.Kind.HELP;
                if (!help) effects.add("no reply: after STOP, Twilio would refuse anything but START and the help words (21610)");
                return save(operator, id, req, lang, state, true, help ? engine.text(lang, "consent.help") : "", false, effects, null);
            }
            boolean first = state == null;
            step = first || keyword == Keywords.Kind.MENU || keyword == Keywords.Kind.HELP
                    ? engine.start(lang, true) : engine.step(state, input);
            effects.addAll(describe(step.effects()));
            reply = ChatOpening.reply(engine, step.screen().text(), lang, false, first, lang, lang);
        }
        // The simulator says what would happen, and shows the screen for "it happened".
        Step told = engine.settle(step, Effect.OK);
        return save(operator, id, req, told.state().lang(), told.state(), stopped, reply, told.screen().end(), effects, told);
    }

    private Future<JsonObject> save(String operator, String id, Request req, String lang, State state, boolean stopped,
                                    String reply, boolean end, List<String> effects, Step step) {
        String binding = "sim:" + operator + ":" + id;
        boolean ussd = req.channel().equals(Locales.USSD);
        // A USSD session that ended is gone, as on the phone; a chat that ended starts afresh with the next message.
        State kept = end ? null : state;
        Future<?> written = ussd && end ? redis.del(key(operator, id))
                : redis.setex(key(operator, id), new Saved(req.channel(), lang,
                        kept == null ? null : StateJson.encode(kept, SealedVars.seal(cipher, kept, binding)), stopped).encode(), TTL);
        return written.map(v -> view(id, req.channel(), lang, reply, end, effects, step));
    }

    private JsonObject view(String id, String channel, String lang, String reply, boolean end, List<String> effects, Step step) {
        JsonObject o = new JsonObject().put("session", id).put("channel", channel).put("lang", lang)
                .put("screen", reply).put("end", end);
        if (step != null) {
            Engine.Rendered r = engines.of(channel).render(step.state(), false);
            o.put("node", step.state().node()).put("page", Math.min(step.state().page(), r.pages() - 1) + 1).put("pages", r.pages());
        }
        JsonObject size = new JsonObject().put("characters", reply.codePointCount(0, reply.length()));
        switch (channel) {
            case Locales.USSD -> {
                Gsm.ScreenCost c = Gsm.ussdCost(reply);
                o.put("wire", (end ? "END " : "CON ") + reply);
                size.put("encoding", c.encoding()).put("used", c.used()).put("limit", c.limit()).put("fits", c.fits())
                        .put("screens", 1).put("billed_as", "session").put("cost", 0);
            }
            case Locales.SMS -> {
                SmsSegments s = SmsSegments.of(reply);
                o.put("wire", reply);
                size.put("encoding", s.encoding()).put("segments", s.segments()).put("billed_as", "segment")
                        .put("cost", s.segments());
            }
            default -> {
                o.put("wire", reply);
                size.put("encoding", "unicode").put("limit", 1600).put("fits", reply.length() <= 1600)
                        .put("billed_as", "message").put("cost", reply.isEmpty() ? 0 : 1);
            }
        }
        return o.put("size", size).put("effects", new JsonArray(effects));
    }

    /** What each effect would do, in the operator's words; nothing is run. */
    private List<String> describe(List<Effect> effects) {
        List<String> out = new ArrayList<>();
        for (Effect e : effects) {
            Map<String, String> d = e.data();
            switch (e.action()) {
                case "sms" -> {
                    String text = locales.text(e.lang(), e.textKey());
                    out.add("would send an SMS to this phone: \"" + (text == null ? e.textKey() : smsSpelling.apply(text)) + "\"");
                }
                case "callback" -> {
                    String typed = d.get("number");
                    out.add("would open a call-back case (call " + (typed == null || typed.isBlank() ? "this phone" : "the number typed")
                            + ", when: " + d.getOrDefault("window", "any") + ", a message may be left: "
                            + ("yes".equals(d.get("leave")) ? "yes" : "no") + ", in " + e.lang() + ")");
                }
                case "subscribe" -> out.add("would subscribe this phone to awareness messages in " + e.lang()
                        + " for the region " + e.region());
                case "unsubscribe" -> out.add("would stop awareness messages to this phone and forget its number");
                case "tally" -> out.add("would count one more anonymous answer: " + d.get("name"));
                default -> out.add("would " + e.action());
            }
        }
        return out;
    }
}
