package org.taama.operators;

import io.lettuce.core.ScriptOutputType;
import io.vertx.core.Future;
import org.taama.net.Cidr;
import org.taama.privacy.Digests;
import org.taama.redis.Redis;

import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * How many sign-in attempts a username and a network may make: {@value #PER_USERNAME} per username
 * from anywhere, {@value #PER_NETWORK} per network (an IPv4 address, or an IPv6 /64: one home or
 * phone holds a whole /64), in a window of {@link #WINDOW}.
 *
 * <p>An attempt is counted <em>before</em> its password is checked, in one script, so concurrent
 * guesses cannot all slip in while the first ones are still being hashed: of 60 sent together, at
 * most ten reach the password check. A right password gives its attempt back (the username's count
 * starts again; the network's loses one), so an office behind one address is held back only by its
 * wrong passwords.
 *
 * <p>Keys {@code taama:{login}:user:<digest>} and {@code taama:{login}:net:<digest>} (SHA-256 of the
 * name or network, cut to 128 bits; the name itself is never stored), expiring with their window.
 */
public final class LoginThrottle {
    public static final int PER_USERNAME = 10;
    public static final int PER_NETWORK = 20;
    public static final Duration WINDOW = Duration.ofMinutes(15);

    /** Counts the attempt; answers {ms the username must wait, ms the network must wait} (0: may go on). */
    private static final String ATTEMPT = """
            local u = redis.call('INCR', KEYS[1])
            if u == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
            local a = redis.call('INCR', KEYS[2])
            if a == 1 then redis.call('PEXPIRE', KEYS[2], ARGV[1]) end
            local uw, aw = 0, 0
            if u > tonumber(ARGV[2]) then uw = redis.call('PTTL', KEYS[1]) end
            if a > tonumber(ARGV[3]) then aw = redis.call('PTTL', KEYS[2]) end
            return {uw, aw}
            """;

    /** A right password: the username starts again, the network gets this attempt back. */
    private static final String SUCCEEDED = """
            redis.call('DEL', KEYS[1])
            if redis.call('DECR', KEYS[2]) <= 0 then redis.call('DEL', KEYS[2]) end
            return 1
            """;

    /** At most this many held-back keys are remembered on one node (beyond, Redis is asked each time). */
    static final int REMEMBERED_MAX = 10_000;

    /** An attempt whose password was never checked (the hashing pool was full) is given back to both. */
    private static final String UNCHECKED = """
            for i = 1, 2 do
              if redis.call('DECR', KEYS[i]) <= 0 then redis.call('DEL', KEYS[i]) end
            end
            return 1
            """;

    private final Redis redis;
    /**
     * Keys this node saw past their limit, and until when (epoch ms): a limit only ends when its
     * window does, so until then an attempt on them is refused here without asking Redis again. A
     * flood on a held-back name or network then costs one audit count a try, not three round trips.
     */
    private final java.util.concurrent.ConcurrentHashMap<String, Held> held = new java.util.concurrent.ConcurrentHashMap<>();

    /** A key held back until {@code until}; {@code who} is how the audit names the username (null for a network). */
    record Held(long until, String who) {}

    /** How long an attempt must wait (ms), and how the audit names the username when it is the one held (else null). */
    record Wait(long millis, String who) {}

    public LoginThrottle(Redis redis) {
        this.redis = redis;
    }

    /** The keys of one attempt: the username's and the network's. */
    record Attempt(String userKey, String networkKey, String network) {
        String[] keys() {
            return new String[] {userKey, networkKey};
        }
    }

    static Attempt attempt(String username, String address) {
        String network = network(address);
        return new Attempt("taama:{login}:user:" + digest(username), "taama:{login}:net:" + digest(network), network);
    }

    /**
     * What this node already knows holds the attempt back: the longest wait, and how the audit names
     * the username if it is the username that is held; null when Redis must be asked.
     */
    Wait heldBack(Attempt a) {
        long now = System.currentTimeMillis();
        Held user = live(a.userKey(), now);
        Held net = live(a.networkKey(), now);
        if (user == null && net == null) return null;
        long until = Math.max(user == null ? 0 : user.until(), net == null ? 0 : net.until());
        return new Wait(until - now, user == null ? null : user.who());
    }

    private Held live(String key, long now) {
        Held h = held.get(key);
        if (h == null) return null;
        if (h.until() > now) return h;
        held.remove(key, h);
        return null;
    }

    /**
     * Counts one attempt; answers 0 to go on and check the password, or the ms to wait. A key past
     * its limit is remembered on this node until its window ends, the username's with {@code who}.
     */
    Future<Long> count(Attempt a, String who) {
        return redis.<List<Long>>eval(ATTEMPT, ScriptOutputType.MULTI, a.keys(),
                Long.toString(WINDOW.toMillis()), Integer.toString(PER_USERNAME), Integer.toString(PER_NETWORK)).map(w -> {
                    long now = System.currentTimeMillis();
                    if (w.get(0) > 0) remember(a.userKey(), new Held(now + w.get(0), who));
                    if (w.get(1) > 0) remember(a.networkKey(), new Held(now + w.get(1), null));
                    return Math.max(w.get(0), w.get(1));
                });
    }

    private void remember(String key, Held h) {
        if (held.size() >= REMEMBERED_MAX) held.values().removeIf(x -> x.until() <= System.currentTimeMillis());
        if (held.size() < REMEMBERED_MAX) held.put(key, h);
    }

    /** The attempt never reached its password check: it counts against neither. */
    Future<Void> unchecked(Attempt a) {
        return redis.<Long>eval(UNCHECKED, ScriptOutputType.INTEGER, a.keys()).mapEmpty();
    }

    Future<Void> succeeded(Attempt a) {
        return redis.<Long>eval(SUCCEEDED, ScriptOutputType.INTEGER, a.keys()).mapEmpty();
    }

    /**
     * What one sender is counted as: an IPv4 address as it is, an IPv6 address as its /64
     * ("2001:db8:1:2::/64"); an IPv4-mapped IPv6 address as the IPv4 one. Anything that is not an
     * address literal (never looked up in DNS) is "unknown", and all unknowns share one count.
     */
    public static String network(String address) {
        byte[] ip = Cidr.address(address);
        if (ip == null) return "unknown";
        if (ip.length == 4) return Cidr.format(ip);
        byte[] prefix = Arrays.copyOf(ip, 16);
        Arrays.fill(prefix, 8, 16, (byte) 0);
        String[] groups = Cidr.format(prefix).split(":");
        return String.join(":", Arrays.copyOf(groups, 4)) + "::/64";
    }

    private static String digest(String s) {
        return HexFormat.of().formatHex(Digests.sha256(s), 0, 16);
    }
}
