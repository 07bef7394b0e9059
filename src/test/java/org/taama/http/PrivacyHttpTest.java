package org.taama.http;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.taama.server.Server;
import org.taama.support.TestServers;
import org.taama.support.Ussd;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.taama.http.Keys.await;
import static org.taama.http.Screens.continues;

/**
 * Callers may be trafficking victims: after real sessions from a known number, that number is nowhere
 * in Redis (keys or values), in /metrics, or in anything the server printed.
 */
@DisplayName("Privacy: the caller's number is never kept or printed")
class PrivacyHttpTest {
    static final String CANARY = "privacy-test-canary-" + System.nanoTime();
    static Server server;
    static String local;           // the 8 local digits, e.g. 7xxxxxxx
    static String international;   // +2237xxxxxxx
    static String spaced;          // +223 7x xx xx xx
    static final ByteArrayOutputStream printed = new ByteArrayOutputStream();
    static PrintStream originalOut;
    static PrintStream originalErr;

    @BeforeAll
    static void sessionsFromAKnownNumber() throws Exception {
        international = Phone.freshNumber();
        local = international.substring(4);
        assertThat(local).hasSize(8);

        // Everything the JVM prints from here on (slf4j-simple writes to System.err) is kept as well.
        originalOut = System.out;
        originalErr = System.err;
        System.setOut(new PrintStream(new Tee(originalOut, printed), true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(new Tee(originalErr, printed), true, StandardCharsets.UTF_8));
        server = TestServers.start();
        LoggerFactory.getLogger(PrivacyHttpTest.class).warn(CANARY);

        int port = server.port();
        // The same caller, written the ways gateways write it.
        Phone first = new Phone(Phone.freshSessionId("privacy"), international);
        continues(first.dial(port));
        continues(first.type(port, "1"));
        for (String in : List.of("1", "2", "98", "0", "00", "4", "1", "0", "9", "00")) continues(first.type(port, in));

        Phone again = new Phone(Phone.freshSessionId("privacy"), international.substring(1));
        assertThat(continues(again.dial(port)).screen()).startsWith("Taama: migration et droits");
        continues(again.type(port, "3"));

        spaced = "+223 " + local.substring(0, 2) + " " + local.substring(2, 4) + " " + local.substring(4, 6)
                + " " + local.substring(6);
        // The same caller in another spelling: recognised, so offered to continue the call that broke off.
        Phone spacedPhone = new Phone(Phone.freshSessionId("privacy"), spaced);
        assertThat(continues(spacedPhone.dial(port)).screen()).startsWith("Reprendre où vous en étiez");
        Phone zeros = new Phone(Phone.freshSessionId("privacy"), "00" + international.substring(1));
        assertThat(continues(zeros.dial(port)).screen()).startsWith("Reprendre où vous en étiez");
        assertThat(continues(zeros.type(port, "2")).screen()).startsWith("Taama: migration et droits");

        // Refused callbacks carrying the number must not print it either.
        Map<String, String> noText = first.form("");
        noText.remove("text");
        assertThat(Ussd.post(Phone.base(port), noText).status()).isEqualTo(400);
        assertThat(Ussd.postRaw(Phone.base(port), "{\"phoneNumber\":\"" + international + "\"}", "application/json")
                .status()).isEqualTo(400);
        Map<String, String> longId = first.form("");
        longId.put("sessionId", international.repeat(100));
        assertThat(Ussd.post(Phone.base(port), longId).status()).isEqualTo(400);
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (server != null) server.close();
        } finally {
            System.setOut(originalOut);
            System.setErr(originalErr);
        }
    }

    /** Every form of the number that could leak. */
    static List<String> forms() {
        return List.of(international, international.substring(1), local, spaced);
    }

    @Test
    @DisplayName("no Redis key or value holds the number in any form")
    void notInRedis() throws Exception {
        List<String> keys = await(server.redis().scan("*"));
        assertThat(keys).as("the sessions above did write to Redis")
                .contains(Keys.lang(international));
        String everything = org.taama.support.RedisDump.everything(server.redis());
        for (String form : forms()) org.taama.support.NumberLeaks.assertAbsent(everything, form, "Redis");
    }

    @Test
    @DisplayName("what a caller typed cannot be found from the stored history digest by hashing every short history")
    void typedHistoryCannotBeRecovered() {
        Phone p = new Phone(Phone.freshSessionId("typed"), Phone.freshNumber());
        int port = server.port();
        continues(p.dial(port));
        continues(p.type(port, "1"));
        continues(p.type(port, "1"));
        assertThat(continues(p.type(port, "3")).screen()).startsWith("Le Protocole de Palerme");
        assertThat(p.history()).isEqualTo("1*1*3");
        List<String> keys = await(server.redis().scan(Keys.ussdSessions(p.number())));
        assertThat(keys).hasSize(1);
        io.vertx.core.json.JsonObject stored = new io.vertx.core.json.JsonObject(await(server.redis().get(keys.get(0))));
        assertThat(stored.getInteger("hl")).isEqualTo(5);
        // Every string of digits and stars of that length (11^5), hashed as the digest was before it
        // was keyed: none of them is any value stored.
        java.util.Set<String> values = new java.util.HashSet<>();
        stored.forEach(e -> values.add(String.valueOf(e.getValue())));
        String alphabet = "0123456789*";
        char[] c = new char[5];
        int found = 0;
        for (int i = 0; i < 161_051; i++) {
            int x = i;
            for (int k = 0; k < 5; k++, x /= 11) c[k] = alphabet.charAt(x % 11);
            String unkeyed = java.util.Base64.getEncoder().withoutPadding().encodeToString(
                    java.util.Arrays.copyOf(org.taama.privacy.Digests.sha256(new String(c)), 12));
            if (values.contains(unkeyed)) found++;
        }
        assertThat(found).isZero();
        // With HASH_KEY it is recognised, which is all the server needs.
        assertThat(stored.getString("hk")).isEqualTo(Keys.typed(p.number(), "1*1*3"));
    }

    @Test
    @DisplayName("/metrics does not show the number")
    void notInMetrics() throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(Phone.base(server.port()) + "/metrics")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("taama_ussd_hops_total");
        for (String form : forms()) assertThat(r.body()).doesNotContain(form);
    }

    @Test
    @DisplayName("nothing the server printed (logs on stderr, stdout) shows the number")
    void notInLogs() {
        String out = printed.toString(StandardCharsets.UTF_8);
        assertThat(out).as("the capture does see the server's log lines")
                .contains(CANARY).contains("Taama listening on port " + server.port());
        for (String form : forms()) assertThat(out).doesNotContain(form);
    }

    /** Writes to the real stream and keeps a copy. */
    private static final class Tee extends OutputStream {
        private final OutputStream a;
        private final OutputStream b;

        Tee(OutputStream a, OutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public synchronized void write(int x) throws java.io.IOException {
            a.write(x);
            b.write(x);
        }

        @Override
        public synchronized void write(byte[] buf, int off, int len) throws java.io.IOException {
            a.write(buf, off, len);
            b.write(buf, off, len);
        }

        @Override
        public synchronized void flush() throws java.io.IOException {
            a.flush();
            b.flush();
        }
    }
}
