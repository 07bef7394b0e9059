package org.taama.console;

import io.lettuce.core.ScriptOutputType;
import io.vertx.core.Future;
import org.taama.operators.Accounts;
import org.taama.operators.Accounts.Operator;
import org.taama.privacy.Digests;
import org.taama.redis.Redis;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The console's sign-in sessions, in Redis so that any node serves any page.
 *
 * <p>A session id is 256 random bits, given to the browser once in its cookie and stored only as its
 * SHA-256: {@code taama:console:session:<hex>} — hash: user, csrf (the session's own CSRF token, also
 * 256 random bits), until (epoch ms). It ends after {@link #IDLE} without a request, and at the
 * latest {@link Accounts#TOKEN_TTL} after sign-in, like an API token.
 */
public final class Sessions {
    public static final Duration IDLE = Duration.ofMinutes(30);
    public static final Duration MAX = Accounts.TOKEN_TTL;
    /** What a session id looks like: 43 characters of URL-safe base64 (anything else is never looked up). */
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{43}");

    /** The session's user and CSRF token, its idle time restarted (never past its end); nil when ended. */
    private static final String TOUCH = """
            local h = redis.call('HMGET', KEYS[1], 'user', 'csrf', 'until')
            if not h[1] or not h[2] or not h[3] then return nil end
            local left = tonumber(h[3]) - tonumber(ARGV[1])
            if left <= 0 then
              redis.call('DEL', KEYS[1])
              return nil
            end
            redis.call('PEXPIRE', KEYS[1], math.min(tonumber(ARGV[2]), left))
            return {h[1], h[2]}
            """;

    /** The session written and its idle expiry set in one step, so no session outlives its time. */
    private static final String OPEN = """
            redis.call('HSET', KEYS[1], 'user', ARGV[1], 'csrf', ARGV[2], 'until', ARGV[3])
            redis.call('PEXPIRE', KEYS[1], ARGV[4])
            return 1
            """;

    private final Redis redis;
    private final Accounts accounts;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    public Sessions(Redis redis, Accounts accounts, Clock clock) {
        this.redis = redis;
        this.accounts = accounts;
        this.clock = clock;
    }

    /** A signed-in session: who, and the token its state-changing requests must carry. */
    public record Session(Operator operator, String csrf) {
        /** True when {@code given} is this session's CSRF token (compared in constant time). */
        public boolean allows(String given) {
            return given != null && MessageDigest.isEqual(csrf.getBytes(StandardCharsets.US_ASCII),
                    given.getBytes(StandardCharsets.UTF_8));
        }
    }

    static String key(String id) {
        return "taama:console:session:" + HexFormat.of().formatHex(Digests.sha256(id));
    }

    /** Opens a session for {@code username}; answers its id (for the cookie only: it is not kept). */
    public Future<String> open(String username) {
        String id = Accounts.secret(random);
        String csrf = Accounts.secret(random);
        long until = clock.millis() + MAX.toMillis();
        return redis.<Long>eval(OPEN, ScriptOutputType.INTEGER, new String[] {key(id)},
                username, csrf, Long.toString(until), Long.toString(IDLE.toMillis())).map(id);
    }

    /**
     * The session of this cookie value, its idle time restarted; null (not a failure) when there is
     * none: no cookie, a malformed one, an ended session, an account gone since.
     */
    public Future<Session> find(String id) {
        if (id == null || !ID.matcher(id).matches()) return Future.succeededFuture(null);
        return redis.<List<String>>eval(TOUCH, ScriptOutputType.MULTI, new String[] {key(id)},
                Long.toString(clock.millis()), Long.toString(IDLE.toMillis())).compose(h -> {
                    if (h == null || h.size() < 2 || h.get(0) == null) return Future.succeededFuture(null);
                    String user = h.get(0);
                    String csrf = h.get(1);
                    return accounts.role(user).map(role -> role == null ? null : new Session(new Operator(user, role), csrf));
                });
    }

    /** Ends the session of this cookie value (nothing when there is none). */
    public Future<Void> close(String id) {
        if (id == null || !ID.matcher(id).matches()) return Future.succeededFuture();
        return redis.del(key(id)).mapEmpty();
    }
}
