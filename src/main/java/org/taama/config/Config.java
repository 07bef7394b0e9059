package org.taama.config;

import org.taama.net.Cidr;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every setting of the server, read from the environment in this one place, each with the default a
 * developer wants on a laptop. README.md lists them. Immutable; {@link #with} gives a changed copy.
 */
public final class Config {
    /**
     * Every variable this class reads, and nothing else: reading one not listed here throws, and a
     * test holds this list against the code and against infra/ (compose, ConfigMap, Secret).
     */
    public static final List<String> VARIABLES = List.of(
            "ADMIN_PASSWORD",
            "ADMIN_USERNAME",
            "AUDIT_RETENTION_DAYS",
            "BM_GSM_PALATAL",
            "CALLBACK_ALLOWED_COUNTRIES",
            "CASE_IDLE_DAYS",
            "CASE_RETENTION_DAYS",
            "CHAT_SESSION_TTL_SECONDS",
            "DATA_DIR",
            "DEFAULT_LANG",
            "ENCRYPTION_KEY",
            "FLOWS_DIR",
            "HASH_KEY",
            "HTTP_HEADER_TIMEOUT_MS",
            "HTTP_HOST",
            "HTTP_IDLE_TIMEOUT_MS",
            "INSTANCE_ID",
            "LANG_TTL_DAYS",
            "LOCALES_DIR",
            "PORT",
            "PUBLIC_BASE_URL",
            "QUIET_HOURS",
            "QUIZ_CODE_DAYS",
            "QUIZ_RESULTS_DAYS",
            "REDIS_CLUSTER",
            "REDIS_TIMEOUT_MS",
            "REDIS_URL",
            "REDIS_WAIT_REPLICAS",
            "SENDER_BURST",
            "SENDER_RATE",
            "SENDER_THREADS",
            "SEND_ATTEMPTS",
            "SEND_CLAIM_IDLE",
            "SEND_VALIDITY_SECONDS",
            "SESSION_TTL_SECONDS",
            "SMS_ALLOWED_COUNTRIES",
            "SMS_GSM_SAFE",
            "SMS_PER_NUMBER_PER_DAY",
            "STATS_FLUSH_MS",
            "TRUSTED_PROXIES",
            "TWILIO_ACCOUNT_SID",
            "TWILIO_API_URL",
            "TWILIO_AUTH_TOKEN",
            "TWILIO_SMS_FROM",
            "TWILIO_WHATSAPP_FROM",
            "USSD_ALLOWED_IPS",
            "USSD_CALLBACK_TOKEN",
            "USSD_GSM_SAFE",
            "USSD_SERVICE_CODES",
            "VERTICLES",
            "WHATSAPP_TEMPLATE_SID");

    private final Map<String, String> env;
    /** The names read so far, for the test that keeps {@link #VARIABLES} honest. */
    private final Set<String> read = ConcurrentHashMap.newKeySet();

    private final int port;
    private final String httpHost;
    private final String redisUrl;
    private final boolean redisCluster;
    private final int redisWaitReplicas;
    private final Duration redisTimeout;
    private final Path dataDir;
    private final String publicBaseUrl;
    private final String hashKey;
    private final String encryptionKey;
    private final Duration sessionTtl;
    private final Duration chatSessionTtl;
    private final Duration languageTtl;
    private final String defaultLang;
    private final boolean ussdGsmSafe;
    private final boolean smsGsmSafe;
    private final String bmPalatal;
    private final Path flowsDir;
    private final Path localesDir;
    private final int verticles;
    private final String twilioAccountSid;
    private final String twilioAuthToken;
    private final String twilioApiUrl;
    private final String twilioSmsFrom;
    private final String twilioWhatsappFrom;
    private final String whatsappTemplateSid;
    private final int senderThreads;
    private final int sendAttempts;
    private final Duration sendClaimIdle;
    private final Duration sendValidity;
    private final int senderRate;
    private final int senderBurst;
    private final List<Cidr> trustedProxies;
    private final String ussdCallbackToken;
    private final Duration httpIdleTimeout;
    private final Duration httpHeaderTimeout;
    private final List<Cidr> ussdAllowedIps;
    private final List<String> ussdServiceCodes;
    private final QuietHours quietHours;

    private Config(Map<String, String> env) {
        this.env = Collections.unmodifiableMap(new HashMap<>(env));
        this.sessionTtl = Duration.ofSeconds(integer("SESSION_TTL_SECONDS", 300));
        if (sessionTtl.toSeconds() < 180) {
            // A USSD session lives up to 180 s at the operator; state must outlive it.
            throw new IllegalArgumentException("SESSION_TTL_SECONDS must be at least 180");
        }
        this.port = integer("PORT", 8080);
        this.httpHost = text("HTTP_HOST", "0.0.0.0");
        this.redisUrl = text("REDIS_URL", null);
        this.redisCluster = bool("REDIS_CLUSTER", false);
        this.redisTimeout = Duration.ofMillis(integer("REDIS_TIMEOUT_MS", 1000));
        this.redisWaitReplicas = integer("REDIS_WAIT_REPLICAS", 0);
        if (redisWaitReplicas < 0) throw new IllegalArgumentException("REDIS_WAIT_REPLICAS must be 0 or more");
        this.dataDir = Path.of(text("DATA_DIR", "data"));
        this.publicBaseUrl = stripSlash(text("PUBLIC_BASE_URL", "http://localhost:8080"));
        this.hashKey = text("HASH_KEY", null);
        this.encryptionKey = text("ENCRYPTION_KEY", null);
        this.chatSessionTtl = Duration.ofSeconds(integer("CHAT_SESSION_TTL_SECONDS", 86400));
        this.languageTtl = Duration.ofDays(integer("LANG_TTL_DAYS", 365));
        this.defaultLang = text("DEFAULT_LANG", "fr");
        // The languages the content is written in (Locales.LANGUAGES); "en" has no texts at all.
        if (!List.of("fr", "bm").contains(defaultLang)) {
            throw new IllegalArgumentException("DEFAULT_LANG must be fr or bm, not '" + defaultLang + "'");
        }
        this.ussdGsmSafe = bool("USSD_GSM_SAFE", true);
        this.smsGsmSafe = bool("SMS_GSM_SAFE", true);
        this.bmPalatal = text("BM_GSM_PALATAL", "ny");
        if (!List.of("ny", "ñ", "enye").contains(bmPalatal)) {
            throw new IllegalArgumentException("BM_GSM_PALATAL must be ny or ñ, not '" + bmPalatal + "'");
        }
        this.flowsDir = Path.of(text("FLOWS_DIR", "flows"));
        this.localesDir = Path.of(text("LOCALES_DIR", "locales"));
        this.verticles = integer("VERTICLES", Runtime.getRuntime().availableProcessors());
        this.twilioAccountSid = text("TWILIO_ACCOUNT_SID", "AC00000000000000000000000000000000");
        this.twilioAuthToken = text("TWILIO_AUTH_TOKEN", null);
        this.twilioApiUrl = text("TWILIO_API_URL", null);
        this.twilioSmsFrom = text("TWILIO_SMS_FROM", null);
        this.twilioWhatsappFrom = text("TWILIO_WHATSAPP_FROM", null);
        this.whatsappTemplateSid = text("WHATSAPP_TEMPLATE_SID", null);
        this.senderThreads = integer("SENDER_THREADS", 4);
        this.sendAttempts = integer("SEND_ATTEMPTS", 3);
        if (sendAttempts < 1 || sendAttempts > 20) throw new IllegalArgumentException("SEND_ATTEMPTS must be 1 to 20");
        this.sendClaimIdle = Duration.ofSeconds(integer("SEND_CLAIM_IDLE", 30));
        if (sendClaimIdle.toSeconds() < 1 || sendClaimIdle.toSeconds() > 3600) {
            throw new IllegalArgumentException("SEND_CLAIM_IDLE must be 1 to 3600 seconds");
        }
        // Twilio's ValidityPeriod is 1 to 36,000 s (error 90007 beyond); 4 hours was its own default once.
        this.sendValidity = Duration.ofSeconds(integer("SEND_VALIDITY_SECONDS", 14_400));
        if (sendValidity.toSeconds() < 1 || sendValidity.toSeconds() > 36_000) {
            throw new IllegalArgumentException("SEND_VALIDITY_SECONDS must be 1 to 36000 (Twilio keeps a message at most 10 hours)");
        }
        // Read here, not when a campaign first sends: a bad pace is refused at start.
        this.senderRate = integer("SENDER_RATE", 10);
        if (senderRate < 1 || senderRate > 10_000) {
            throw new IllegalArgumentException("SENDER_RATE must be 1 to 10000 segments a second");
        }
        this.senderBurst = integer("SENDER_BURST", senderRate);
        if (senderBurst < 1 || senderBurst > 100_000) {
            throw new IllegalArgumentException("SENDER_BURST must be 1 to 100000 segments");
        }
        this.trustedProxies = networks("TRUSTED_PROXIES");
        this.ussdCallbackToken = callbackToken();
        this.httpIdleTimeout = Duration.ofMillis(atLeast("HTTP_IDLE_TIMEOUT_MS", 60_000, 100));
        this.httpHeaderTimeout = Duration.ofMillis(atLeast("HTTP_HEADER_TIMEOUT_MS", 10_000, 100));
        this.ussdAllowedIps = networks("USSD_ALLOWED_IPS");
        this.ussdServiceCodes = serviceCodes();
        this.quietHours = QuietHours.parse(text("QUIET_HOURS", QuietHours.DEFAULT));
    }

    public static Config fromEnv() {
        return from(System.getenv());
    }

    public static Config from(Map<String, String> env) {
        return new Config(env);
    }

    /** A copy with one variable set. */
    public Config with(String name, String value) {
        Map<String, String> m = new HashMap<>(env);
        m.put(name, value);
        return new Config(m);
    }

    public Config withRedisUrl(String url) {
        return with("REDIS_URL", url);
    }

    public Config withPort(int p) {
        return with("PORT", Integer.toString(p));
    }

    public Config withSecrets(String hash, String encryption) {
        return with("HASH_KEY", hash).with("ENCRYPTION_KEY", encryption);
    }

    /** True when the server starts its own Redis (development and tests). */
    public boolean embeddedRedis() {
        return redisUrl == null;
    }

    public int port() { return port; }
    /** The address the HTTP server listens on (HTTP_HOST, default 0.0.0.0: every interface; 127.0.0.1: this machine only). */
    public String httpHost() { return httpHost; }
    public String redisUrl() { return redisUrl; }
    public boolean redisCluster() { return redisCluster; }
    /** Replicas that must hold a consent change before the caller is told (0: do not wait; not on a Cluster). */
    public int redisWaitReplicas() { return redisWaitReplicas; }
    public Duration redisTimeout() { return redisTimeout; }
    public Path dataDir() { return dataDir; }
    /** The base URL Twilio and gateways call, without a trailing slash; webhook signatures are checked against it. */
    public String publicBaseUrl() { return publicBaseUrl; }
    public String hashKey() { return hashKey; }
    public String encryptionKey() { return encryptionKey; }
    public Duration sessionTtl() { return sessionTtl; }
    public Duration chatSessionTtl() { return chatSessionTtl; }
    public Duration languageTtl() { return languageTtl; }
    public String defaultLang() { return defaultLang; }
    public boolean ussdGsmSafe() { return ussdGsmSafe; }
    public boolean smsGsmSafe() { return smsGsmSafe; }
    public String bmPalatal() { return bmPalatal; }
    public Path flowsDir() { return flowsDir; }
    public Path localesDir() { return localesDir; }
    public int verticles() { return verticles; }
    public String twilioAccountSid() { return twilioAccountSid; }
    /** Signs Twilio's webhooks and authenticates our REST calls; without it Twilio routes answer 403. */
    public String twilioAuthToken() { return twilioAuthToken; }
    /** Another base URL for Twilio's REST API (a test server); null means Twilio itself. */
    public String twilioApiUrl() { return twilioApiUrl; }
    public String twilioSmsFrom() { return twilioSmsFrom; }
    public String twilioWhatsappFrom() { return twilioWhatsappFrom; }
    public String whatsappTemplateSid() { return whatsappTemplateSid; }
    public int senderThreads() { return senderThreads; }

    /** How many times a campaign message is tried on a rate limit, 5xx or time-out before it counts as failed (SEND_ATTEMPTS). */
    public int sendAttempts() { return sendAttempts; }
    /**
     * How long a campaign message may sit taken by a node and unfinished before another node takes it
     * over (SEND_CLAIM_IDLE, seconds, default 30): what a dead node's messages wait. Shorter finishes a
     * dead node's share sooner; it must stay above a live node's slowest send, or a slow Twilio answer
     * is taken over (never sent twice: the marker says it was taken).
     */
    public Duration sendClaimIdle() { return sendClaimIdle; }
    /**
     * How long after it was queued a campaign message may still go (SEND_VALIDITY_SECONDS, default
     * 14400): Twilio gets what is left of it as ValidityPeriod, an older one is skipped, and a campaign
     * that would take longer at SENDER_RATE is not approved.
     */
    public Duration sendValidity() { return sendValidity; }
    /**
     * Our own reverse proxies (TRUSTED_PROXIES, CIDR list, default none): the only peers whose
     * X-Forwarded-For is believed, on every route.
     */
    public List<Cidr> trustedProxies() { return trustedProxies; }
    /**
     * The secret last path segment of the USSD callback (USSD_CALLBACK_TOKEN): set, the gateway posts to
     * {@code /ussd/<gateway>/<token>} and every other path answers 404. Null when unset. Never printed.
     */
    public String ussdCallbackToken() { return ussdCallbackToken; }
    /** A connection that sends and receives nothing for this long is closed (HTTP_IDLE_TIMEOUT_MS, 60 s). */
    public Duration httpIdleTimeout() { return httpIdleTimeout; }
    /**
     * A connection must finish sending a request's headers this soon after it opens or after the last
     * response (HTTP_HEADER_TIMEOUT_MS, 10 s), or it is closed: a slow-header client would hold it for ever.
     */
    public Duration httpHeaderTimeout() { return httpHeaderTimeout; }
    /** The gateway's addresses (USSD_ALLOWED_IPS, CIDR list): callbacks from elsewhere get 403. Empty: anyone. */
    public List<Cidr> ussdAllowedIps() { return ussdAllowedIps; }
    /**
     * Our USSD codes (USSD_SERVICE_CODES, e.g. {@code *123#,*384*55#}) in the form {@link #ussdServiceCode}
     * gives; a callback for another code is refused. Empty: any code.
     */
    public List<String> ussdServiceCodes() { return ussdServiceCodes; }

    /**
     * A service code as compared: {@code *123#}, {@code 123}, {@code *123%23} (encoded once more by a
     * gateway) and {@code  *123# } are all {@code 123}; null when it is not digits and stars.
     */
    public static String ussdServiceCode(String code) {
        if (code == null) return null;
        String s = code.strip();
        if (s.indexOf('%') >= 0) {
            try {
                s = java.net.URLDecoder.decode(s, java.nio.charset.StandardCharsets.UTF_8).strip();
            } catch (IllegalArgumentException e) {
                return null;
            }
        }
        if (s.startsWith("*")) s = s.substring(1);
        if (s.endsWith("#")) s = s.substring(0, s.length() - 1);
        return s.length() <= 32 && s.matches("[0-9]+(\\*[0-9]+)*") ? s : null;
    }
    /**
     * The settings callers read about ("Vos données"), by the name texts write them with:
     * {@code {lang_days}}, {@code {session_minutes}} and {@code {chat_hours}} (rounded up, so a caller is
     * never told less than is kept), {@code {case_days}}, {@code {case_idle_days}}.
     */
    public Map<String, String> textValues() {
        Map<String, String> v = new java.util.LinkedHashMap<>();
        v.put("lang_days", Long.toString(languageTtl.toDays()));
        v.put("session_minutes", Long.toString(ceilDiv(sessionTtl.toSeconds(), 60)));
        v.put("chat_hours", Long.toString(ceilDiv(chatSessionTtl.toSeconds(), 3600)));
        v.put("case_days", Integer.toString(caseRetentionDays()));
        v.put("case_idle_days", Integer.toString(caseIdleDays()));
        return java.util.Collections.unmodifiableMap(v);
    }

    private static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }

    /**
     * How often a node writes what it counted for the dashboard (STATS_FLUSH_MS, default 500, 50 to
     * 1000): one Redis script and one pub/sub notice per interval whatever the traffic, and the
     * dashboard moves within about this much of an event.
     */
    public java.time.Duration statsFlush() {
        int ms = integer("STATS_FLUSH_MS", 500);
        if (ms < 50 || ms > 1000) throw new IllegalArgumentException("STATS_FLUSH_MS must be 50 to 1000");
        return java.time.Duration.ofMillis(ms);
    }

    /**
     * This node's name in /metrics (tag {@code instance}) (INSTANCE_ID, default the host name): 1 to
     * 64 letters, digits, '.', '_' or '-', so a tag never carries anything else.
     */
    public String instanceId() {
        String v = text("INSTANCE_ID", null);
        if (v == null) {
            try {
                v = java.net.InetAddress.getLocalHost().getHostName();
            } catch (java.io.IOException e) {
                v = "unknown";
            }
            return v.matches("[A-Za-z0-9._-]{1,64}") ? v : "unknown";
        }
        if (!v.matches("[A-Za-z0-9._-]{1,64}")) {
            throw new IllegalArgumentException("INSTANCE_ID must be 1 to 64 letters, digits, '.', '_' or '-'");
        }
        return v;
    }
    /** Closed call-back cases older than this many days are purged (CASE_RETENTION_DAYS, default 90, at least 1). */
    public int caseRetentionDays() {
        int days = integer("CASE_RETENTION_DAYS", 90);
        if (days < 1) throw new IllegalArgumentException("CASE_RETENTION_DAYS must be at least 1");
        return days;
    }
    /**
     * A case nobody has moved for this many days (CASE_IDLE_DAYS, default 365) is deleted with its
     * encrypted number and notes: a forgotten request must not keep a victim's number for ever.
     */
    public int caseIdleDays() {
        int days = integer("CASE_IDLE_DAYS", 365);
        if (days < 1) throw new IllegalArgumentException("CASE_IDLE_DAYS must be at least 1");
        return days;
    }
    /**
     * How long the audit keeps every entry and read count (AUDIT_RETENTION_DAYS, default 400, at least
     * 1): the audit is bounded by age only, so nothing an operator or an attacker does in volume can
     * push an older entry out before then.
     */
    public int auditRetentionDays() {
        int days = integer("AUDIT_RETENTION_DAYS", 400);
        if (days < 1) throw new IllegalArgumentException("AUDIT_RETENTION_DAYS must be at least 1");
        return days;
    }
    /**
     * How long participants may open a training quiz session with its code after an operator created it
     * (QUIZ_CODE_DAYS, default 30, 1 to 365): a code on a flip chart should not stay usable for ever.
     */
    public int quizCodeDays() {
        int days = integer("QUIZ_CODE_DAYS", 30);
        if (days < 1 || days > 365) throw new IllegalArgumentException("QUIZ_CODE_DAYS must be 1 to 365");
        return days;
    }
    /**
     * How long a quiz session's anonymous tallies are kept after their last count (QUIZ_RESULTS_DAYS,
     * default 400, at least QUIZ_CODE_DAYS): long enough to compare a year's trainings; its code is not
     * handed out again meanwhile.
     */
    public int quizResultsDays() {
        int days = integer("QUIZ_RESULTS_DAYS", 400);
        if (days < quizCodeDays()) throw new IllegalArgumentException("QUIZ_RESULTS_DAYS must be at least QUIZ_CODE_DAYS");
        return days;
    }
    /**
     * At most this many "send me this by SMS" texts per number in a day (SMS_PER_NUMBER_PER_DAY,
     * default 3, at least 1): a forged USSD session cannot make us text one number without end.
     */
    public int smsPerNumberPerDay() {
        int n = integer("SMS_PER_NUMBER_PER_DAY", 3);
        if (n < 1) throw new IllegalArgumentException("SMS_PER_NUMBER_PER_DAY must be at least 1");
        return n;
    }
    /**
     * Country codes SMS may be sent to (SMS_ALLOWED_COUNTRIES, comma-separated, default 223): texts
     * to anywhere else are refused before Twilio is asked, so nobody can pump SMS to premium numbers.
     */
    public java.util.List<String> smsAllowedCountries() {
        return countries("SMS_ALLOWED_COUNTRIES");
    }
    /** Country codes a call-back may be asked for (CALLBACK_ALLOWED_COUNTRIES, default 223): operators call only there. */
    public java.util.List<String> callbackAllowedCountries() {
        return countries("CALLBACK_ALLOWED_COUNTRIES");
    }
    /**
     * Segments a second one sender (one of our numbers) may send, all nodes together (SENDER_RATE,
     * default 10: Twilio's pace for a long code to countries outside the US and Canada).
     */
    public int senderRate() { return senderRate; }
    /**
     * Segments one sender may send at once after a pause (SENDER_BURST, default SENDER_RATE: one
     * second's worth); a message of more segments still goes, once the sender owes nothing.
     */
    public int senderBurst() { return senderBurst; }
    /** When no campaign message is sent, in Mali's time (QUIET_HOURS, default 21:00-08:00). */
    public QuietHours quietHours() { return quietHours; }
    /** The first admin account, created at start when absent (ADMIN_USERNAME); null when unset. */
    public String adminUsername() { return text("ADMIN_USERNAME", null); }
    /** Its password (ADMIN_PASSWORD, at least 12 characters); only read to create the account, never printed. */
    public String adminPassword() {
        String v = raw("ADMIN_PASSWORD");
        return v == null || v.isEmpty() ? null : v;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Config c && c.env.equals(env);
    }

    @Override
    public int hashCode() {
        return env.hashCode();
    }

    @Override
    public String toString() {
        // Never print secrets.
        return "Config[port=" + port + ", embeddedRedis=" + embeddedRedis() + "]";
    }

    /** The one place a variable is read. */
    private String raw(String name) {
        if (!VARIABLES.contains(name)) {
            throw new IllegalStateException(name + " is read but not listed in Config.VARIABLES (and so not in infra/)");
        }
        read.add(name);
        return env.get(name);
    }

    /** The variables read so far by this instance (package-private, for the test). */
    Set<String> namesRead() {
        return Set.copyOf(read);
    }

    private String text(String name, String dflt) {
        String v = raw(name);
        return v == null || v.isBlank() ? dflt : v.trim();
    }

    /** A list of E.164 country codes (1 to 3 digits each); never empty, so a typo cannot open every country. */
    private java.util.List<String> countries(String name) {
        String v = text(name, "223");
        java.util.List<String> codes = new java.util.ArrayList<>();
        for (String part : v.split(",", -1)) {
            String c = part.strip();
            if (c.startsWith("+")) c = c.substring(1);
            if (!c.matches("[1-9][0-9]{0,2}")) {
                throw new IllegalArgumentException(name + " must list country codes such as 223,226, not '" + v + "'");
            }
            codes.add(c);
        }
        return java.util.List.copyOf(codes);
    }

    private int integer(String name, int dflt) {
        String v = text(name, null);
        if (v == null) return dflt;
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a whole number, not '" + v + "'");
        }
    }

    private int atLeast(String name, int dflt, int min) {
        int v = integer(name, dflt);
        if (v < min) throw new IllegalArgumentException(name + " must be at least " + min);
        return v;
    }

    private boolean bool(String name, boolean dflt) {
        String v = text(name, null);
        if (v == null) return dflt;
        if (v.equalsIgnoreCase("true") || v.equals("1")) return true;
        if (v.equalsIgnoreCase("false") || v.equals("0")) return false;
        throw new IllegalArgumentException(name + " must be true or false, not '" + v + "'");
    }

    private String callbackToken() {
        String v = raw("USSD_CALLBACK_TOKEN");
        if (v == null || v.isBlank()) return null;
        // The value is a secret: the messages below never include it.
        if (!v.strip().matches("[A-Za-z0-9_-]{24,256}")) {
            throw new IllegalArgumentException("USSD_CALLBACK_TOKEN must be 24 to 256 letters, digits, '-' or '_'"
                    + " (openssl rand -hex 32 gives one)");
        }
        return v.strip();
    }

    private List<String> serviceCodes() {
        String v = text("USSD_SERVICE_CODES", null);
        if (v == null) return List.of();
        List<String> codes = new java.util.ArrayList<>();
        String[] entries = v.split(",", -1);
        for (int i = 0; i < entries.length; i++) {
            String code = ussdServiceCode(entries[i]);
            if (code == null) {
                throw new IllegalArgumentException("USSD_SERVICE_CODES: entry " + (i + 1) + " ('" + entries[i].strip()
                        + "') is not a USSD code such as *123# or *384*55#");
            }
            codes.add(code);
        }
        return List.copyOf(codes);
    }

    private List<Cidr> networks(String name) {
        try {
            return Cidr.parseList(text(name, null));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + ": " + e.getMessage(), e);
        }
    }

    private static String stripSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
