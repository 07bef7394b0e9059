package org.taama.config;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConfigTest {

    @Test
    @DisplayName("the audit keeps 400 days unless told otherwise, and never less than one")
    void auditRetention() {
        assertThat(Config.from(Map.of()).auditRetentionDays()).isEqualTo(400);
        assertThat(Config.from(Map.of("AUDIT_RETENTION_DAYS", "730")).auditRetentionDays()).isEqualTo(730);
        for (String bad : new String[] {"0", "-5", "forever", "1e3"}) {
            assertThatThrownBy(() -> Config.from(Map.of("AUDIT_RETENTION_DAYS", bad)).auditRetentionDays())
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("AUDIT_RETENTION_DAYS");
        }
    }

    @Test
    @DisplayName("a campaign message is tried 3 times unless told otherwise, 1 to 20")
    void sendAttempts() {
        assertThat(Config.from(Map.of()).sendAttempts()).isEqualTo(3);
        assertThat(Config.from(Map.of("SEND_ATTEMPTS", "5")).sendAttempts()).isEqualTo(5);
        for (String bad : new String[] {"0", "-1", "21", "many", "3.5"}) {
            assertThatThrownBy(() -> Config.from(Map.of("SEND_ATTEMPTS", bad)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("SEND_ATTEMPTS");
        }
    }

    @Test
    @DisplayName("another node takes over a campaign message left unfinished 30 s unless told otherwise, 1 s to 1 h")
    void sendClaimIdle() {
        assertThat(Config.from(Map.of()).sendClaimIdle()).isEqualTo(Duration.ofSeconds(30));
        assertThat(Config.from(Map.of("SEND_CLAIM_IDLE", "2")).sendClaimIdle()).isEqualTo(Duration.ofSeconds(2));
        for (String bad : new String[] {"0", "-1", "3601", "30s", "soon", "1.5"}) {
            assertThatThrownBy(() -> Config.from(Map.of("SEND_CLAIM_IDLE", bad)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("SEND_CLAIM_IDLE");
        }
    }

    @Test
    void sendValidity() {
        assertThat(Config.from(Map.of()).sendValidity()).isEqualTo(Duration.ofHours(4));
        assertThat(Config.from(Map.of("SEND_VALIDITY_SECONDS", "36000")).sendValidity()).isEqualTo(Duration.ofHours(10));
        for (String bad : new String[] {"0", "-5", "36001", "4h", "1e3"}) {
            assertThatThrownBy(() -> Config.from(Map.of("SEND_VALIDITY_SECONDS", bad)))
                    .as(bad).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("SEND_VALIDITY_SECONDS");
        }
    }

    @Test
    @DisplayName("an empty environment gives the defaults a developer wants on a laptop")
    void defaults() {
        Config c = Config.from(Map.of());
        assertThat(c.port()).isEqualTo(8080);
        assertThat(c.httpHost()).isEqualTo("0.0.0.0");
        assertThat(Config.from(Map.of("HTTP_HOST", "127.0.0.1")).httpHost()).isEqualTo("127.0.0.1");
        assertThat(c.redisUrl()).isNull();
        assertThat(c.embeddedRedis()).isTrue();
        assertThat(c.redisCluster()).isFalse();
        assertThat(c.redisTimeout()).isEqualTo(Duration.ofMillis(1000));
        assertThat(c.dataDir()).isEqualTo(Path.of("data"));
        assertThat(c.publicBaseUrl()).isEqualTo("http://localhost:8080");
        assertThat(c.hashKey()).isNull();
        assertThat(c.encryptionKey()).isNull();
        assertThat(c.sessionTtl()).isEqualTo(Duration.ofSeconds(300));
        assertThat(c.languageTtl()).isEqualTo(Duration.ofDays(365));
        assertThat(c.defaultLang()).isEqualTo("fr");
        assertThat(c.ussdGsmSafe()).isTrue();
        assertThat(c.bmPalatal()).isEqualTo("ny");
        assertThat(c.flowsDir()).isEqualTo(Path.of("flows"));
        assertThat(c.localesDir()).isEqualTo(Path.of("locales"));
        assertThat(c.verticles()).isEqualTo(Runtime.getRuntime().availableProcessors());
    }

    @Test
    @DisplayName("blank values count as unset")
    void blanksAreDefaults() {
        Config c = Config.from(Map.of("PORT", " ", "REDIS_URL", "", "SESSION_TTL_SECONDS", "  ", "HASH_KEY", " "));
        assertThat(c.port()).isEqualTo(8080);
        assertThat(c.redisUrl()).isNull();
        assertThat(c.hashKey()).isNull();
        assertThat(c.sessionTtl()).isEqualTo(Duration.ofSeconds(300));
    }

    @Test
    @DisplayName("values from the environment are taken")
    void valuesAreRead() {
        Config c = Config.from(Map.of("PORT", " 9090 ", "REDIS_URL", "redis://r:6379", "REDIS_CLUSTER", "true",
                "SESSION_TTL_SECONDS", "600", "LANG_TTL_DAYS", "30", "DEFAULT_LANG", "bm", "USSD_GSM_SAFE", "false",
                "BM_GSM_PALATAL", "ñ", "VERTICLES", "3"));
        assertThat(c.port()).isEqualTo(9090);
        assertThat(c.redisUrl()).isEqualTo("redis://r:6379");
        assertThat(c.embeddedRedis()).isFalse();
        assertThat(c.redisCluster()).isTrue();
        assertThat(c.sessionTtl()).isEqualTo(Duration.ofMinutes(10));
        assertThat(c.languageTtl()).isEqualTo(Duration.ofDays(30));
        assertThat(c.defaultLang()).isEqualTo("bm");
        assertThat(c.ussdGsmSafe()).isFalse();
        assertThat(c.bmPalatal()).isEqualTo("ñ");
        assertThat(c.verticles()).isEqualTo(3);
    }

    @ParameterizedTest(name = "SESSION_TTL_SECONDS={0} accepted: {1}")
    @CsvSource({"-1, false", "0, false", "60, false", "179, false", "180, true", "181, true", "3600, true"})
    @DisplayName("a session must outlive the operator's 180-second USSD session")
    void sessionTtlAtLeast180(String ttl, boolean accepted) {
        Map<String, String> env = Map.of("SESSION_TTL_SECONDS", ttl);
        if (accepted) {
            assertThat(Config.from(env).sessionTtl()).isEqualTo(Duration.ofSeconds(Long.parseLong(ttl)));
        } else {
            assertThatThrownBy(() -> Config.from(env)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("SESSION_TTL_SECONDS must be at least 180");
        }
    }

    @ParameterizedTest(name = "{0}=''{1}''")
    @CsvSource(delimiter = '|', textBlock = """
            PORT                | abc
            PORT                | 80a
            PORT                | 8080.0
            PORT                | 99999999999
            SESSION_TTL_SECONDS | 5m
            REDIS_TIMEOUT_MS    | 1s
            LANG_TTL_DAYS       | one year
            VERTICLES           | four
            """)
    @DisplayName("a value that is not a whole number is refused, naming the variable and the value")
    void badIntegers(String name, String value) {
        assertThatThrownBy(() -> Config.from(Map.of(name, value)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(name + " must be a whole number, not '" + value + "'");
    }

    @ParameterizedTest(name = "USSD_GSM_SAFE=''{0}'' → {1}")
    @CsvSource({"true, true", "TRUE, true", "1, true", "' true ', true", "false, false", "0, false"})
    @DisplayName("booleans: true or 1 switch on, false or 0 switch off")
    void booleans(String value, boolean expected) {
        assertThat(Config.from(Map.of("USSD_GSM_SAFE", value)).ussdGsmSafe()).isEqualTo(expected);
    }

    @Test
    @DisplayName("the with* copies change only what they name")
    void copies() {
        Config c = Config.from(Map.of("PORT", "9000"));
        assertThat(c.withPort(1234)).isEqualTo(Config.from(Map.of("PORT", "1234")));
        assertThat(c.withRedisUrl("redis://x").redisUrl()).isEqualTo("redis://x");
        assertThat(c.withRedisUrl("redis://x").port()).isEqualTo(9000);
        Config s = c.withSecrets("h", "e");
        assertThat(s.hashKey()).isEqualTo("h");
        assertThat(s.encryptionKey()).isEqualTo("e");
        assertThat(s.port()).isEqualTo(9000);
    }

    @Test
    @DisplayName("a switch set to anything but true/false/1/0 is refused, not read as off")
    void unclearSwitchIsRefused() {
        assertThatThrownBy(() -> Config.from(Map.of("USSD_GSM_SAFE", "yes")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("USSD_GSM_SAFE");
    }

    @ParameterizedTest(name = "TRUSTED_PROXIES=''{0}'' is refused")
    @CsvSource(delimiter = '|', textBlock = """
            10.0.0.0/33              | TRUSTED_PROXIES: entry 1: '10.0.0.0/33' needs a prefix length of 0 to 32
            10.0.0.0/8,::1/129       | TRUSTED_PROXIES: entry 2: '::1/129' needs a prefix length of 0 to 128
            10.0.0.0/8,,192.0.2.0/24 | TRUSTED_PROXIES: entry 2: empty
            proxy.internal           | TRUSTED_PROXIES: entry 1: 'proxy.internal' is not an IP address or network
            """)
    @DisplayName("a bad network list stops the start, naming the variable and the entry")
    void badNetworks(String value, String message) {
        assertThatThrownBy(() -> Config.from(Map.of("TRUSTED_PROXIES", value)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage(message);
    }

    @Test
    @DisplayName("no trusted proxy by default: X-Forwarded-For is believed from nobody")
    void noTrustedProxyByDefault() {
        assertThat(Config.from(Map.of()).trustedProxies()).isEmpty();
        assertThat(Config.from(Map.of("TRUSTED_PROXIES", "10.0.0.0/8, 2001:db8::/32")).trustedProxies())
                .extracting(Object::toString).containsExactly("10.0.0.0/8", "2001:db8:0:0:0:0:0:0/32");
    }

    @Test
    @DisplayName("limits on what a session can make happen: 3 SMS a day, SMS and call-backs to Mali only, by default")
    void sessionLimitsDefaults() {
        Config c = Config.from(Map.of());
        assertThat(c.smsPerNumberPerDay()).isEqualTo(3);
        assertThat(c.smsAllowedCountries()).containsExactly("223");
        assertThat(c.callbackAllowedCountries()).containsExactly("223");
        Config set = Config.from(Map.of("SMS_PER_NUMBER_PER_DAY", "5", "SMS_ALLOWED_COUNTRIES", " 223, +226 ,227",
                "CALLBACK_ALLOWED_COUNTRIES", "223,226"));
        assertThat(set.smsPerNumberPerDay()).isEqualTo(5);
        assertThat(set.smsAllowedCountries()).containsExactly("223", "226", "227");
        assertThat(set.callbackAllowedCountries()).containsExactly("223", "226");
    }

    @ParameterizedTest(name = "{0}=''{1}''")
    @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', value = {
            "SMS_PER_NUMBER_PER_DAY | 0", "SMS_PER_NUMBER_PER_DAY | -1", "SMS_PER_NUMBER_PER_DAY | lots",
            "SMS_ALLOWED_COUNTRIES | 223,", "SMS_ALLOWED_COUNTRIES | *", "SMS_ALLOWED_COUNTRIES | 0223",
            "SMS_ALLOWED_COUNTRIES | 2231", "SMS_ALLOWED_COUNTRIES | Mali", "CALLBACK_ALLOWED_COUNTRIES | 223;226"})
    @DisplayName("a limit that does not make sense is refused at start, naming the setting")
    void badLimits(String name, String value) {
        Config c = Config.from(Map.of(name, value));
        assertThatThrownBy(() -> {
            c.smsPerNumberPerDay();
            c.smsAllowedCountries();
            c.callbackAllowedCountries();
        }).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(name);
    }

    @Test
    @DisplayName("sending pace: 10 segments a second and a burst of one second's worth by default, each settable")
    void senderPace() {
        assertThat(Config.from(Map.of()).senderRate()).isEqualTo(10);
        assertThat(Config.from(Map.of()).senderBurst()).isEqualTo(10);
        assertThat(Config.from(Map.of("SENDER_RATE", "100")).senderBurst()).as("follows the rate").isEqualTo(100);
        Config set = Config.from(Map.of("SENDER_RATE", " 3 ", "SENDER_BURST", "1"));
        assertThat(set.senderRate()).isEqualTo(3);
        assertThat(set.senderBurst()).isEqualTo(1);
    }

    @ParameterizedTest(name = "{0}=''{1}''")
    @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', value = {
            "SENDER_RATE | 0", "SENDER_RATE | -5", "SENDER_RATE | 10.5", "SENDER_RATE | ten", "SENDER_RATE | 10001",
            "SENDER_RATE | 99999999999", "SENDER_BURST | 0", "SENDER_BURST | -1", "SENDER_BURST | 100001", "SENDER_BURST | 1e3"})
    @DisplayName("a sending pace that makes no sense is refused at start, naming the setting")
    void badSenderPace(String name, String value) {
        assertThatThrownBy(() -> Config.from(Map.of(name, value)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(name);
    }

    @Test
    @DisplayName("HTTP timeouts: defaults, and too short a value refused by name")
    void httpTimeouts() {
        assertThat(Config.from(Map.of()).httpIdleTimeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(Config.from(Map.of()).httpHeaderTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(Config.from(Map.of("HTTP_HEADER_TIMEOUT_MS", "2500")).httpHeaderTimeout()).isEqualTo(Duration.ofMillis(2500));
        assertThatThrownBy(() -> Config.from(Map.of("HTTP_IDLE_TIMEOUT_MS", "0")))
                .hasMessage("HTTP_IDLE_TIMEOUT_MS must be at least 100");
        assertThatThrownBy(() -> Config.from(Map.of("HTTP_HEADER_TIMEOUT_MS", "-5")))
                .hasMessage("HTTP_HEADER_TIMEOUT_MS must be at least 100");
        assertThatThrownBy(() -> Config.from(Map.of("HTTP_HEADER_TIMEOUT_MS", "10s")))
                .hasMessage("HTTP_HEADER_TIMEOUT_MS must be a whole number, not '10s'");
    }

    @ParameterizedTest(name = "service code ''{0}'' → {1}")
    @CsvSource(nullValues = "null", value = {"*123#, 123", "*123%23, 123", "' *384*55# ', 384*55", "123, 123",
            "*12a#, null", "'', null", "*, null", "*123*#, null", "%zz, null", "%2A123%23, 123"})
    @DisplayName("service codes compare in one form, however the gateway encodes them")
    void serviceCodes(String code, String normal) {
        assertThat(Config.ussdServiceCode(code)).isEqualTo(normal);
    }

    @ParameterizedTest(name = "{0}=''{1}'' is refused")
    @CsvSource({"DEFAULT_LANG, en", "DEFAULT_LANG, FR", "DEFAULT_LANG, français", "BM_GSM_PALATAL, nj", "BM_GSM_PALATAL, ɲ"})
    @DisplayName("a language or spelling the content does not have is refused, not quietly replaced")
    void unknownLanguageOrSpelling(String name, String value) {
        assertThatThrownBy(() -> Config.from(Map.of(name, value))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(name + " must be").hasMessageContaining("'" + value + "'");
    }

    @Test
    @DisplayName("the durations texts quote come from the settings, rounded up so a caller is never told less than is kept")
    void textValues() {
        assertThat(Config.from(Map.of()).textValues()).containsExactlyInAnyOrderEntriesOf(Map.of(
                "lang_days", "365", "session_minutes", "5", "chat_hours", "24", "case_days", "90", "case_idle_days", "365"));
        Map<String, String> v = Config.from(Map.of("LANG_TTL_DAYS", "30", "SESSION_TTL_SECONDS", "181",
                "CHAT_SESSION_TTL_SECONDS", "3601", "CASE_RETENTION_DAYS", "7", "CASE_IDLE_DAYS", "60")).textValues();
        assertThat(v).containsEntry("lang_days", "30").containsEntry("session_minutes", "4")
                .containsEntry("chat_hours", "2").containsEntry("case_days", "7").containsEntry("case_idle_days", "60");
    }
}
