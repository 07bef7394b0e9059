package org.taama.simulator;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.taama.cost.SmsSegments;
import org.taama.flow.Engine;
import org.taama.flow.FlowSet;
import org.taama.flow.Node;
import org.taama.flow.State;
import org.taama.i18n.Gsm;
import org.taama.i18n.Locales;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Every screen of every flow as each channel shows it, in both languages, measured the way the
 * phone counts (USSD: pages, and the fullest page against 182 GSM-7 or 80 UCS-2; SMS: segments;
 * WhatsApp: characters), with each Bambara text's review status. Content is fixed for the life of
 * the server, so this is worked out once, off the event loop.
 */
public final class ContentScreens {
    private final FlowSet flows;
    private final Locales locales;
    private final Simulator.Engines engines;
    private volatile Future<JsonObject> cached;

    public ContentScreens(FlowSet flows, Locales locales, Simulator.Engines engines) {
        this.flows = flows;
        this.locales = locales;
        this.engines = engines;
    }

    public Future<JsonObject> all(Vertx vertx) {
        Future<JsonObject> f = cached;
        if (f == null || f.failed()) {
            f = vertx.executeBlocking(this::build, false);
            cached = f;
        }
        return f;
    }

    JsonObject build() {
        JsonArray screens = new JsonArray();
        int unreviewed = 0;
        int tooLong = 0;
        for (Node node : flows.nodes().values()) {
            JsonObject s = new JsonObject().put("id", node.id()).put("flow", node.flow()).put("kind", node.kind().name())
                    .put("file", node.file()).put("text", node.text());
            JsonArray texts = new JsonArray();
            int pending = 0;
            for (String key : keys(node)) {
                Locales.Entry bm = locales.entry("bm", key);
                if (bm == null) continue;
                if (!bm.reviewed()) pending++;
                texts.add(new JsonObject().put("key", key).put("bm_reviewed", bm.reviewed()).put("file", bm.file()));
            }
            unreviewed += pending;
            s.put("texts", texts).put("bm_review", pending == 0 ? "reviewed" : pending == texts.size() ? "unreviewed" : "partly")
                    .put("bm_unreviewed", pending);
            JsonObject sizes = new JsonObject();
            boolean fits = true;
            for (String lang : Locales.LANGUAGES) {
                JsonObject perLang = new JsonObject();
                for (String channel : Simulator.CHANNELS) {
                    JsonObject m = measure(engines.of(channel), channel, node, lang);
                    fits &= m.getBoolean("fits", true);
                    perLang.put(channel, m);
                }
                sizes.put(lang, perLang);
            }
            if (!fits) tooLong++;
            screens.add(s.put("sizes", sizes).put("fits", fits));
        }
        return new JsonObject().put("screens", screens).put("count", screens.size())
                .put("bm_unreviewed", unreviewed).put("too_long", tooLong);
    }

    /** The node's own texts and their channel variants that exist. */
    private Set<String> keys(Node node) {
        Set<String> keys = new LinkedHashSet<>();
        for (String k : node.textKeys()) {
            if (k == null) continue;
            keys.add(k);
            for (String c : Locales.CHANNELS) {
                String v = k + Locales.VARIANT + c;
                if (locales.has("bm", v) || locales.has("fr", v)) keys.add(v);
            }
        }
        return keys;
    }

    private static JsonObject measure(Engine engine, String channel, Node node, String lang) {
        // Worst case for the footer, as the lint measures: there is a screen to go back to.
        State s = new State(lang, node.id(), 0, List.of(FlowSet.HOME + "#0"));
        Engine.Rendered first = engine.render(s, false);
        int pages = first.pages();
        int maxChars = 0;
        int maxUsed = 0;
        int limit = Gsm.USSD_GSM_LIMIT;
        int segments = 0;
        boolean ucs2 = false;
        boolean fits = true;
        String firstScreen = first.screen().text();
        for (int p = 0; p < pages; p++) {
            String text = p == 0 ? firstScreen : engine.render(s.at(node.id(), p), false).screen().text();
            maxChars = Math.max(maxChars, text.codePointCount(0, text.length()));
            if (channel.equals(Locales.USSD)) {
                Gsm.ScreenCost c = Gsm.ussdCost(text);
                ucs2 |= c.encoding().equals("UCS-2");
                if (c.used() * 1.0 / c.limit() >= maxUsed * 1.0 / limit) {
                    maxUsed = c.used();
                    limit = c.limit();
                }
                fits &= c.fits();
            } else if (channel.equals(Locales.SMS)) {
                SmsSegments seg = SmsSegments.of(text);
                ucs2 |= seg.encoding().equals(SmsSegments.UCS2);
                segments += seg.segments();
            } else {
                fits &= text.length() <= 1600;
            }
        }
        JsonObject o = new JsonObject().put("pages", pages).put("characters", maxChars);
        switch (channel) {
            case Locales.USSD -> o.put("encoding", ucs2 ? "UCS-2" : "GSM-7").put("used", maxUsed).put("limit", limit)
                    .put("fits", fits).put("screen", firstScreen);
            case Locales.SMS -> o.put("encoding", ucs2 ? SmsSegments.UCS2 : SmsSegments.GSM7).put("segments", segments);
            default -> o.put("encoding", "unicode").put("fits", fits);
        }
        return o;
    }
}
