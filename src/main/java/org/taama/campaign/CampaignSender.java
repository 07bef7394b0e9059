package org.taama.campaign;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.Consumer;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XAddArgs;
import io.lettuce.core.XAutoClaimArgs;
import io.lettuce.core.XGroupCreateArgs;
import io.lettuce.core.XReadArgs;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.taama.config.QuietHours;
import org.taama.consent.ConsentStore;
import org.taama.cost.TextCost;
import org.taama.pace.SenderPace;
import org.taama.redis.Redis;

import java.time.Clock;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Sends approved campaigns, on every node.
 *
 * <p>When an approved campaign's time has come (its {@code send_at}, outside {@code QUIET_HOURS}), one
 * node wins {@code HSETNX snapshot} on the campaign and copies its audience into its sender's stream:
 * one entry per recipient holding the campaign id, the caller hash, the language and the attempt —
 * never the number, which is decrypted from the consent at send time. Every node reads every stream
 * of its senders in one consumer group; an entry stays pending until it is done, and entries idle
 * longer than {@code SEND_CLAIM_IDLE} (a dead node's) are taken over with {@code XAUTOCLAIM}.
 *
 * <p>Each entry: cancelled campaign → acked, skipped; paused → left pending and looked at again;
 * opted out → opted_out; then a per-(campaign, recipient) marker is claimed atomically, so a
 * redelivery never sends twice; the sender's pace is booked; the message goes at its slot. A
 * retryable failure hands the marker to the next attempt only and queues the entry again after a back-off with jitter, up
 * to {@code SEND_ATTEMPTS}; then it goes to the dead-letter stream and counts as failed.
 *
 * <p>Keys: {@code taama:send:{<sender digest>}} (the stream) and {@code ...:dead} (dead letters), the
 * sender digest being {@link SenderPace#key}'s, so both share one slot; the marker
 * {@code taama:campaign:{<id>}:to:<caller>} ({@value #MARKER_DAYS} days) and the counts
 * ({@code n_*} fields of the campaign hash) share the campaign's.
 */
public final class CampaignSender implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CampaignSender.class);
    public static final String GROUP = "senders";
    static final int MARKER_DAYS = 4;
    private static final int BATCH = 500;
    /** Taken at once by one node: at most 200, the outbox's capacity, and what its sender sends in {@link #ahead}. */
    private static final int IN_FLIGHT = 200;
    /** The furthest ahead a slot is booked (a third of a short claim idle, see {@link #ahead}). */
    static final Duration MAX_AHEAD = Duration.ofSeconds(10);

    /** What became of one message handed to the provider. */
    public enum Outcome {
        SENT, FAILED, OPTED_OUT,
        /** Rate limited, 5xx, time-out: another try after a back-off, up to SEND_ATTEMPTS. */
        RETRY,
        /** Our own send pool was full: Twilio never saw it, so it is tried again without spending an attempt. */
        BUSY
    }

    /**
     * One campaign message. {@code template}, {@code variables}: the campaign's WhatsApp template in the
     * recipient's language (null, empty for SMS), sent outside the 24-hour window instead of {@code text};
     * {@code validitySeconds}: how long the provider may still hold it before it must drop it (0: its own);
     * {@code countsKey}: the hash whose delivered/failed counts its final status moves.
     */
    public record Outgoing(String channel, String number, String text, String template, Map<String, String> variables,
                           int validitySeconds, String countsKey) {
        @Override
        public String toString() {
            return "Outgoing[" + channel + ", template " + template + "]"; // never the number
        }
    }

    /** Hands one message to the provider (Twilio); the answer says what became of it. */
    public interface Outbox {
        /** The sender number of a channel ("sms", "whatsapp"), or null when that channel cannot send. */
        String sender(String channel);

        Future<Outcome> send(Outgoing message);

        /** How many messages this node may hold between its status check and Twilio's answer (a pause stops the rest). */
        int capacity();
    }

    private final Vertx vertx;
    private final Redis redis;
    private final CampaignStore store;
    private final ConsentStore consent;
    private final SenderPace pace;
    private final TextCost cost;
    private final Outbox outbox;
    private final QuietHours quiet;
    private final int attempts;
    private final Duration backoff;
    private final Duration claimIdle;
    /** How far ahead a slot is booked: well inside the claim idle, so an entry waiting for its slot is never taken over. */
    private final Duration ahead;
    private final Clock clock;
    private final String consumer = "node-" + UUID.randomUUID();
    private final Set<String> inFlight = new HashSet<>();
    private final Map<String, Boolean> groups = new HashMap<>();
    private final List<Long> timers = new ArrayList<>();
    private volatile boolean closed;

    public CampaignSender(Vertx vertx, Redis redis, CampaignStore store, ConsentStore consent, SenderPace pace, TextCost cost,
                          Outbox outbox, QuietHours quiet, int attempts, Duration backoff, Duration claimIdle, Clock clock) {
        this.vertx = vertx;
        this.redis = redis;
        this.store = store;
        this.consent = consent;
        this.pace = pace;
        this.cost = cost;
        this.outbox = outbox;
        this.quiet = quiet;
        this.attempts = attempts;
        this.backoff = backoff;
        this.claimIdle = claimIdle;
        this.ahead = claimIdle.dividedBy(3).compareTo(MAX_AHEAD) < 0 ? claimIdle.dividedBy(3) : MAX_AHEAD;
        this.clock = clock;
    }

    public static String stream(String sender) {
        return SenderPace.key(sender).replace("taama:pace:", "taama:send:");
    }

    public static String deadLetters(String sender) {
        return stream(sender) + ":dead";
    }

    static String marker(String campaign, String caller) {
        return CampaignStore.key(campaign) + ":to:" + caller;
    }

    /** Starts the timers: due campaigns every {@code every}, the streams every {@code poll}. */
    public void start(Duration every, Duration poll) {
        vertx.runOnContext(v -> {
            timers.add(vertx.setPeriodic(every.toMillis(), t -> snapshotDue()
                    .onFailure(e -> LOG.warn("looking for due campaigns failed: {}", e.toString()))));
            timers.add(vertx.setPeriodic(poll.toMillis(), t -> {
                for (String channel : List.of("sms", "whatsapp")) {
                    String sender = outbox.sender(channel);
                    if (sender != null) poll(sender).onFailure(e -> LOG.warn("reading the send stream failed: {}", e.toString()));
                }
            }));
        });
    }

    // ---------------------------------------------------------------- snapshot

    /** Snapshots every approved campaign whose time has come and that no node has snapshotted. */
    Future<Void> snapshotDue() {
        if (closed) return Future.succeededFuture();
        LocalDateTime bamako = LocalDateTime.now(clock.withZone(QuietHours.ZONE));
        if (quiet.contains(bamako.toLocalTime())) return Future.succeededFuture();
        return store.list(CampaignStore.statusIndex(Campaign.Status.APPROVED), 0, 100).compose(list -> {
            List<Future<?>> each = new ArrayList<>();
            for (Campaign c : list) {
                if (c.status() != Campaign.Status.APPROVED) continue;
                if (c.spec().sendAt() != null && c.spec().sendAt().isAfter(bamako)) continue;
                String sender = outbox.sender(c.spec().channel());
                if (sender == null) continue;
                each.add(on(redis.commands().hsetnx(CampaignStore.key(c.id()), "snapshot", consumer))
                        .compose(won -> won ? snapshot(c, sender) : Future.succeededFuture()));
            }
            return Future.all(each).mapEmpty();
        });
    }

    private Future<Void> snapshot(Campaign c, String sender) {
        String stream = stream(sender);
        return ensureGroup(stream)
                .compose(v -> consent.subscribers().members(c.spec().channel(), c.spec().languages(), c.spec().regions()))
                .compose(members -> {
                    List<Map.Entry<String, String>> all = new ArrayList<>(members.entrySet());
                    return add(stream, c.id(), all, 0).compose(v -> redis.hset(CampaignStore.key(c.id()), Map.of(
                            "n_audience", Integer.toString(all.size()), "snapshot_at", clock.instant().toString())))
                            .onSuccess(v -> LOG.info("campaign {}: {} recipients queued", c.id(), all.size()));
                });
    }

    /** XADDs a batch at a time: Lettuce pipelines the batch on its connection, and no more is in flight. */
    private Future<Void> add(String stream, String campaign, List<Map.Entry<String, String>> all, int from) {
        if (from >= all.size()) return Future.succeededFuture();
        List<Future<?>> batch = new ArrayList<>();
        for (Map.Entry<String, String> e : all.subList(from, Math.min(all.size(), from + BATCH))) {
            batch.add(on(redis.commands().xadd(stream, Map.of("c", campaign, "to", e.getKey(), "l", e.getValue(), "a", "1"))));
        }
        int n = batch.size();
        return Future.all(batch).compose(v -> redis.hincrby(CampaignStore.key(campaign), "n_queued", n))
                .compose(v -> add(stream, campaign, all, from + BATCH));
    }

    private Future<Void> ensureGroup(String stream) {
        if (groups.containsKey(stream)) return Future.succeededFuture();
        return Future.<String>fromCompletionStage(redis.commands().xgroupCreate(XReadArgs.StreamOffset.from(stream, "0"), GROUP,
                        XGroupCreateArgs.Builder.mkstream()), vertx.getOrCreateContext())
                .recover(e -> String.valueOf(e.getMessage()).contains("BUSYGROUP") ? Future.succeededFuture("OK") : Future.failedFuture(e))
                .onSuccess(v -> groups.put(stream, true)).mapEmpty();
    }

    // ---------------------------------------------------------------- sending

    private final Set<String> polling = new HashSet<>();

    Future<Void> poll(String sender) {
        if (closed || !polling.add(sender)) return Future.succeededFuture();
        String stream = stream(sender);
        Future<List<StreamMessage<String, String>>> read = ensureGroup(stream)
                .compose(v -> on(redis.commands().xautoclaim(stream, XAutoClaimArgs.Builder.xautoclaim(Consumer.from(GROUP, consumer),
                        claimIdle, "0").count(100))))
                .compose(claimed -> on(redis.commands().xreadgroup(Consumer.from(GROUP, consumer), XReadArgs.Builder.count(100),
                        XReadArgs.StreamOffset.from(stream, "0"))))
                .compose(pending -> {
                    // Paused entries stay pending: while many do, nothing new is taken.
                    int room = inFlightMax() - inFlight.size();
                    if (pending.size() >= 100 || room <= 0) return Future.succeededFuture(pending);
                    return on(redis.commands().xreadgroup(Consumer.from(GROUP, consumer), XReadArgs.Builder.count(room),
                            XReadArgs.StreamOffset.lastConsumed(stream))).map(fresh -> {
                        List<StreamMessage<String, String>> all = new ArrayList<>(pending);
                        all.addAll(fresh);
                        return all;
                    });
                });
        return read.map(entries -> {
            for (StreamMessage<String, String> m : entries) {
                if (m.getBody() == null || m.getBody().isEmpty() || !inFlight.add(m.getId())) continue;
                handle(sender, stream, m).onComplete(ar -> {
                    inFlight.remove(m.getId());
                    if (ar.failed()) LOG.warn("campaign entry {} failed, left pending: {}", m.getId(), ar.cause().toString());
                });
            }
            return (Void) null;
        }).onComplete(ar -> polling.remove(sender));
    }

    private Future<Void> handle(String sender, String stream, StreamMessage<String, String> m) {
        String id = m.getBody().get("c");
        String caller = m.getBody().get("to");
        String lang = m.getBody().get("l");
        int attempt = parse(m.getBody().get("a"));
        if (!CampaignStore.isId(id) || caller == null || lang == null) return ack(stream, m).mapEmpty();
        return store.get(id).compose(c -> {
            if (c == null || c.status() == Campaign.Status.CANCELLED) return done(stream, m, id, "n_skipped");
            // Paused: stays pending, looked at again on the next poll.
            if (c.status() != Campaign.Status.APPROVED) return Future.succeededFuture();
            return consent.optedOut(caller).compose(out -> out ? done(stream, m, id, "n_opted_out")
                    : claim(id, caller, attempt).compose(first -> first
                    ? send(sender, stream, m, c, caller, lang, attempt)
                    // Another delivery of this recipient already took it: never a second message.
                    : ack(stream, m).mapEmpty()));
        });
    }

    private Future<Void> send(String sender, String stream, StreamMessage<String, String> m, Campaign c, String caller,
                              String written, int attempt) {
        String lang = CampaignSpec.LANGS.contains(written) ? written : "fr";
        TextCost.Cost text = cost.cost(c.spec().text(lang), c.spec().channel(), lang);
        int segments = c.spec().channel().equals("sms") ? Math.min(SenderPace.MAX_SEGMENTS, Math.max(1, text.smsSegments())) : 1;
        return consent.number(caller).compose(number -> {
            if (number == null) return done(stream, m, c.id(), "n_skipped");
            // Looked at again once the slot comes, so a pause or a cancel stops what waited for it.
            return slot(sender, segments).compose(v -> redis.hget(CampaignStore.key(c.id()), "status")).compose(status -> {
                if (Campaign.Status.CANCELLED.id().equals(status)) return done(stream, m, c.id(), "n_skipped").map((Outcome) null);
                if (!Campaign.Status.APPROVED.id().equals(status)) return handBack(c.id(), caller, attempt).map((Outcome) null);
                return outbox.send(new Outgoing(c.spec().channel(), number, text.text(), c.spec().template(lang),
                                c.spec().variables(lang), 0, CampaignStore.key(c.id())))
                        .recover(e -> Future.succeededFuture(Outcome.RETRY));
            })
                    .compose(outcome -> outcome == null ? Future.succeededFuture() : switch (outcome) {
                        case SENT -> done(stream, m, c.id(), "n_sent");
                        case OPTED_OUT -> done(stream, m, c.id(), "n_opted_out");
                        case FAILED -> done(stream, m, c.id(), "n_failed");
                        case RETRY -> attempt >= attempts
                                ? on(redis.commands().xadd(deadLetters(sender), XAddArgs.Builder.maxlen(100_000).approximateTrimming(),
                                        m.getBody())).compose(x -> done(stream, m, c.id(), "n_failed"))
                                : retry(stream, m, c.id(), caller, attempt, attempt + 1);
                        case BUSY -> retry(stream, m, c.id(), caller, 1, attempt);
                    });
        });
    }

    /** Waits for the sender's next slot (booked ahead, at most a minute), by timers only. */
    private Future<Void> slot(String sender, int segments) {
        return pace.book(sender, segments, ahead).compose(b -> {
            Future<Void> wait = b.delayMillis() <= 0 ? Future.succeededFuture() : vertx.timer(b.delayMillis()).mapEmpty();
            return b.booked() ? wait : wait.compose(v -> slot(sender, segments));
        });
    }

    /**
     * The marker says who may send to a recipient: absent (nobody yet), "retry:N" (whichever delivery
     * holds attempt N), or "busy" (a delivery is sending or has sent). A poll may still hold a copy of
     * an entry that was just acknowledged and queued again; that stale copy carries the old attempt,
     * so it can no longer take the marker and never starts a second chain of sends.
     */
    private static final Redis.Script CLAIM = Redis.Script.of("""
            local v = redis.call('GET', KEYS[1])
            if v == false or v == ARGV[1] then
              redis.call('SET', KEYS[1], 'busy', 'EX', ARGV[2])
              return 1
            end
            return 0
            """);

    private Future<Boolean> claim(String id, String caller, int attempt) {
        return redis.<Long>run(CLAIM, ScriptOutputType.INTEGER, new String[]{marker(id, caller)},
                "retry:" + attempt, Long.toString(Duration.ofDays(MARKER_DAYS).toSeconds())).map(n -> n != null && n == 1L);
    }

    /** Lets the delivery holding attempt {@code attempt} take the recipient again (after a pause or a back-off). */
    private Future<Void> handBack(String id, String caller, int attempt) {
        return redis.setex(marker(id, caller), "retry:" + attempt, Duration.ofDays(MARKER_DAYS)).mapEmpty();
    }

    /** Queues the entry again as attempt {@code next} after a back-off doubling with {@code step}, plus up to half again of jitter. */
    private Future<Void> retry(String stream, StreamMessage<String, String> m, String id, String caller, int step, int next) {
        long base = backoff.toMillis() << Math.min(10, step - 1);
        long delay = base + ThreadLocalRandom.current().nextLong(base / 2 + 1);
        Map<String, String> again = new HashMap<>(m.getBody());
        again.put("a", Integer.toString(next));
        return vertx.timer(delay)
                .compose(v -> handBack(id, caller, next))
                .compose(v -> on(redis.commands().xadd(stream, again)))
                .compose(v -> ack(stream, m)).mapEmpty();
    }

    private Future<Void> done(String stream, StreamMessage<String, String> m, String id, String count) {
        return ack(stream, m).compose(acked -> acked == 0 ? Future.succeededFuture()
                : Future.all(redis.hincrby(CampaignStore.key(id), count, 1), redis.hincrby(CampaignStore.key(id), "n_queued", -1)).mapEmpty());
    }

    /** XACK answers 0 when another delivery of this entry acked it first: then it is not counted twice. */
    private Future<Long> ack(String stream, StreamMessage<String, String> m) {
        return on(redis.commands().xack(stream, GROUP, m.getId()));
    }

    private int inFlightMax() {
        long perAhead = ahead.toNanos() / 1000 / Math.max(1, pace.intervalMicros());
        return (int) Math.max(1, Math.min(Math.min(IN_FLIGHT, outbox.capacity()), perAhead));
    }

    private static int parse(String a) {
        try {
            return a == null ? 1 : Math.max(1, Integer.parseInt(a));
        } catch (NumberFormatException e) {
            return 1;
        }
    }

    private <T> Future<T> on(CompletionStage<T> stage) {
        return Future.fromCompletionStage(stage, vertx.getOrCreateContext());
    }

    @Override
    public void close() {
        closed = true;
        timers.forEach(vertx::cancelTimer);
    }
}
