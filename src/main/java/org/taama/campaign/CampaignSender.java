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
import org.taama.cases.Audit;
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
 * node at a time holds a lease on it and copies its audience into its sender's stream, a batch at a
 * time, noting where it is, so another node goes on from there if it stops: one entry per recipient
 * holding the campaign id, the caller hash, the language, the attempt and when it was queued —
 * never the number, which is decrypted from the consent at send time. Every node reads every stream
 * of its senders in one consumer group; an entry stays pending until it is done, and entries idle
 * longer than {@code SEND_CLAIM_IDLE} (a dead node's) are taken over with {@code XAUTOCLAIM}.
 *
 * <p>Each entry: cancelled campaign → skipped; paused → left pending and looked at again; opted out →
 * opted_out; then a per-(campaign, recipient) marker is claimed atomically, so neither a redelivery
 * nor a second copy sends twice; the sender's pace is booked; the message goes at its slot. A
 * retryable failure hands the marker to the next attempt only and queues the entry again after a
 * back-off with jitter, up to {@code SEND_ATTEMPTS}; then it goes to the dead-letter stream and counts
 * as failed. A recipient is counted once, by the marker; the last one finishes the campaign. An
 * acknowledged entry is deleted, so a stream holds only what is still to be sent.
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
    /** The operator name campaign moves made by the sender itself are audited under. */
    static final String SYSTEM = "system";
    /** Approved campaigns looked at each second: those waiting for their time or being sent (others leave the index). */
    private static final int WATCHED = 1000;
    /** Twilio's longest ValidityPeriod. */
    static final int TWILIO_MAX_VALIDITY = 36_000;
    private static final int BATCH = 2000;
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
    private final Audit audit;
    private final ConsentStore consent;
    private final SenderPace pace;
    private final TextCost cost;
    private final Outbox outbox;
    private final QuietHours quiet;
    private final int attempts;
    private final Duration backoff;
    private final Duration claimIdle;
    /** How long after it was queued a message may still go (SEND_VALIDITY_SECONDS); Twilio gets what is left. */
    private final Duration validity;
    /** How far ahead a slot is booked: well inside the claim idle, so an entry waiting for its slot is never taken over. */
    private final Duration ahead;
    private final Clock clock;
    private final String consumer = "node-" + UUID.randomUUID();
    private final Set<String> inFlight = new HashSet<>();
    /** Campaigns whose audience this node is copying now. */
    private final Set<String> snapshotting = new HashSet<>();
    /** Recipients read and queued a batch at a time (smaller in tests, to stop a snapshot half-way). */
    int snapshotBatch = BATCH;
    /** For tests: the batch after whose XADDs this node stops, as if killed there (-1: never). */
    int stopsAtBatch = -1;
    private final Map<String, Boolean> groups = new HashMap<>();
    private final List<Long> timers = new ArrayList<>();
    private volatile boolean closed;

    public CampaignSender(Vertx vertx, Redis redis, CampaignStore store, Audit audit, ConsentStore consent, SenderPace pace, TextCost cost,
                          Outbox outbox, QuietHours quiet, int attempts, Duration backoff, Duration claimIdle, Duration validity,
                          Clock clock) {
        this.validity = validity;
        this.vertx = vertx;
        this.redis = redis;
        this.store = store;
        this.audit = audit;
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
            timers.add(vertx.setPeriodic(poll.toMillis(), t -> tick(poll)));
        });
    }

    // ---------------------------------------------------------------- due campaigns

    /**
     * Looks at every approved campaign (the index holds only those waiting for their time or being
     * sent: a finished, paused or cancelled one has left it): starts or resumes the snapshot of those
     * whose time has come, and finishes those whose every recipient is accounted for.
     */
    Future<Void> snapshotDue() {
        if (closed) return Future.succeededFuture();
        LocalDateTime bamako = LocalDateTime.now(clock.withZone(QuietHours.ZONE));
        boolean quietNow = quiet.contains(bamako.toLocalTime());
        return redis.zrevrange(CampaignStore.statusIndex(Campaign.Status.APPROVED), 0, WATCHED - 1L).compose(ids -> {
            List<Future<?>> each = new ArrayList<>();
            for (String id : ids) {
                each.add(due(id, bamako, quietNow).recover(e -> {
                    LOG.warn("campaign {}: {}", id, e.toString());
                    return Future.succeededFuture();
                }));
            }
            return Future.all(each).mapEmpty();
        });
    }

    /** Looks at one approved campaign as {@link #snapshotDue} does (tests). */
    Future<Void> look(String id) {
        LocalDateTime bamako = LocalDateTime.now(clock.withZone(QuietHours.ZONE));
        return due(id, bamako, quiet.contains(bamako.toLocalTime()));
    }

    /** This node's name in the consumer group and on the snapshot lease. */
    String consumer() {
        return consumer;
    }

    private Future<Void> due(String id, LocalDateTime bamako, boolean quietNow) {
        if (!CampaignStore.isId(id)) return redis.zrem(CampaignStore.statusIndex(Campaign.Status.APPROVED), id).mapEmpty();
        return redis.hgetall(CampaignStore.key(id)).compose(h -> {
            Campaign c = h.isEmpty() ? null : Campaign.fromHash(id, h);
            if (c == null) return redis.zrem(CampaignStore.statusIndex(Campaign.Status.APPROVED), id).mapEmpty();
            // The index lags a move (a node stopped between the two writes): mend it, so it is not read again.
            if (c.status() != Campaign.Status.APPROVED) return store.reindex(c, Campaign.Status.APPROVED, c.status());
            if (h.containsKey("snapshot_at")) {
                // Resumed after its last entry was settled while paused: nothing else would finish it.
                return number(h.get("n_queued")) <= 0 ? finish(c) : Future.succeededFuture();
            }
            if (quietNow || (c.spec().sendAt() != null && c.spec().sendAt().isAfter(bamako))) return Future.succeededFuture();
            String sender = outbox.sender(c.spec().channel());
            if (sender == null || !snapshotting.add(id)) return Future.succeededFuture();
            return redis.<List<String>>run(LEASE, ScriptOutputType.MULTI, new String[] {CampaignStore.key(id)},
                            consumer, Long.toString(claimIdle.toMillis()))
                    .compose(lease -> lease == null || lease.size() < 2 ? Future.<Void>succeededFuture()
                            : snapshot(c, sender, lease.get(0), Long.parseLong(lease.get(1))))
                    .onComplete(ar -> snapshotting.remove(id));
        });
    }

    /**
     * Takes (or renews) the right to copy a campaign's audience: when nobody holds it, or the node
     * that did let its lease run out (it stopped). Answers the cursor to go on from ('' at the start)
     * and the time the snapshot started (consents expiring before it are not in the audience), or {}.
     * Redis TIME, so nodes whose clocks differ agree on whose lease ran out.
     */
    private static final Redis.Script LEASE = Redis.Script.of("""
            if redis.call('HGET', KEYS[1], 'status') ~= 'approved' or redis.call('HEXISTS', KEYS[1], 'snapshot_at') == 1 then
              return {}
            end
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            local owner = redis.call('HGET', KEYS[1], 'snapshot')
            local held = tonumber(redis.call('HGET', KEYS[1], 'snapshot_until') or '0') or 0
            if owner and owner ~= ARGV[1] and held > now then return {} end
            local from = redis.call('HGET', KEYS[1], 'snapshot_from')
            if not from then
              from = tostring(now)
              redis.call('HSET', KEYS[1], 'snapshot_from', from)
            end
            redis.call('HSET', KEYS[1], 'snapshot', ARGV[1], 'snapshot_until', tostring(now + tonumber(ARGV[2])))
            return {redis.call('HGET', KEYS[1], 'snapshot_cursor') or '', from}
            """);

    /** Finishes a sent campaign (status approved, snapshot done, nothing queued) in place; 1 if it did. */
    private static final String FINISH_LUA = """
            local function finish(key, now)
              if redis.call('HGET', key, 'status') ~= 'approved' or redis.call('HEXISTS', key, 'snapshot_at') == 0 then return 0 end
              if (tonumber(redis.call('HGET', key, 'n_queued') or '0') or 0) > 0 then return 0 end
              local v = tonumber(redis.call('HGET', key, 'version') or '1') or 1
              redis.call('HSET', key, 'status', 'finished', 'version', tostring(v + 1), 'updated_at', now, 'finished_at', now)
              return 1
            end
            """;

    private static final Redis.Script FINISH = Redis.Script.of(FINISH_LUA + "return finish(KEYS[1], ARGV[1])\n");

    /**
     * Counts a batch of the audience once it is in the stream, if this node still holds the lease:
     * only callers not counted before (a resumed copy reads its last batch again), then the cursor and
     * a renewed lease. The last batch, or a cancel, ends the snapshot (the set of callers queued goes).
     * Answers {callers counted, 0 going on | 1 done | 2 done and finished | 3 cancelled}, or {-1} (lease lost).
     */
    private static final Redis.Script RECORD = Redis.Script.of(FINISH_LUA + """
            if redis.call('HGET', KEYS[1], 'snapshot') ~= ARGV[1] or redis.call('HEXISTS', KEYS[1], 'snapshot_at') == 1 then
              return {-1}
            end
            local added = 0
            for i = 7, #ARGV do added = added + redis.call('SADD', KEYS[2], ARGV[i]) end
            redis.call('EXPIRE', KEYS[2], ARGV[5])
            redis.call('HINCRBY', KEYS[1], 'n_audience', added)
            redis.call('HINCRBY', KEYS[1], 'n_queued', added)
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            redis.call('HSET', KEYS[1], 'snapshot_cursor', ARGV[3], 'snapshot_until', tostring(now + tonumber(ARGV[2])))
            local cancelled = redis.call('HGET', KEYS[1], 'status') == 'cancelled'
            if ARGV[4] ~= '1' and not cancelled then return {added, 0} end
            redis.call('HSET', KEYS[1], 'snapshot_at', ARGV[6])
            redis.call('HDEL', KEYS[1], 'snapshot_until', 'snapshot_cursor')
            redis.call('DEL', KEYS[2])
            if cancelled then return {added, 3} end
            return {added, 1 + finish(KEYS[1], ARGV[6])}
            """);

    /** Where a snapshot is in its audience: a segment, and in it a consent-expiry score and how many at that score were read. */
    record Cursor(String segment, long score, long skip) {
        String encode() {
            return segment + "|" + score + "|" + skip;
        }

        /** The cursor written, or the start; a segment gone from the list goes on with the next in name order. */
        static Cursor parse(String s, List<String> segments, long from) {
            if (segments.isEmpty()) return null;
            String[] p = s == null ? new String[0] : s.split("\\|");
            if (p.length != 3) return new Cursor(segments.get(0), from, 0);
            for (String seg : segments) {
                if (seg.equals(p[0])) return new Cursor(seg, Long.parseLong(p[1]), Long.parseLong(p[2]));
                if (seg.compareTo(p[0]) > 0) return new Cursor(seg, from, 0);
            }
            return null;
        }
    }

    /**
     * Copies the audience into the stream from {@code cursor}, a batch at a time, while this node
     * holds the lease. A node that stops half-way leaves the cursor and the callers it counted; the
     * next node to take the lease goes on from there, and a batch added but not counted is added
     * again: its copies are the same recipient, and the per-recipient marker lets one of them send.
     */
    private Future<Void> snapshot(Campaign c, String sender, String cursor, long from) {
        String stream = stream(sender);
        return ensureGroup(stream)
                .compose(v -> consent.subscribers().segments(c.spec().channel(), c.spec().languages(), c.spec().regions()))
                .compose(segments -> {
                    if (!cursor.isEmpty()) LOG.info("campaign {}: resuming the snapshot another node left", c.id());
                    return copy(c, stream, segments, Cursor.parse(cursor, segments, from), from, 0);
                });
    }

    private Future<Void> copy(Campaign c, String stream, List<String> segments, Cursor at, long from, int batchNo) {
        if (closed) return Future.succeededFuture(); // the lease runs out and another node goes on
        if (at == null) return record(c, stream, null, List.of(), batchNo, segments, from);
        return consent.subscribers().page(at.segment(), at.score(), at.skip(), snapshotBatch).compose(page -> {
            Cursor next;
            if (page.size() < snapshotBatch) {
                int i = segments.indexOf(at.segment());
                next = i + 1 < segments.size() ? new Cursor(segments.get(i + 1), from, 0) : null;
            } else {
                long last = (long) page.get(page.size() - 1).getScore();
                long same = page.stream().filter(v -> (long) v.getScore() == last).count();
                next = new Cursor(at.segment(), last, last == at.score() ? at.skip() + page.size() : same);
            }
            List<String> callers = page.stream().map(io.lettuce.core.ScoredValue::getValue).toList();
            String lang = org.taama.consent.Subscribers.lang(at.segment());
            Future<List<String>> fresh = callers.isEmpty() ? Future.succeededFuture(List.of())
                    : on(redis.commands().smismember(queuedSet(c.id()), callers.toArray(String[]::new))).map(in -> {
                        List<String> out = new ArrayList<>();
                        for (int i = 0; i < callers.size(); i++) if (!Boolean.TRUE.equals(in.get(i))) out.add(callers.get(i));
                        return out;
                    });
            return fresh.compose(add -> {
                if (add.isEmpty()) return Future.succeededFuture(add);
                List<String> args = new ArrayList<>(List.of(c.id(), lang, Long.toString(clock.millis())));
                args.addAll(add);
                return redis.<Long>run(QUEUE, ScriptOutputType.INTEGER, new String[] {stream}, args.toArray(String[]::new)).map(add);
            }).compose(add -> {
                if (batchNo == stopsAtBatch) return Future.failedFuture(new IllegalStateException("stopped (test): as if killed here"));
                return record(c, stream, next, add, batchNo, segments, from);
            });
        });
    }

    /**
     * One entry per caller (ARGV[4..]) of campaign ARGV[1], language ARGV[2], queued at ARGV[3]: a
     * batch is one round trip instead of one XADD each (the snapshot's cost was the client's, per command).
     */
    private static final Redis.Script QUEUE = Redis.Script.of("""
            for i = 4, #ARGV do
              redis.call('XADD', KEYS[1], '*', 'c', ARGV[1], 'to', ARGV[i], 'l', ARGV[2], 'a', '1', 't', ARGV[3])
            end
            return #ARGV - 3
            """);

    private Future<Void> record(Campaign c, String stream, Cursor next, List<String> added, int batchNo,
                                List<String> segments, long from) {
        List<String> args = new ArrayList<>(List.of(consumer, Long.toString(claimIdle.toMillis()), next == null ? "" : next.encode(),
                next == null ? "1" : "0", Long.toString(Duration.ofDays(MARKER_DAYS).toSeconds()), clock.instant().toString()));
        args.addAll(added);
        return redis.<List<Long>>run(RECORD, ScriptOutputType.MULTI, new String[] {CampaignStore.key(c.id()), queuedSet(c.id())},
                args.toArray(String[]::new)).compose(r -> {
            long state = r.size() > 1 ? r.get(1) : -1;
            if (state < 0) {
                LOG.info("campaign {}: another node took the snapshot over", c.id());
                return Future.succeededFuture();
            }
            wake(stream);
            if (state == 0) return copy(c, stream, segments, next, from, batchNo + 1);
            return counted(c).compose(n -> {
                LOG.info("campaign {}: {} recipients queued{}", c.id(), n, state == 3 ? " (cancelled meanwhile)" : "");
                return state == 2 ? finished(c) : Future.succeededFuture();
            });
        });
    }

    private Future<String> counted(Campaign c) {
        return redis.hget(CampaignStore.key(c.id()), "n_audience");
    }

    /** The callers of a campaign counted into its audience while the snapshot goes on (deleted at its end). */
    static String queuedSet(String campaign) {
        return CampaignStore.key(campaign) + ":queued";
    }

    private Future<Void> finish(Campaign c) {
        return redis.<Long>run(FINISH, ScriptOutputType.INTEGER, new String[] {CampaignStore.key(c.id())}, clock.instant().toString())
                .compose(won -> won != null && won == 1L ? finished(c) : Future.succeededFuture());
    }

    /** Only the node whose script finished the campaign gets here: it moves the index and audits, once. */
    private Future<Void> finished(Campaign c) {
        return store.reindex(c, Campaign.Status.APPROVED, Campaign.Status.FINISHED)
                .compose(v -> audit.record(SYSTEM, "campaign:finish", null, Map.of("campaign", c.id(), "to", Campaign.Status.FINISHED.id())))
                .onSuccess(v -> LOG.info("campaign {}: finished", c.id()));
    }

    private static long number(String v) {
        try {
            return v == null ? 0 : Long.parseLong(v);
        } catch (NumberFormatException e) {
            return 0;
        }
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
    /** Per stream: when it is next read (System.nanoTime), and how long the wait is while it stays idle. */
    private final Map<String, long[]> cadence = new HashMap<>();
    /** Per stream: when dead nodes' entries were last looked for (System.nanoTime). */
    private final Map<String, Long> lastClaim = new HashMap<>();
    /** Entries this node left pending (paused campaign): read again from its own pending list. */
    private final Set<String> parked = new HashSet<>();

    /** An idle stream is read at most this seldom: what a new campaign waits on another node, and a resume on any. */
    static final Duration IDLE_POLL = Duration.ofSeconds(1);

    /** Reads each sender's stream when its turn has come: every tick while busy, backing off to once a second while idle. */
    private void tick(Duration poll) {
        long now = System.nanoTime();
        for (String channel : List.of("sms", "whatsapp")) {
            String sender = outbox.sender(channel);
            if (sender == null) continue;
            long[] c = cadence.computeIfAbsent(stream(sender), k -> new long[] {0, poll.toNanos()});
            if (now - c[0] < 0) continue;
            poll(sender).onComplete(ar -> {
                if (ar.failed()) LOG.warn("reading the send stream failed: {}", ar.cause().toString());
                boolean busy = ar.succeeded() && ar.result();
                c[1] = busy ? poll.toNanos() : Math.min(IDLE_POLL.toNanos(), c[1] * 2);
                c[0] = System.nanoTime() + (busy ? 0 : c[1]);
            });
        }
    }

    /** New entries in a stream (queued here): read it at the next tick. */
    private void wake(String stream) {
        long[] c = cadence.get(stream);
        if (c != null) {
            c[0] = 0;
            c[1] = Math.min(c[1], Duration.ofMillis(100).toNanos());
        }
    }

    /**
     * One read of a sender's stream; true when it found work. Dead nodes' entries are looked for at most
     * once a second, this node's own pending list only while it holds parked entries, and new entries
     * while it has room; never a blocking read (the connection is shared).
     */
    Future<Boolean> poll(String sender) {
        if (closed) return Future.succeededFuture(false);
        // No campaign message goes in the quiet hours: what waits is not even read (and may expire by morning).
        if (quiet.contains(LocalDateTime.now(clock.withZone(QuietHours.ZONE)).toLocalTime())) return Future.succeededFuture(false);
        if (!polling.add(sender)) return Future.succeededFuture(true);
        String stream = stream(sender);
        Consumer<String> me = Consumer.from(GROUP, consumer);
        long now = System.nanoTime();
        boolean claimNow = now - lastClaim.getOrDefault(stream, now - IDLE_POLL.toNanos()) >= IDLE_POLL.toNanos();
        List<StreamMessage<String, String>> found = new ArrayList<>();
        Future<Void> read = ensureGroup(stream)
                .compose(v -> {
                    if (!claimNow) return Future.succeededFuture();
                    lastClaim.put(stream, now);
                    return on(redis.commands().xautoclaim(stream, XAutoClaimArgs.Builder.xautoclaim(me, claimIdle, "0").count(100)))
                            .map(claimed -> {
                                found.addAll(claimed.getMessages());
                                return null;
                            });
                })
                .compose(v -> parked.isEmpty() ? Future.succeededFuture()
                        : on(redis.commands().xreadgroup(me, XReadArgs.Builder.count(Math.min(1000, inFlight.size() + parked.size() + 1)),
                                XReadArgs.StreamOffset.from(stream, "0"))).map(pending -> {
                            for (StreamMessage<String, String> m : pending) if (parked.contains(m.getId())) found.add(m);
                            return null;
                        }))
                .compose(v -> {
                    // Paused entries stay pending: while many do, nothing new is taken.
                    int room = inFlightMax() - inFlight.size();
                    if (parked.size() >= 100 || room <= 0) return Future.succeededFuture(false);
                    return on(redis.commands().xreadgroup(me, XReadArgs.Builder.count(room), XReadArgs.StreamOffset.lastConsumed(stream)))
                            .map(fresh -> {
                                if (fresh.size() >= room) more.add(sender);
                                else more.remove(sender);
                                found.addAll(fresh);
                                return !fresh.isEmpty();
                            });
                }).mapEmpty();
        return read.map(v -> dispatch(sender, stream, found) || !inFlight.isEmpty()).onComplete(ar -> polling.remove(sender));
    }

    /** Hands entries over; true when any was new work (not a parked entry looked at again). */
    private boolean dispatch(String sender, String stream, List<StreamMessage<String, String>> entries) {
        boolean work = false;
        // One read of each campaign for the whole batch (a paused one's parked entries are many).
        Map<String, Future<Campaign>> campaigns = new HashMap<>();
        for (StreamMessage<String, String> m : entries) {
            if (m.getBody() == null || m.getBody().isEmpty()) {
                ack(stream, m); // nothing to send: never left pending
                continue;
            }
            if (!inFlight.add(m.getId())) continue;
            work |= !parked.remove(m.getId());
            handle(sender, stream, m, campaigns).onComplete(ar -> {
                inFlight.remove(m.getId());
                if (ar.failed()) LOG.warn("campaign entry {} failed, left pending: {}", m.getId(), ar.cause().toString());
                refill(sender, stream);
            });
        }
        return work;
    }

    /** Senders whose stream held more new entries than the node had room for at its last read. */
    private final Set<String> more = new HashSet<>();
    private final Set<String> refilling = new HashSet<>();

    /**
     * While a stream holds more than the node may hold, finished messages make room for new ones at once
     * (one XREADGROUP once half the room is free) instead of at the next poll: else a node would send at
     * most its room every poll interval, whatever SENDER_RATE allows. An idle stream costs nothing here.
     */
    private void refill(String sender, String stream) {
        if (closed || !more.contains(sender) || refilling.contains(sender)) return;
        int max = inFlightMax();
        int room = max - inFlight.size();
        if (room < Math.max(1, max / 2)) return;
        refilling.add(sender);
        on(redis.commands().xreadgroup(Consumer.from(GROUP, consumer), XReadArgs.Builder.count(room),
                XReadArgs.StreamOffset.lastConsumed(stream))).onComplete(ar -> {
            refilling.remove(sender);
            if (ar.failed() || ar.result().size() < room) more.remove(sender);
            if (ar.succeeded()) dispatch(sender, stream, ar.result());
        });
    }

    private Future<Void> handle(String sender, String stream, StreamMessage<String, String> m, Map<String, Future<Campaign>> campaigns) {
        String id = m.getBody().get("c");
        String caller = m.getBody().get("to");
        String lang = m.getBody().get("l");
        int attempt = parse(m.getBody().get("a"));
        if (!CampaignStore.isId(id) || caller == null || lang == null) return ack(stream, m).mapEmpty();
        long left = validity.toMillis() - (clock.millis() - queuedAt(m));
        return campaigns.computeIfAbsent(id, store::get).compose(c -> {
            if (c == null) return ack(stream, m).mapEmpty();
            if (c.status() == Campaign.Status.CANCELLED) return done(stream, m, c, caller, attempt, "n_skipped");
            // Paused (or, queued by hand, not yet approved): stays pending, looked at again on the next poll.
            if (c.status() == Campaign.Status.PAUSED || c.status() == Campaign.Status.SUBMITTED) {
                parked.add(m.getId());
                return Future.succeededFuture();
            }
            // A copy left over once every recipient was accounted for (finished): nothing to send or count.
            if (c.status() != Campaign.Status.APPROVED) return ack(stream, m).mapEmpty();
            // Queued longer ago than a message may go (a backlog, a long pause): dropped, never sent late.
            if (left < 1000) return done(stream, m, c, caller, attempt, "n_skipped");
            return consent.optedOut(caller).compose(out -> out ? done(stream, m, c, caller, attempt, "n_opted_out")
                    : claim(id, caller, attempt, m.getId()).compose(holder -> {
                        if (holder == null) return send(sender, stream, m, c, caller, lang, attempt);
                        // This very entry took it, on a node that stopped before saying what became of it: it may
                        // have gone, so it is not sent again; it is counted as skipped, and only once.
                        if (holder.equals("busy:" + m.getId())) return done(stream, m, c, caller, attempt, "n_skipped");
                        // Another copy of this recipient holds or settled it: never a second message.
                        return ack(stream, m).mapEmpty();
                    }));
        });
    }

    private Future<Void> send(String sender, String stream, StreamMessage<String, String> m, Campaign c, String caller,
                              String written, int attempt) {
        String lang = CampaignSpec.LANGS.contains(written) ? written : "fr";
        TextCost.Cost text = cost.cost(c.spec().text(lang), c.spec().channel(), lang);
        int segments = c.spec().channel().equals("sms") ? Math.min(SenderPace.MAX_SEGMENTS, Math.max(1, text.smsSegments())) : 1;
        return consent.number(caller).compose(number -> {
            // No number: a STOP since the look above (opted out), or consent that expired (skipped).
            if (number == null) {
                return consent.optedOut(caller).compose(out -> done(stream, m, c, caller, attempt, out ? "n_opted_out" : "n_skipped"));
            }
            // Looked at again once the slot comes, so a pause, a cancel or a STOP stops what waited for it.
            return slot(sender, segments).compose(v -> Future.all(redis.hget(CampaignStore.key(c.id()), "status"),
                    consent.optedOut(caller))).compose(now -> {
                String status = now.resultAt(0);
                if (Campaign.Status.CANCELLED.id().equals(status)) return done(stream, m, c, caller, attempt, "n_skipped").map((Outcome) null);
                // Paused while it waited: parked, the recipient given back to this attempt, but only while this
                // entry still holds it (a wait past SEND_CLAIM_IDLE may have been taken over and settled).
                if (!Campaign.Status.APPROVED.id().equals(status)) {
                    return handOn(c.id(), caller, m.getId(), attempt).compose(mine -> {
                        if (mine) {
                            parked.add(m.getId());
                            return Future.succeededFuture((Outcome) null);
                        }
                        return ack(stream, m).map((Outcome) null);
                    });
                }
                if (Boolean.TRUE.equals(now.resultAt(1))) return done(stream, m, c, caller, attempt, "n_opted_out").map((Outcome) null);
                // Twilio may hold it only for what is left of its validity.
                long left = validity.toMillis() - (clock.millis() - queuedAt(m));
                if (left < 1000) return done(stream, m, c, caller, attempt, "n_skipped").map((Outcome) null);
                return outbox.send(new Outgoing(c.spec().channel(), number, text.text(), c.spec().template(lang),
                                c.spec().variables(lang), (int) Math.min(TWILIO_MAX_VALIDITY, left / 1000), CampaignStore.key(c.id())))
                        .recover(e -> Future.succeededFuture(Outcome.RETRY));
            })
                    .compose(outcome -> outcome == null ? Future.succeededFuture() : switch (outcome) {
                        case SENT -> done(stream, m, c, caller, attempt, "n_sent");
                        case OPTED_OUT -> done(stream, m, c, caller, attempt, "n_opted_out");
                        case FAILED -> done(stream, m, c, caller, attempt, "n_failed");
                        case RETRY -> attempt >= attempts
                                ? on(redis.commands().xadd(deadLetters(sender), XAddArgs.Builder.maxlen(100_000).approximateTrimming(),
                                        m.getBody())).compose(x -> done(stream, m, c, caller, attempt, "n_failed"))
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
     * holds attempt N), "busy:<entry>" (that entry is sending or has sent), "done" (settled and
     * counted). A poll may still hold a copy of an entry that was just acknowledged and queued again,
     * and a resumed snapshot may queue a recipient twice; such copies carry another entry id or an old
     * attempt, so they can neither take the marker nor count the recipient a second time.
     * Answers null when this entry took it, else what the marker holds.
     */
    private static final Redis.Script CLAIM = Redis.Script.of("""
            local v = redis.call('GET', KEYS[1])
            if v == false or v == ARGV[1] then
              redis.call('SET', KEYS[1], 'busy:' .. ARGV[2], 'EX', ARGV[3])
              return false
            end
            return v
            """);

    private Future<String> claim(String id, String caller, int attempt, String entry) {
        return redis.run(CLAIM, ScriptOutputType.VALUE, new String[]{marker(id, caller)},
                "retry:" + attempt, entry, Long.toString(Duration.ofDays(MARKER_DAYS).toSeconds()));
    }

    /**
     * Settles a recipient once: if the marker is still this entry's (or nobody's yet), it becomes
     * "done", the count moves and the recipient leaves n_queued; the last one finishes the campaign.
     * Answers 0 (another copy settled it), 1, or 2 (and the campaign is finished).
     */
    private static final Redis.Script SETTLE = Redis.Script.of(FINISH_LUA + """
            local v = redis.call('GET', KEYS[1])
            if not (v == false or v == 'retry:' .. ARGV[2] or v == 'busy:' .. ARGV[1]) then return 0 end
            redis.call('SET', KEYS[1], 'done', 'EX', ARGV[4])
            redis.call('HINCRBY', KEYS[2], ARGV[3], 1)
            redis.call('HINCRBY', KEYS[2], 'n_queued', -1)
            return 1 + finish(KEYS[2], ARGV[5])
            """);

    /** Queues the entry again as attempt {@code next} after a back-off doubling with {@code step}, plus up to half again of jitter. */
    private Future<Void> retry(String stream, StreamMessage<String, String> m, String id, String caller, int step, int next) {
        long base = backoff.toMillis() << Math.min(10, step - 1);
        // Never longer than a booking ahead: an entry waiting longer would look like a dead node's and be taken over.
        long delay = Math.min(ahead.toMillis(), base + ThreadLocalRandom.current().nextLong(base / 2 + 1));
        Map<String, String> again = new HashMap<>(m.getBody());
        again.put("a", Integer.toString(next));
        return vertx.timer(delay)
                .compose(v -> handOn(id, caller, m.getId(), next))
                .compose(mine -> {
                    if (mine) return on(redis.commands().xadd(stream, again)).map(x -> {
                        wake(stream);
                        return null;
                    });
                    LOG.info("campaign entry {} was settled by another node while it was being sent: not tried again", m.getId());
                    return Future.succeededFuture();
                })
                .compose(v -> ack(stream, m)).mapEmpty();
    }

    /**
     * Gives the recipient to attempt {@code next} only while {@code entry} still holds it. A send held longer
     * than SEND_CLAIM_IDLE (Twilio slow to answer: the SDK waits up to 30 s) looks like a dead node's, so
     * another node may have taken the entry over and settled the recipient as skipped meanwhile; handing it
     * on then would send it again and count it twice.
     */
    private static final Redis.Script HAND_ON = Redis.Script.of("""
            if redis.call('GET', KEYS[1]) ~= 'busy:' .. ARGV[1] then return 0 end
            redis.call('SET', KEYS[1], 'retry:' .. ARGV[2], 'EX', ARGV[3])
            return 1
            """);

    private Future<Boolean> handOn(String id, String caller, String entry, int next) {
        return redis.<Long>run(HAND_ON, ScriptOutputType.INTEGER, new String[] {marker(id, caller)}, entry, Integer.toString(next),
                Long.toString(Duration.ofDays(MARKER_DAYS).toSeconds())).map(n -> n != null && n == 1L);
    }

    /** Counts the recipient under {@code count} (once, whatever copies there are), then acknowledges and drops the entry. */
    private Future<Void> done(String stream, StreamMessage<String, String> m, Campaign c, String caller, int attempt, String count) {
        return redis.<Long>run(SETTLE, ScriptOutputType.INTEGER, new String[] {marker(c.id(), caller), CampaignStore.key(c.id())},
                        m.getId(), Integer.toString(attempt), count, Long.toString(Duration.ofDays(MARKER_DAYS).toSeconds()),
                        clock.instant().toString())
                .compose(settled -> ack(stream, m).compose(x -> settled != null && settled == 2L ? finished(c) : Future.succeededFuture()));
    }

    /**
     * XACK and XDEL at once: an acknowledged entry is nobody's pending entry (one group), so deleting
     * it is safe, and the stream holds only entries still to be sent.
     */
    private static final Redis.Script ACK = Redis.Script.of("""
            local n = redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])
            redis.call('XDEL', KEYS[1], ARGV[2])
            return n
            """);

    private Future<Long> ack(String stream, StreamMessage<String, String> m) {
        parked.remove(m.getId());
        return redis.run(ACK, ScriptOutputType.INTEGER, new String[] {stream}, GROUP, m.getId());
    }

    private int inFlightMax() {
        long perAhead = ahead.toNanos() / 1000 / Math.max(1, pace.intervalMicros());
        return (int) Math.max(1, Math.min(Math.min(IN_FLIGHT, outbox.capacity()), perAhead));
    }

    /** When the recipient was first queued ({@code t}, kept through retries), else the entry's own time. */
    static long queuedAt(StreamMessage<String, String> m) {
        try {
            String t = m.getBody().get("t");
            return t != null ? Long.parseLong(t) : Long.parseLong(m.getId().substring(0, m.getId().indexOf('-')));
        } catch (RuntimeException e) {
            return 0; // unreadable: as old as can be, so it is dropped rather than sent late
        }
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
