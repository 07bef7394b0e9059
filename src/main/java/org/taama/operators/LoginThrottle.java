package org.taama.operators;

import io.lettuce.core.ScriptOutputType;
import io.vertx.core.Future;
import org.taama.net.Cidr;
import org.taama.privacy.Digests;
import org.taama.redis.Redis;

import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;

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

    /** Counts the attempt; answers 0 when it may go on, else how many ms until it may. */
    private static final String ATTEMPT = """
            local u = redis.call('INCR', KEYS[1])
            if u == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
            local a = redis.call('INCR', KEYS[2])
            if a == 1 then redis.call('PEXPIRE', KEYS[2], ARGV[1]) end
            local wait = 0
            if u > tonumber(ARGV[2]) then wait = math.max(wait, redis.call('PTTL', KEYS[1])) end
            if a > tonumber(ARGV[3]) then wait = math.max(wait, redis.call('PTTL', KEYS[2])) end
            return wait
            """;

    /** A right password: the username starts again, the network gets this attempt back. */
    private static final String SUCCEEDED = """
            redis.call('DEL', KEYS[1])
            if redis.call('DECR', KEYS[2]) <= 0 then redis.call('DEL', KEYS[2]) end
            return 1
            """;

    private final Redis redis;

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

    /** Counts one attempt; answers 0 to go on and check the password, or the ms to wait. */
    Future<Long> count(Attempt a) {
        return redis.eval(ATTEMPT, ScriptOutputType.INTEGER, a.keys(),
                Long.toString(WINDOW.toMillis()), Integer.toString(PER_USERNAME), Integer.toString(PER_NETWORK));
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
