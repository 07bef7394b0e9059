package org.taama.operators;

import io.lettuce.core.ScriptOutputType;
import io.vertx.core.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.taama.cases.Audit;
import org.taama.config.Config;
import org.taama.privacy.Digests;
import org.taama.redis.Redis;
import org.taama.web.BadRequest;

import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Operator accounts and their API tokens.
 *
 * <p>Keys:
 * <ul>
 *   <li>{@code taama:operator:<username>} — hash: role, password ("pbkdf2$iterations$salt$hash",
 *       PBKDF2WithHmacSHA256, base64), created_at</li>
 *   <li>{@code taama:token:<sha256 of the token, hex>} — the username, expiring after {@link #TOKEN_TTL};
 *       the token itself is never stored</li>
 * </ul>
 * Hashing runs on its own small pool ({@link PasswordHashing}: it is slow on purpose), never on an event loop.
 */
public final class Accounts {
    private static final Logger log = LoggerFactory.getLogger(Accounts.class);

    public static final int ITERATIONS = 210_000;
    public static final int SALT_BYTES = 16;
    public static final int HASH_BYTES = 32;
    public static final int PASSWORD_MIN = 12;
    public static final int PASSWORD_MAX = 1024;
    public static final Duration TOKEN_TTL = Duration.ofHours(12);
    private static final Pattern USERNAME = Pattern.compile("[a-z0-9][a-z0-9._-]{2,63}");

    /**
     * Roles. A volunteer drafts awareness campaigns and submits them, and sees only their own; the
     * case and admin endpoints refuse them (403). Operators and admins review campaigns.
     */
    public enum Role {
        ADMIN, OPERATOR, VOLUNTEER;

        public String id() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        public static Role of(String id) {
            for (Role r : values()) if (r.id().equals(id)) return r;
            return null;
        }
    }

    /** A signed-in user. */
    public record Operator(String username, Role role) {}

    private static final String CREATE = """
            if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
            redis.call('HSET', KEYS[1], 'role', ARGV[1], 'password', ARGV[2], 'created_at', ARGV[3])
            return 1
            """;

    /**
     * Names that are not people: what the audit writes for the server itself, for sign-ins by no
     * account, for requests without a token, and for erased cases. Nobody may hold or sign in as one.
     */
    public static final Set<String> RESERVED = Set.of("system", "unknown", "anonymous", "erased");
    static final String UNKNOWN = "unknown";

    private final Redis redis;
    private final Clock clock;
    private final Audit audit;
    private final LoginThrottle throttle;
    private final PasswordHashing hashing;
    private final SecureRandom random = new SecureRandom();
    /** Verified against when the username is unknown, so that answer takes as long as a wrong password. */
    private volatile String decoy;

    public Accounts(Redis redis, Clock clock) {
        this(redis, clock, new Audit(redis, clock), new PasswordHashing(redis.vertx()));
    }

    public Accounts(Redis redis, Clock clock, Audit audit, PasswordHashing hashing) {
        this.redis = redis;
        this.clock = clock;
        this.audit = audit;
        this.throttle = new LoginThrottle(redis);
        this.hashing = hashing;
    }

    public static String key(String username) {
        return "taama:operator:" + username;
    }

    public static String tokenKey(String token) {
        return "taama:token:" + HexFormat.of().formatHex(Digests.sha256(token));
    }

    // ---------------------------------------------------------------- accounts

    /**
     * Creates the first admin from ADMIN_USERNAME / ADMIN_PASSWORD when that account is absent. Answers
     * true when it created it; false when unset or present (an existing password is never overwritten).
     */
    public Future<Boolean> ensureAdmin(Config config) {
        String user = config.adminUsername();
        String pass = config.adminPassword();
        if (user == null || pass == null) {
            log.warn("ADMIN_USERNAME and ADMIN_PASSWORD are not both set: no admin account is created");
            return Future.succeededFuture(false);
        }
        return create(user, pass, Role.ADMIN.id()).map(true).recover(e -> {
            if (e instanceof BadRequest b && b.status() == 409) return Future.succeededFuture(false);
            return Future.failedFuture(e instanceof BadRequest b
                    ? new IllegalArgumentException("ADMIN_USERNAME/ADMIN_PASSWORD: " + b.getMessage()) : e);
        });
    }

    /** Creates an account; 400 for a bad username, password or role, 409 when the username is taken. */
    public Future<Operator> create(String username, String password, String role) {
        return create("system", username, password, role);
    }

    /** As {@link #create(String, String, String)}, by {@code by} (audited: "operator:create", who and which role). */
    public Future<Operator> create(String by, String username, String password, String role) {
        Role r = Role.of(role);
        if (username == null || !USERNAME.matcher(username).matches()) {
            return Future.failedFuture(new BadRequest("username must be 3 to 64 of a-z, 0-9, '.', '_', '-', starting with a letter or digit"));
        }
        if (RESERVED.contains(username)) {
            return Future.failedFuture(new BadRequest("username " + username + " is reserved"));
        }
        if (password == null || password.length() < PASSWORD_MIN || password.length() > PASSWORD_MAX) {
            return Future.failedFuture(new BadRequest("password must be " + PASSWORD_MIN + " to " + PASSWORD_MAX + " characters"));
        }
        if (r == null) {
            return Future.failedFuture(new BadRequest("role must be admin, operator or volunteer"));
        }
        return hashing.run(() -> hash(password, ITERATIONS))
                .compose(stored -> redis.<Long>eval(CREATE, ScriptOutputType.INTEGER, new String[] {key(username)},
                        r.id(), stored, clock.instant().toString()))
                .compose(created -> created == 1L
                        ? audit.record(by, "operator:create", null, Map.of("subject", username, "role", r.id()))
                                .map(new Operator(username, r))
                        : Future.failedFuture(new BadRequest(409, "username is taken")));
    }

    /**
     * Every account, by username: role and when it was made (never its password hash). Walked with
     * SCAN, so it costs Redis nothing blocking; accounts are a team's, a few hundred at most.
     */
    public Future<java.util.List<io.vertx.core.json.JsonObject>> list() {
        String prefix = key("");
        return redis.scan(prefix + "*").compose(keys -> {
            java.util.List<String> names = keys.stream().map(k -> k.substring(prefix.length()))
                    .filter(n -> USERNAME.matcher(n).matches()).sorted().toList();
            java.util.List<Future<java.util.List<String>>> reads = names.stream()
                    .map(n -> redis.hmget(key(n), "role", "created_at")).toList();
            return Future.all(reads).map(all -> {
                java.util.List<io.vertx.core.json.JsonObject> out = new java.util.ArrayList<>();
                for (int i = 0; i < names.size(); i++) {
                    java.util.List<String> v = reads.get(i).result();
                    if (v == null || Role.of(v.get(0)) == null) continue; // gone meanwhile, or not an account
                    out.add(new io.vertx.core.json.JsonObject().put("username", names.get(i)).put("role", v.get(0))
                            .put("created_at", v.get(1)));
                }
                return out;
            });
        });
    }

    // ---------------------------------------------------------------- tokens

    /**
     * A new token for a right username and password (401 otherwise, as slowly for an unknown user),
     * with the attempt counted first against the username and the sender's network
     * ({@link LoginThrottle}); past the limit the answer is 429 and the password is not checked. When
     * the hashing pool is full the answer is 503 at once, and that attempt is not counted. Every
     * attempt is audited: a known account's sign-ins and wrong passwords in the trail with the network
     * they came from; attempts for names that are no account, throttled and refused-busy ones, counted
     * per hour (an attacker's volume must not bloat the trail).
     */
    public Future<String> login(String username, String password, String address) {
        return login(username, password, address, "api", this::issueToken);
    }

    /**
     * What a right password is given: an API token, or a console session ({@code via} says which in
     * the audit). Answers what it was given, for the caller to hand back.
     */
    @FunctionalInterface
    public interface Issuer {
        Future<String> issue(String username);
    }

    /**
     * As {@link #login(String, String, String)}, with the same counting, throttling and audit, but a
     * right password gets what {@code issuer} makes for the username (the console's session), and the
     * audit entry "login" says {@code via} ("api", "console").
     */
    public Future<String> login(String username, String password, String address, String via, Issuer issuer) {
        if (username == null || password == null || username.length() > 64 || password.length() > PASSWORD_MAX) {
            // No account has such a name or password: refused unchecked, and counted like any stranger's try.
            return audit.count(UNKNOWN, "login:failed", null).transform(x -> Future.failedFuture(unauthorized()));
        }
        LoginThrottle.Attempt attempt = LoginThrottle.attempt(username, address);
        LoginThrottle.Wait held = throttle.heldBack(attempt);
        PasswordHashing.Place place = held == null ? hashing.reserve() : null;
        if (held == null && place == null) {
            // The pool is full: refused before the attempt is counted, so it costs the username nothing.
            return redis.hgetall(key(username)).compose(h -> audit.count(auditName(username, h), "login:busy", null))
                    .transform(x -> Future.failedFuture(PasswordHashing.busy()));
        }
        if (place == null) return checkHeld(username, held);
        return counted(username, password, attempt, via, issuer).onComplete(x -> place.release());
    }

    private Future<String> checkHeld(String username, LoginThrottle.Wait held) {
        // Already past a limit as this node knows: refused without counting it in Redis again.
        Future<String> who = held.who() != null ? Future.succeededFuture(held.who())
                : redis.hgetall(key(username)).map(h -> auditName(username, h));
        return who.compose(w -> throttled(w, held.millis()));
    }

    /** A sign-in with its place in the hashing pool: counted, then checked. */
    private Future<String> counted(String username, String password, LoginThrottle.Attempt attempt, String via, Issuer issuer) {
        Future<Map<String, String>> account = redis.hgetall(key(username));
        Future<Long> wait = account.compose(h -> throttle.count(attempt, auditName(username, h)));
        return wait.compose(waitMs -> {
            Map<String, String> h = account.result();
            String stored = h.get("password");
            String who = auditName(username, h);
            boolean known = !UNKNOWN.equals(who);
            if (waitMs > 0) return throttled(who, waitMs);
            return hashing.verify(password, known ? () -> stored : this::decoy).recover(busy ->
                    // Not checked (the pool was full): the attempt is given back, the refusal stands.
                    throttle.unchecked(attempt).transform(x -> audit.count(who, "login:busy", null))
                            .transform(x -> Future.failedFuture(busy))).compose(ok -> {
                if (!ok || !known) {
                    Future<Void> noted = known
                            ? audit.record(who, "login:failed", null, Map.of("from", attempt.network()))
                            : audit.count(who, "login:failed", null);
                    return noted.transform(x -> Future.failedFuture(unauthorized()));
                }
                return issuer.issue(username).compose(issued -> throttle.succeeded(attempt)
                        .compose(v -> audit.record(username, "login", null, Map.of("from", attempt.network(), "via", via)))
                        .map(issued));
            });
        });
    }

    /** How the audit names whoever tried to sign in as {@code username}: the name of an account, else "unknown". */
    private static String auditName(String username, Map<String, String> account) {
        boolean known = account.get("password") != null && Role.of(account.get("role")) != null && !RESERVED.contains(username);
        return known ? username : UNKNOWN;
    }

    private Future<String> throttled(String who, long waitMs) {
        long seconds = Math.max(1, (waitMs + 999) / 1000);
        return audit.count(who, "login:throttled", null).transform(x -> Future.failedFuture(new BadRequest(429,
                "too many sign-in attempts; try again in " + Math.max(1, (seconds + 59) / 60) + " minutes", seconds)));
    }

    private Future<String> issueToken(String username) {
        String token = secret(random);
        return redis.setex(tokenKey(token), username, TOKEN_TTL).map(token);
    }

    /** 256 random bits, URL-safe base64 without padding (43 characters): tokens, session ids. */
    public static String secret(SecureRandom random) {
        byte[] b = new byte[32];
        random.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /** The role of an account, or null when it is gone (or holds no known role). */
    public Future<Role> role(String username) {
        return redis.hget(key(username), "role").map(Role::of);
    }

    /** Who holds this token; 401 when it is unknown, expired or its account is gone. */
    public Future<Operator> authenticate(String token) {
        if (token == null || token.isEmpty() || token.length() > 128) return Future.failedFuture(unauthorized());
        return redis.get(tokenKey(token)).compose(user -> user == null
                ? Future.failedFuture(unauthorized())
                : redis.hget(key(user), "role").compose(role -> Role.of(role) == null
                        ? Future.failedFuture(unauthorized())
                        : Future.succeededFuture(new Operator(user, Role.of(role)))));
    }

    /** Ends a token's session; audited for {@code who} (its holder). */
    public Future<Void> logout(String who, String token) {
        if (token == null || token.length() > 128) return Future.succeededFuture();
        return redis.del(tokenKey(token)).compose(n -> audit.record(who, "logout", null));
    }

    /** How many passwords were checked since start. */
    public long passwordChecks() {
        return hashing.checks();
    }

    public static BadRequest unauthorized() {
        return new BadRequest(401, "wrong username or password, or a missing or expired token");
    }

    // ---------------------------------------------------------------- password hashing

    /** "pbkdf2$iterations$salt$hash" with a fresh random salt. Slow: never call on an event loop. */
    public static String hash(String password, int iterations) {
        byte[] salt = new byte[SALT_BYTES];
        new SecureRandom().nextBytes(salt);
        Base64.Encoder b64 = Base64.getEncoder();
        return "pbkdf2$" + iterations + "$" + b64.encodeToString(salt) + "$"
                + b64.encodeToString(pbkdf2(password, salt, iterations, HASH_BYTES));
    }

    /** Constant-time comparison against a stored "pbkdf2$…" value; false for anything malformed. */
    public static boolean verify(String password, String stored) {
        String[] p = stored == null ? new String[0] : stored.split("\\$");
        if (p.length != 4 || !p[0].equals("pbkdf2")) return false;
        try {
            int iterations = Integer.parseInt(p[1]);
            if (iterations < 1 || iterations > 10_000_000) return false;
            byte[] salt = Base64.getDecoder().decode(p[2]);
            byte[] expected = Base64.getDecoder().decode(p[3]);
            if (expected.length == 0) return false;
            return MessageDigest.isEqual(expected, pbkdf2(password, salt, iterations, expected.length));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static byte[] pbkdf2(String password, byte[] salt, int iterations, int bytes) {
        PBEKeySpec spec = new PBEKeySpec(password.toCharArray(), salt, iterations, bytes * 8);
        try {
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA256 is missing from this JVM", e);
        } finally {
            spec.clearPassword();
        }
    }

    /** Made once, on the hashing pool, the first time an unknown username tries to log in. */
    private String decoy() {
        String d = decoy;
        if (d == null) {
            synchronized (this) {
                if (decoy == null) decoy = hash("decoy-" + random.nextLong(), ITERATIONS);
                d = decoy;
            }
        }
        return d;
    }
}
