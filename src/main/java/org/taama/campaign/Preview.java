package org.taama.campaign;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.taama.config.QuietHours;
import org.taama.consent.Subscribers;
import org.taama.cost.SmsSegments;
import org.taama.cost.TextCost;

import java.time.Clock;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.Map;

/**
 * What a campaign would cost before anyone approves it: per language, the text as its channel sends
 * it (SMS with the GSM-safe Bambara spelling, WhatsApp as written), its encoding, characters and
 * segments, the subscribers it reaches today, the totals, how long the send takes at the sender's
 * rate, and the warnings a reviewer must see.
 */
public final class Preview {
    private final TextCost cost;
    private final Subscribers subscribers;
    private final int senderRate;
    private final long validitySeconds;
    private final QuietHours quiet;
    private final Clock clock;
    private final Vertx vertx;

    /** @param validity how long a queued message may still go (SEND_VALIDITY_SECONDS): a longer send is not approved */
    public Preview(Vertx vertx, TextCost cost, Subscribers subscribers, int senderRate, Duration validity, QuietHours quiet, Clock clock) {
        this.validitySeconds = validity.toSeconds();
        this.vertx = vertx;
        this.cost = cost;
        this.subscribers = subscribers;
        this.senderRate = senderRate;
        this.quiet = quiet;
        this.clock = clock;
    }

    public Future<JsonObject> of(CampaignSpec spec) {
        // Paging a long text (for its USSD screens) takes milliseconds: off the event loop.
        Future<Map<String, TextCost.Cost>> costs = vertx.executeBlocking(() -> Map.of(
                "fr", cost.cost(spec.textFr(), spec.channel(), "fr"),
                "bm", cost.cost(spec.textBm(), spec.channel(), "bm")), false);
        Future<Map<String, Long>> counts = subscribers.countByLang(spec.channel(), spec.languages(), spec.regions());
        return Future.all(costs, counts).map(v -> build(spec, costs.result(), counts.result()));
    }

    private JsonObject build(CampaignSpec spec, Map<String, TextCost.Cost> costs, Map<String, Long> counts) {
        boolean sms = spec.channel().equals("sms");
        JsonArray langs = new JsonArray();
        JsonArray warnings = new JsonArray();
        long recipients = 0;
        long total = 0;
        for (String lang : CampaignSpec.LANGS) {
            TextCost.Cost c = costs.get(lang);
            long n = spec.languages().contains(lang) ? counts.getOrDefault(lang, 0L) : 0L;
            // WhatsApp bills one message whatever its length; SMS bills every segment.
            int per = sms ? c.smsSegments() : 1;
            recipients += n;
            total += n * per;
            JsonObject o = new JsonObject().put("lang", lang).put("text", c.text()).put("spelling", c.spelling())
                    .put("encoding", sms ? c.encoding() : "unicode").put("characters", c.characters())
                    .put("segments", per).put("recipients", n).put("total_segments", n * per)
                    .put("in_audience", spec.languages().contains(lang));
            if (sms) o.put("non_gsm", new JsonArray(c.nonGsm()));
            langs.add(o);
            if (sms && SmsSegments.UCS2.equals(c.encoding()) && spec.languages().contains(lang)) {
                warnings.add(warning("non_gsm", lang, lang + ": " + String.join(" ", c.nonGsm())
                        + " is not in the GSM alphabet, so the text goes as UCS-2: 70 characters an SMS (67 a part) "
                        + "instead of 160 (153), about twice the cost (" + per + " segments)"));
            }
        }
        for (String lang : CampaignSpec.LANGS) {
            // Only a draft being written has one (a saved campaign needs both texts).
            if (spec.text(lang).isBlank()) warnings.add(warning("empty_text", lang, lang + ": the text is not written yet"));
        }
        if (!spec.textFr().isBlank() && norm(spec.textFr()).equals(norm(spec.textBm()))) {
            warnings.add(warning("missing_translation", "bm", "the bm text is the fr text: it is not translated"));
        }
        if (spec.maxSegments() != null && total > spec.maxSegments()) {
            warnings.add(warning("over_budget", null, total + " segments is over the campaign's budget of "
                    + spec.maxSegments() + " (max_segments)"));
        }
        if (recipients == 0) warnings.add(warning("no_recipients", null, "no subscriber matches this audience today"));
        long seconds = (total + senderRate - 1) / senderRate;
        LocalDateTime now = LocalDateTime.now(clock.withZone(QuietHours.ZONE)).withNano(0);
        LocalDateTime wanted = spec.sendAt() == null ? now : spec.sendAt();
        LocalDateTime starts = quiet.nextOpen(wanted);
        boolean intoQuiet = starts.plusSeconds(seconds).isAfter(quiet.nextQuiet(starts));
        String refusal = null;
        if (seconds > validitySeconds) {
            // Queued at once, the last would wait longer than Twilio may hold them: they would be dropped, not sent.
            refusal = "at " + senderRate + " segments a second the send takes " + Duration.ofSeconds(seconds).toString().substring(2).toLowerCase()
                    + ", longer than the " + validitySeconds + " s a queued message may still go (SEND_VALIDITY_SECONDS): "
                    + "the last ones would be dropped; split the audience (fewer regions or one language) or shorten the text";
        } else if (intoQuiet && Duration.between(quiet.nextQuiet(starts), quiet.nextOpen(quiet.nextQuiet(starts))).toSeconds()
                >= validitySeconds) {
            // The rest waits out the night: longer than a queued message may, so it would be dropped in the morning.
            refusal = "the send would run into the quiet hours (" + quiet + ", Bamako) at " + quiet.nextQuiet(starts)
                    + " and the rest would wait past what a queued message may (SEND_VALIDITY_SECONDS): set send_at so it ends before";
        }
        if (!starts.equals(wanted)) {
            warnings.add(warning("quiet_hours", null, "sending at " + wanted + " falls in the quiet hours (" + quiet
                    + ", Bamako): it waits until " + starts));
        } else if (intoQuiet) {
            warnings.add(warning("quiet_hours", null, "at " + senderRate + " segments a second the send runs into the quiet hours ("
                    + quiet + ", Bamako) at " + quiet.nextQuiet(starts) + "; the rest waits for the morning"));
        }
        return new JsonObject().put("channel", spec.channel()).put("billed_as", sms ? "segment" : "message")
                .put("languages", langs).put("recipients", recipients).put("total_segments", total)
                .put("sender_rate", senderRate).put("estimated_seconds", seconds)
                .put("estimated_duration", Duration.ofSeconds(seconds).toString())
                .put("starts_at", starts.toString()).put("quiet_hours", quiet.toString())
                .put("validity_seconds", validitySeconds).put("approvable", refusal == null).put("refusal", refusal)
                .put("warnings", warnings);
    }

    private static String norm(String s) {
        return s.strip().replaceAll("\\s+", " ").toLowerCase(java.util.Locale.ROOT);
    }

    private static JsonObject warning(String code, String lang, String message) {
        JsonObject o = new JsonObject().put("code", code);
        if (lang != null) o.put("lang", lang);
        return o.put("message", message);
    }

    /** Counts before the audience is snapshotted: who it would reach today, nothing sent yet. */
    static JsonObject counts(long audience) {
        return new JsonObject().put("audience", audience).put("queued", 0).put("sent", 0).put("delivered", 0)
                .put("failed", 0).put("opted_out", 0).put("skipped", 0);
    }
}
