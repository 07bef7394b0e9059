package org.taama.cases;

import io.lettuce.core.ScriptOutputType;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.taama.privacy.CallerHash;
import org.taama.privacy.NumberCipher;
import org.taama.redis.Redis;
import org.taama.stats.Events;
import org.taama.stats.Metric;
import org.taama.web.BadRequest;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Confidential call-back cases: a caller asks to be called back, an operator claims the case, reveals
 * the number only when about to call, and moves it forward (new → contacted → referred → closed; new
 * and contacted may also close; never backwards; closed is final). Closing drops the encrypted number
 * at once (nobody calls a closed case); the rest is purged after the retention period. Every change
 * and reveal is written to the {@link Audit} trail first, every read counted there first.
 *
 * <p>Keys:
 * <ul>
 *   <li>{@code taama:case:{id}} — hash: status, created_at, updated_at, window, leave_message, lang,
 *       channel, caller (caller hash), number (AES-GCM, associated data = the case id; gone once closed), number_hash
 *       (when the number to call is not the caller's), claimed_by, claimed_at, contacted_at,
 *       referred_at, closed_at</li>
 *   <li>{@code taama:case:{id}:notes} — list of JSON {at, operator, sealed}: the text AES-GCM encrypted</li>
 *   <li>{@code taama:cases:status:<status>} — sorted set of case ids, score = when the case entered
 *       that status (epoch ms); the open cases are those of new, contacted and referred</li>
 *   <li>{@code taama:{caller}:cases} — set of the case ids of one caller hash (and of the hash of the
 *       number to call), for erasure</li>
 *   <li>{@code taama:cases:stats} — anonymous counters: opened, contacted, referred, closed, purged, erased</li>
 * </ul>
 * An id is 16 random bytes in hex. The number is never stored or logged in clear.
 */
public final class CaseStore {
    private static final Logger log = LoggerFactory.getLogger(CaseStore.class);

    public static final List<String> STATUSES = List.of("new", "contacted", "referred", "closed");
    public static final Set<String> WINDOWS = Set.of("morning", "afternoon", "evening");
    public static final int NOTE_MAX_CHARS = 2000;
    public static final int NOTES_MAX = 200;
    public static final int PAGE_MAX = 100;
    public static final String STATS = "taama:cases:stats";
    /** What shows instead of the number on every read but the reveal. */
    public static final String MASK = "hidden";
    static final String SYSTEM = "system";
    private static final Pattern ID = Pattern.compile("[0-9a-f]{32}");
    private static final Pattern HASH = Pattern.compile("[0-9a-f]{16,64}");
    private static final Pattern LANG = Pattern.compile("[a-z]{2,3}");
    private static final Pattern CHANNEL = Pattern.compile("[a-z0-9_]{1,16}");
    private static final int PURGE_BATCH = 200;

    /** The statuses a case may come from to enter each status. */
    private static final Map<String, String> FROM = Map.of(
            "contacted", "new",
            "referred", "contacted",
            "closed", "new contacted referred");

    private static final String CLAIM = """
            if redis.call('EXISTS', KEYS[1]) == 0 then return 'missing' end
            if redis.call('HGET', KEYS[1], 'status') == 'closed' then return 'closed' end
            local by = redis.call('HGET', KEYS[1], 'claimed_by')
            if by == ARGV[1] then return 'already' end
            if by then return 'taken' end
            redis.call('HSET', KEYS[1], 'claimed_by', ARGV[1], 'claimed_at', ARGV[2], 'updated_at', ARGV[2])
            return 'ok'
            """;

    private static final String RELEASE = """
            if redis.call('EXISTS', KEYS[1]) == 0 then return 'missing' end
            local by = redis.call('HGET', KEYS[1], 'claimed_by')
            if not by then return 'unclaimed' end
            if by ~= ARGV[1] and ARGV[2] ~= '1' then return 'other' end
            redis.call('HDEL', KEYS[1], 'claimed_by', 'claimed_at')
            redis.call('HSET', KEYS[1], 'updated_at', ARGV[3])
            return 'ok'
            """;

    private static final String TRANSITION = """
            if redis.call('EXISTS', KEYS[1]) == 0 then return {'missing', ''} end
            local st = redis.call('HGET', KEYS[1], 'status')
            local by = redis.call('HGET', KEYS[1], 'claimed_by')
            if st == 'closed' then return {'final', st} end
            if not by then return {'unclaimed', st} end
            if by ~= ARGV[1] then return {'other', st} end
            if st == ARGV[2] then return {'same', st} end
            if not string.find(' ' .. ARGV[4] .. ' ', ' ' .. st .. ' ', 1, true) then return {'bad', st} end
            if ARGV[5] ~= '' and redis.call('LLEN', KEYS[2]) >= tonumber(ARGV[6]) then return {'full', st} end
            redis.call('HSET', KEYS[1], 'status', ARGV[2], 'updated_at', ARGV[3], ARGV[2] .. '_at', ARGV[3])
            if ARGV[2] == 'closed' then redis.call('HDEL', KEYS[1], 'number') end
            if ARGV[5] ~= '' then redis.call('RPUSH', KEYS[2], ARGV[5]) end
            return {'ok', st}
            """;

    private static final String NOTE = """
            if redis.call('EXISTS', KEYS[1]) == 0 then return 'missing' end
            local by = redis.call('HGET', KEYS[1], 'claimed_by')
            if redis.call('HGET', KEYS[1], 'status') == 'closed' then return 'final' end
            if not by then return 'unclaimed' end
            if by ~= ARGV[1] then return 'other' end
            if redis.call('LLEN', KEYS[2]) >= tonumber(ARGV[3]) then return 'full' end
            redis.call('RPUSH', KEYS[2], ARGV[2])
            redis.call('HSET', KEYS[1], 'updated_at', ARGV[4])
            return 'ok'
            """;

    /** Re-checks the claim and returns the sealed number in one step, after the audit entry is written. */
    private static final String REVEAL = """
            if redis.call('EXISTS', KEYS[1]) == 0 then return {'missing'} end
            if redis.call('HGET', KEYS[1], 'claimed_by') ~= ARGV[1] then return {'other'} end
            if redis.call('HGET', KEYS[1], 'status') == 'closed' then return {'final'} end
            return {'ok', redis.call('HGET', KEYS[1], 'number')}
            """;

    private final Redis redis;
    private final NumberCipher cipher;
    private final Clock clock;
    private final CallerHash numbers;
    private final Audit audit;
    private final SecureRandom random = new SecureRandom();
    private final Events events;

    public CaseStore(Redis redis, NumberCipher cipher, Clock clock) {
        this(redis, cipher, clock, null);
    }

    /**
     * With the caller hash, a case is also indexed under the hash of the number to call when it is not
     * the caller's own, so erasing that number finds the case too. Prefer this one in production.
     */
    public CaseStore(Redis redis, NumberCipher cipher, Clock clock, CallerHash numbers) {
        this(redis, cipher, clock, numbers, new Audit(redis, clock));
    }

    /** With the audit the whole server shares (its retention comes from AUDIT_RETENTION_DAYS). */
    public CaseStore(Redis redis, NumberCipher cipher, Clock clock, CallerHash numbers, Audit audit) {
        this(redis, cipher, clock, numbers, audit, Events.NONE);
    }

    /** As above, telling the dashboard of each case opened and moved. */
    public CaseStore(Redis redis, NumberCipher cipher, Clock clock, CallerHash numbers, Audit audit, Events events) {
        this.events = events;
        this.redis = redis;
        this.cipher = cipher;
        this.clock = clock;
        this.numbers = numbers;
        this.audit = audit;
    }

    public Audit audit() {
        return audit;
    }

    public static String key(String id) {
        return "taama:case:{" + id + "}";
    }

    public static String notesKey(String id) {
        return "taama:case:{" + id + "}:notes";
    }

    public static String statusKey(String status) {
        return "taama:cases:status:" + status;
    }

    public static String callerKey(String caller) {
        return "taama:{" + caller + "}:cases";
    }

    /** True for something shaped like a case id (anything else cannot be a case: 404 without asking Redis). */
    public static boolean isId(String id) {
        return id != null && ID.matcher(id).matches();
    }

    // ---------------------------------------------------------------- opening (the channels)

    /**
     * Opens a case for a caller (their hash) who asked to be called back on {@code number} (maybe not
     * their own) in a window (morning, afternoon, evening). Answers the new case id.
     */
    public Future<String> open(String caller, String number, String window, boolean leaveMessage, String lang, String channel) {
        try {
            if (caller == null || !HASH.matcher(caller).matches()) throw new BadRequest("caller must be a caller hash");
            if (number == null || number.length() > 32 || !CallerHash.plausible(number)) {
                throw new BadRequest("number must hold 6 to 15 digits");
            }
            if (!WINDOWS.contains(window)) throw new BadRequest("window must be one of morning, afternoon, evening");
            if (lang == null || !LANG.matcher(lang).matches()) throw new BadRequest("lang must be a language code such as fr or bm");
            if (channel == null || !CHANNEL.matcher(channel).matches()) throw new BadRequest("channel must be a channel name such as ussd");
        } catch (BadRequest e) {
            return Future.failedFuture(e);
        }
        byte[] b = new byte[16];
        random.nextBytes(b);
        String id = HexFormat.of().formatHex(b);
        long now = clock.millis();
        String at = clock.instant().toString();
        Map<String, String> h = new HashMap<>();
        h.put("status", "new");
        h.put("created_at", at);
        h.put("updated_at", at);
        h.put("new_at", at);
        h.put("window", window);
        h.put("leave_message", Boolean.toString(leaveMessage));
        h.put("lang", lang);
        h.put("channel", channel);
        h.put("caller", caller);
        h.put("number", cipher.encrypt(number, id));
        String numberHash = numbers == null ? null : numbers.of(number);
        List<Future<?>> owners = new ArrayList<>();
        owners.add(redis.sadd(callerKey(caller), id));
        if (numberHash != null && !numberHash.equals(caller)) {
            h.put("number_hash", numberHash);
            owners.add(redis.sadd(callerKey(numberHash), id));
        }
        // The case, its caller's index and the status index live in different hash slots (on Redis Cluster,
        // on different nodes), so no one script can write them all. They are written in an order that leaves
        // nothing unfindable if this node dies in between: first the caller's index (erasure and "one open
        // call-back per caller" find the id; an id without a case counts for nothing), then the case, then
        // the status index, which repairIndexes() rebuilds from the cases.
        return Future.all(owners)
                .compose(v -> redis.hset(key(id), h))
                .compose(v -> Future.all(redis.zadd(statusKey("new"), now, id), redis.hincrby(STATS, "opened", 1)))
                .compose(v -> audit.record(SYSTEM, "open", id))
                .onSuccess(v -> events.count(Metric.CASES_OPENED))
                .map(id);
    }

    /**
     * How many cases are in each open status (new, contacted, referred) by how long they have been in
     * it, and how many closed ones are still kept (all in the last band): ZCOUNTs on the status
     * indexes, whose scores are when each case entered its status.
     */
    public Future<Map<String, List<Long>>> countByAge(long now, List<Long> bounds) {
        Map<String, List<Future<Long>>> counts = new LinkedHashMap<>();
        for (String status : STATUSES) {
            List<Future<Long>> bands = new ArrayList<>();
            if (status.equals("closed")) {
                for (int i = 0; i < bounds.size(); i++) bands.add(Future.succeededFuture(0L));
                bands.add(redis.zcard(statusKey(status)));
            } else {
                double upper = Double.POSITIVE_INFINITY;
                for (long b : bounds) {
                    bands.add(zcount(statusKey(status), now - b, upper));
                    upper = now - b;
                }
                bands.add(zcount(statusKey(status), Double.NEGATIVE_INFINITY, upper));
            }
            counts.put(status, bands);
        }
        List<Future<Long>> all = counts.values().stream().flatMap(List::stream).toList();
        return Future.all(all).map(v -> {
            Map<String, List<Long>> out = new LinkedHashMap<>();
            counts.forEach((status, bands) -> out.put(status, bands.stream().map(Future::result).toList()));
            return out;
        });
    }

    /** Members with min &lt; score &lt;= max (a band's lower edge belongs to the older band). */
    private Future<Long> zcount(String key, double min, double max) {
        return Future.fromCompletionStage(redis.commands().zcount(key, io.lettuce.core.Range.from(
                        Double.isInfinite(min) ? io.lettuce.core.Range.Boundary.unbounded() : io.lettuce.core.Range.Boundary.excluding(min),
                        Double.isInfinite(max) ? io.lettuce.core.Range.Boundary.unbounded() : io.lettuce.core.Range.Boundary.including(max))),
                redis.vertx().getOrCreateContext());
    }

    /**
     * Puts every case back in the index of its status and out of the others, and back in its callers'
     * indexes: what a node that died between a case's writes (opening, or a move, whose status change is
     * atomic but whose index update follows it) left undone. Walks every case with SCAN, on every master of
     * a Redis Cluster. Answers how many index entries it changed. Run at start and with the hourly purge.
     */
    static final Duration REPAIR_SETTLE = Duration.ofMinutes(1);

    public Future<Integer> repairIndexes() {
        return redis.scan("taama:case:{*}").compose(keys -> {
            List<Future<Integer>> each = keys.stream().filter(k -> k.endsWith("}"))
                    .map(k -> k.substring("taama:case:{".length(), k.length() - 1)).filter(CaseStore::isId)
                    .map(id -> redis.hgetall(key(id)).compose(h -> repair(id, h))).toList();
            return Future.all(each).map(v -> each.stream().mapToInt(Future::result).sum());
        });
    }

    private Future<Integer> repair(String id, Map<String, String> h) {
        String status = h.get("status");
        if (!STATUSES.contains(status)) return Future.succeededFuture(0);
        // A case moved a moment ago may have its index update still on the way: leave it to the next pass.
        if (millis(h.get("updated_at"), 0) > clock.millis() - REPAIR_SETTLE.toMillis()) return Future.succeededFuture(0);
        double score = millis(h.get(status + "_at"), millis(h.get("created_at"), clock.millis()));
        List<Future<Long>> ops = new ArrayList<>();
        ops.add(redis.zaddIfAbsent(statusKey(status), score, id));
        for (String other : STATUSES) if (!other.equals(status)) ops.add(redis.zrem(statusKey(other), id));
        if (h.get("caller") != null) ops.add(redis.sadd(callerKey(h.get("caller")), id));
        if (h.get("number_hash") != null) ops.add(redis.sadd(callerKey(h.get("number_hash")), id));
        return Future.all(ops).map(v -> (int) ops.stream().mapToLong(Future::result).sum());
    }

    private static double millis(String instant, double otherwise) {
        if (instant == null) return otherwise;
        try {
            return java.time.Instant.parse(instant).toEpochMilli();
        } catch (java.time.format.DateTimeParseException e) {
            return otherwise;
        }
    }

    /** How long one caller's open-once check may hold its lock (it expires by itself if a node dies). */
    static final Duration OPEN_LOCK_TTL = Duration.ofSeconds(5);
    static final Duration OPEN_LOCK_RETRY = Duration.ofMillis(50);
    static final int OPEN_LOCK_TRIES = 40;

    public static String openLockKey(String caller) {
        return "taama:{" + caller + "}:cases:lock";
    }

    /**
     * Opens a case unless this caller already has one open (new, contacted or referred): answers the
     * new id, or null when one is open — one person asking twice gets one call, and a forged session
     * cannot fill the operators' queue. Two requests at once are taken one at a time (a per-caller
     * lock), so they cannot both open one. Only cases the caller asked for count: telling a caller
     * whether someone else asked for their number to be called would give that away.
     */
    public Future<String> openOnce(String caller, String number, String window, boolean leaveMessage, String lang,
                                   String channel) {
        if (caller == null || !HASH.matcher(caller).matches()) {
            return Future.failedFuture(new BadRequest("caller must be a caller hash"));
        }
        return redis.withLock(openLockKey(caller), OPEN_LOCK_TTL, OPEN_LOCK_RETRY, OPEN_LOCK_TRIES,
                "another call-back request of this caller is being opened",
                () -> hasOpen(caller).compose(open -> open ? Future.<String>succeededFuture(null)
                        : open(caller, number, window, leaveMessage, lang, channel)));
    }

    /** Whether one of the cases this caller asked for is still open. */
    private Future<Boolean> hasOpen(String caller) {
        return redis.smembers(callerKey(caller)).compose(ids -> {
            List<Future<Map<String, String>>> reads = ids.stream().filter(CaseStore::isId)
                    .map(id -> redis.hgetall(key(id))).toList();
            return Future.all(reads).map(v -> reads.stream().map(Future::result).anyMatch(h ->
                    caller.equals(h.get("caller")) && h.get("status") != null && !"closed".equals(h.get("status"))));
        });
    }

    // ---------------------------------------------------------------- reads (audited)

    /** One page of cases in a status, newest first, without numbers or notes. Counted in the audit ("list"). */
    public Future<JsonObject> list(String operator, String status, int page, int size) {
        if (!STATUSES.contains(status)) {
            return Future.failedFuture(new BadRequest("status must be one of new, contacted, referred, closed"));
        }
        if (page < 0 || size < 1 || size > PAGE_MAX) {
            return Future.failedFuture(new BadRequest("page must be 0 or more and size 1 to " + PAGE_MAX));
        }
        long start = (long) page * size;
        return counted(operator, "list", null)
                .compose(v -> Future.all(redis.zrevrange(statusKey(status), start, start + size - 1), redis.zcard(statusKey(status))))
                .compose(all -> {
                    List<String> ids = all.resultAt(0);
                    long total = all.<Long>resultAt(1);
                    List<Future<Map<String, String>>> reads = ids.stream().map(id -> redis.hgetall(key(id))).toList();
                    return Future.all(reads).map(r -> {
                        JsonArray cases = new JsonArray();
                        for (int i = 0; i < ids.size(); i++) {
                            Map<String, String> h = reads.get(i).result();
                            if (h.isEmpty()) continue; // purged or erased between the two reads
                            cases.add(summary(ids.get(i), h));
                        }
                        return new JsonObject().put("status", status).put("page", page).put("size", size)
                                .put("total", total).put("cases", cases);
                    });
                });
    }

    /** {@link #get(String, boolean, String)} for an operator who is not an admin. */
    public Future<JsonObject> get(String operator, String id) {
        return get(operator, false, id);
    }

    /**
     * One case, the number masked, counted in the audit ("read") before anything is returned. Its
     * notes (what a possible victim told us) only for the operator who claimed it, or an admin; others
     * see how many there are.
     */
    public Future<JsonObject> get(String operator, boolean admin, String id) {
        return existing(id).compose(h -> counted(operator, "read", id).compose(v -> {
            JsonObject c = summary(id, h).put("number", MASK);
            if (!admin && !operator.equals(h.get("claimed_by"))) {
                return redis.llen(notesKey(id)).map(n -> c.put("notes_count", n).put("notes_visible", false));
            }
            return redis.range(notesKey(id), 0, -1).map(notes -> {
                JsonArray n = new JsonArray();
                notes.forEach(s -> n.add(openNote(id, s)));
                return c.put("notes_count", n.size()).put("notes_visible", true).put("notes", n);
            });
        }));
    }

    /**
     * The number to call, for the operator who claimed the case only, while it is not closed.
     * Audited ("reveal") before the number is decrypted. Never log what this returns.
     */
    public Future<String> reveal(String operator, String id) {
        return existing(id).compose(h -> {
            if (!operator.equals(h.get("claimed_by"))) {
                return Future.failedFuture(new BadRequest(403, h.get("claimed_by") == null
                        ? "claim the case before revealing its number"
                        : "only the operator who claimed this case can reveal its number"));
            }
            if ("closed".equals(h.get("status"))) {
                return Future.failedFuture(new BadRequest(409, "the case is closed; its number is no longer shown"));
            }
            // The claim may change between the read above and now (released, re-claimed, closed): the
            // number comes from a script that checks again, after the audit entry is written.
            return audited(operator, "reveal", id)
                    .compose(v -> redis.<List<Object>>eval(REVEAL, ScriptOutputType.MULTI, new String[] {key(id)}, operator))
                    .compose(r -> switch (String.valueOf(r.get(0))) {
                        case "ok" -> Future.succeededFuture(cipher.decrypt(String.valueOf(r.get(1)), id));
                        case "final" -> Future.failedFuture(new BadRequest(409, "the case is closed; its number is no longer shown"));
                        case "missing" -> Future.failedFuture(notFound());
                        default -> Future.failedFuture(new BadRequest(403, "only the operator who claimed this case can reveal its number"));
                    });
        });
    }

    // ---------------------------------------------------------------- changes (audited)

    /** Takes the case for this operator; another operator's claim stands until released. */
    public Future<JsonObject> claim(String operator, String id) {
        if (!isId(id)) return Future.failedFuture(notFound());
        return redis.<String>eval(CLAIM, ScriptOutputType.VALUE, new String[] {key(id)}, operator, now())
                .compose(r -> switch (r) {
                    case "ok", "already" -> audit.record(operator, "claim", id);
                    case "missing" -> Future.failedFuture(notFound());
                    case "closed" -> Future.failedFuture(new BadRequest(409, "the case is closed; closed is final"));
                    default -> Future.failedFuture(new BadRequest(409, "the case is claimed by another operator"));
                })
                .compose(v -> redis.hgetall(key(id)))
                .map(h -> summary(id, h));
    }

    /** Gives the case back; only its claimer, or an admin ({@code admin} true), may. */
    public Future<JsonObject> release(String operator, String id, boolean admin) {
        if (!isId(id)) return Future.failedFuture(notFound());
        return redis.<String>eval(RELEASE, ScriptOutputType.VALUE, new String[] {key(id)}, operator, admin ? "1" : "0", now())
                .compose(r -> switch (r) {
                    case "ok" -> audit.record(operator, "release", id);
                    case "missing" -> Future.failedFuture(notFound());
                    case "unclaimed" -> Future.failedFuture(new BadRequest(409, "the case is not claimed"));
                    default -> Future.failedFuture(new BadRequest(403, "only the operator who claimed this case or an admin can release it"));
                })
                .compose(v -> redis.hgetall(key(id)))
                .map(h -> summary(id, h));
    }

    /** Moves the case forward, with an optional note, by the operator who claimed it. */
    public Future<JsonObject> transition(String operator, String id, String to, String note) {
        if (!isId(id)) return Future.failedFuture(notFound());
        if (!FROM.containsKey(to)) {
            return Future.failedFuture(new BadRequest("status must be one of contacted, referred, closed"));
        }
        String at = now();
        String noteJson;
        try {
            noteJson = note == null ? "" : noteJson(id, operator, note, at);
        } catch (BadRequest e) {
            return Future.failedFuture(e);
        }
        return redis.<List<Object>>eval(TRANSITION, ScriptOutputType.MULTI, new String[] {key(id), notesKey(id)},
                        operator, to, at, FROM.get(to), noteJson, Integer.toString(NOTES_MAX))
                .compose(r -> {
                    String outcome = (String) r.get(0);
                    String from = (String) r.get(1);
                    return switch (outcome) {
                        case "ok" -> Future.all(
                                        redis.zrem(statusKey(from), id),
                                        redis.zadd(statusKey(to), clock.millis(), id),
                                        redis.hincrby(STATS, to, 1))
                                .compose(v -> audit.record(operator, "status:" + to, id))
                                .onSuccess(v -> events.count(Metric.CASES_MOVED, to))
                                .compose(v -> note == null ? Future.succeededFuture() : audit.record(operator, "note", id));
                        case "missing" -> Future.failedFuture(notFound());
                        case "final" -> Future.failedFuture(new BadRequest(409, "the case is closed; closed is final"));
                        case "unclaimed" -> Future.failedFuture(new BadRequest(409, "claim the case before changing it"));
                        case "other" -> Future.failedFuture(new BadRequest(403, "the case is claimed by another operator"));
                        case "same" -> Future.failedFuture(new BadRequest(409, "the case is already " + to));
                        case "full" -> Future.failedFuture(new BadRequest(409, "the case has " + NOTES_MAX + " notes already"));
                        default -> Future.failedFuture(new BadRequest(409, "a case cannot move from " + from + " to " + to
                                + "; cases only move forward: new, contacted, referred, closed (any open case may close)"));
                    };
                })
                .compose(v -> redis.hgetall(key(id)))
                .map(h -> summary(id, h));
    }

    /** Adds a note (at most {@value #NOTE_MAX_CHARS} characters) by the operator who claimed the case. */
    public Future<Void> addNote(String operator, String id, String text) {
        if (!isId(id)) return Future.failedFuture(notFound());
        String json;
        try {
            json = noteJson(id, operator, text, now());
        } catch (BadRequest e) {
            return Future.failedFuture(e);
        }
        return redis.<String>eval(NOTE, ScriptOutputType.VALUE, new String[] {key(id), notesKey(id)},
                        operator, json, Integer.toString(NOTES_MAX), now())
                .compose(r -> switch (r) {
                    case "ok" -> audit.record(operator, "note", id);
                    case "missing" -> Future.failedFuture(notFound());
                    case "final" -> Future.failedFuture(new BadRequest(409, "the case is closed; closed is final"));
                    case "unclaimed" -> Future.failedFuture(new BadRequest(409, "claim the case before adding notes"));
                    case "other" -> Future.failedFuture(new BadRequest(403, "the case is claimed by another operator"));
                    default -> Future.failedFuture(new BadRequest(409, "the case has " + NOTES_MAX + " notes already"));
                });
    }

    // ---------------------------------------------------------------- retention and erasure

    /**
     * Drops the encrypted number of every closed case that still holds one (closed before closing
     * dropped it). Walks the closed index in pages; answers how many numbers were dropped. Run at start.
     */
    public Future<Integer> forgetClosedNumbers() {
        return forgetClosedFrom(0, 0);
    }

    private Future<Integer> forgetClosedFrom(long start, int done) {
        return redis.zrevrange(statusKey("closed"), start, start + PURGE_BATCH - 1).compose(ids -> {
            if (ids.isEmpty()) return Future.succeededFuture(done);
            List<Future<Long>> drops = ids.stream().map(id -> redis.hdel(key(id), "number")).toList();
            return Future.all(drops).compose(v -> {
                int n = done + (int) drops.stream().mapToLong(Future::result).sum();
                return ids.size() < PURGE_BATCH ? Future.succeededFuture(n) : forgetClosedFrom(start + PURGE_BATCH, n);
            });
        });
    }

    /** Deletes closed cases closed more than {@code retentionDays} ago (hash, notes, index entries). Answers how many. */
    public Future<Integer> purge(int retentionDays) {
        long cutoff = clock.millis() - Duration.ofDays(retentionDays).toMillis();
        return purgeFrom(cutoff, 0);
    }

    private Future<Integer> purgeFrom(long cutoff, int done) {
        return redis.zrangeByScore(statusKey("closed"), Double.NEGATIVE_INFINITY, cutoff, PURGE_BATCH).compose(ids -> {
            if (ids.isEmpty()) return Future.succeededFuture(done);
            List<Future<Boolean>> each = ids.stream().map(id -> redis.hgetall(key(id)).compose(h -> {
                if (!h.isEmpty() && !"closed".equals(h.get("status"))) {
                    return redis.zrem(statusKey("closed"), id).map(false); // a stale index entry only
                }
                return delete(id, h).compose(v -> audit.record(SYSTEM, "purge", id)).map(true);
            })).toList();
            return Future.all(each).compose(v -> {
                int n = (int) each.stream().filter(Future::result).count();
                Future<?> tally = n == 0 ? Future.succeededFuture() : redis.hincrby(STATS, "purged", n);
                return tally.compose(x -> ids.size() < PURGE_BATCH ? Future.succeededFuture(done + n) : purgeFrom(cutoff, done + n));
            });
        });
    }

    /**
     * Deletes open cases (new, contacted, referred) that nobody moved for {@code idleDays}: their
     * status index is scored by when they entered that status. Erased like an erasure (audited).
     */
    public Future<Integer> expireIdle(int idleDays) {
        double cutoff = clock.millis() - Duration.ofDays(idleDays).toMillis();
        List<Future<List<String>>> found = List.of("new", "contacted", "referred").stream()
                .map(st -> redis.zrangeByScore(statusKey(st), Double.NEGATIVE_INFINITY, cutoff, PURGE_BATCH)).toList();
        return Future.all(found).compose(all -> {
            List<String> ids = new ArrayList<>();
            found.forEach(f -> ids.addAll(f.result()));
            return ids.isEmpty() ? Future.succeededFuture(0) : erase(ids);
        });
    }

    public long schedulePurge(Vertx vertx, int retentionDays, Duration every) {
        return schedulePurge(vertx, retentionDays, Integer.MAX_VALUE / 2, every);
    }

    /**
     * Purges closed and idle cases, and trims the audit, now and then every {@code every}; answers the
     * timer id. Failures are logged, not thrown.
     */
    public long schedulePurge(Vertx vertx, int retentionDays, int idleDays, Duration every) {
        Runnable run = () -> repairIndexes()
                .onSuccess(n -> { if (n > 0) log.info("put {} case index entries right", n); })
                .recover(e -> Future.succeededFuture(0))
                .compose(r -> purge(retentionDays))
                .compose(n -> expireIdle(idleDays).map(m -> new int[] {n, m}))
                .compose(n -> audit.trim().map(t -> new long[] {n[0], n[1], t[0], t[1]}))
                .onSuccess(n -> {
                    if (n[0] > 0) log.info("purged {} closed cases older than {} days", n[0], retentionDays);
                    if (n[1] > 0) log.info("deleted {} cases idle for more than {} days", n[1], idleDays);
                    if (n[2] + n[3] > 0) log.info("dropped {} audit entries and {} hours of read counts older than {} days",
                            n[2], n[3], audit.retention().toDays());
                })
                .onFailure(e -> log.warn("case purge failed: {}", e.getClass().getName()));
        vertx.runOnContext(v -> run.run());
        return vertx.setPeriodic(every.toMillis(), t -> run.run());
    }

    /**
     * Deletes cases entirely, whatever their status (erasure): hash, notes, every index entry, and
     * their ids in the audit log become "erased". Answers how many cases existed.
     */
    public Future<Integer> erase(Collection<String> ids) {
        return erase(redis, audit, ids);
    }

    /** {@link #erase(Collection)} without a store (erasure needs no key to delete). */
    public static Future<Integer> erase(Redis redis, Audit audit, Collection<String> ids) {
        List<String> valid = ids.stream().filter(CaseStore::isId).distinct().toList();
        List<Future<Boolean>> each = valid.stream()
                .map(id -> redis.hgetall(key(id)).compose(h -> delete(redis, id, h).map(!h.isEmpty())))
                .toList();
        return Future.all(each).compose(v -> {
            int n = (int) each.stream().filter(Future::result).count();
            return audit.scrub(valid)
                    .compose(x -> n == 0 ? Future.succeededFuture() : redis.hincrby(STATS, "erased", n))
                    .map(n);
        });
    }

    private Future<Void> delete(String id, Map<String, String> h) {
        return delete(redis, id, h);
    }

    private static Future<Void> delete(Redis redis, String id, Map<String, String> h) {
        List<Future<?>> ops = new ArrayList<>();
        ops.add(redis.del(key(id), notesKey(id)));
        for (String s : STATUSES) ops.add(redis.zrem(statusKey(s), id));
        if (h.get("caller") != null) ops.add(redis.srem(callerKey(h.get("caller")), id));
        if (h.get("number_hash") != null) ops.add(redis.srem(callerKey(h.get("number_hash")), id));
        return Future.all(ops).mapEmpty();
    }

    // ---------------------------------------------------------------- metrics (anonymous)

    /** How many cases are in each status now: counts only. */
    public Future<Map<String, Long>> counts() {
        List<Future<Long>> f = STATUSES.stream().map(s -> redis.zcard(statusKey(s))).toList();
        return Future.all(f).map(v -> {
            Map<String, Long> m = new LinkedHashMap<>();
            for (int i = 0; i < STATUSES.size(); i++) m.put(STATUSES.get(i), f.get(i).result());
            return m;
        });
    }

    /** Cumulative anonymous tallies: opened, contacted, referred, closed, purged, erased. */
    public Future<Map<String, Long>> tallies() {
        return redis.hgetall(STATS).map(h -> {
            Map<String, Long> m = new LinkedHashMap<>();
            for (String k : List.of("opened", "contacted", "referred", "closed", "purged", "erased")) {
                m.put(k, Long.parseLong(h.getOrDefault(k, "0")));
            }
            return m;
        });
    }

    // ---------------------------------------------------------------- helpers

    /** The audit entry for a reveal: when it cannot be written, the reveal fails (503) and shows nothing. */
    private Future<Void> audited(String operator, String action, String id) {
        return audit.record(operator, action, id).recover(e -> Future.failedFuture(auditDown()));
    }

    /** A read counted in the audit: when it cannot be counted, the read fails (503) and shows nothing. */
    private Future<Void> counted(String operator, String action, String id) {
        return audit.count(operator, action, id).recover(e -> Future.failedFuture(auditDown()));
    }

    private static BadRequest auditDown() {
        return new BadRequest(503, "the audit log cannot be written just now, so nothing is shown; try again");
    }

    private Future<Map<String, String>> existing(String id) {
        if (!isId(id)) return Future.failedFuture(notFound());
        return redis.hgetall(key(id)).compose(h -> h.isEmpty() ? Future.failedFuture(notFound()) : Future.succeededFuture(h));
    }

    /** A note as stored: who and when in clear, what was said encrypted (it is about a possible victim). */
    private String noteJson(String id, String operator, String text, String at) {
        if (text == null || text.isBlank()) throw new BadRequest("note must not be empty");
        if (text.length() > NOTE_MAX_CHARS) throw new BadRequest("note must be at most " + NOTE_MAX_CHARS + " characters");
        return new JsonObject().put("at", at).put("operator", operator)
                .put("sealed", cipher.encrypt(text, noteContext(id))).encode();
    }

    /** The note as an operator reads it. */
    private JsonObject openNote(String id, String stored) {
        JsonObject n = new JsonObject(stored);
        String sealed = (String) n.remove("sealed");
        if (sealed != null) n.put("text", cipher.decrypt(sealed, noteContext(id)));
        return n;
    }

    private static String noteContext(String id) {
        return id + ":note";
    }

    /** What an operator sees of a case: never the caller hash, the number or its hash. */
    private static JsonObject summary(String id, Map<String, String> h) {
        JsonObject o = new JsonObject().put("id", id).put("status", h.get("status"))
                .put("created_at", h.get("created_at")).put("updated_at", h.get("updated_at"))
                .put("window", h.get("window")).put("leave_message", "true".equals(h.get("leave_message")))
                .put("lang", h.get("lang")).put("channel", h.get("channel"));
        for (String f : List.of("claimed_by", "claimed_at", "contacted_at", "referred_at", "closed_at")) {
            if (h.get(f) != null) o.put(f, h.get(f));
        }
        return o;
    }

    private static BadRequest notFound() {
        return new BadRequest(404, "no such case");
    }

    private String now() {
        return clock.instant().toString();
    }
}
