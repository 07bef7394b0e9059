package org.taama.ussd.hubtel;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.taama.i18n.Gsm;
import org.taama.privacy.CallerHash;
import org.taama.server.Server;
import org.taama.support.Await;
import org.taama.support.TestServers;

import java.util.Base64;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hubtel's USSD callbacks, as Hubtel sends them (JSON, the phase in {@code Type}, only the latest input
 * in {@code Message}), through real HTTP to a real server on real Redis.
 */
@DisplayName("Hubtel USSD gateway")
class HubtelGatewayHttpTest {
    static final CallerHash CALLERS = new CallerHash(Base64.getDecoder().decode(TestServers.HASH_KEY));
    static Server server;

    @BeforeAll
    static void start() throws Exception {
        server = TestServers.start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) server.close();
    }

    static String url() {
        return "http://localhost:" + server.port() + "/ussd/hubtel";
    }

    static String sessionKey(String mobile) {
        return "taama:{" + CALLERS.of(mobile) + "}:ussd:hubtel";
    }

    /** 200, JSON, Response or Release, a readable screen that fits one USSD screen, the session id echoed. */
    static HubtelPhone.Reply screen(HubtelPhone.Reply r, String type, String sessionId) {
        assertThat(r.status()).as("status of %s", r.body()).isEqualTo(200);
        assertThat(r.contentType()).startsWith("application/json");
        assertThat(r.type()).as("Type of %s", r.body()).isEqualTo(type);
        assertThat(r.json().path("SessionId").asText()).isEqualTo(sessionId);
        assertThat(r.message()).isNotBlank().doesNotContain("Exception");
        assertThat(Gsm.fitsUssdScreen(r.message())).as("fits one screen: %s", r.message()).isTrue();
        return r;
    }

    @Test
    @DisplayName("Hubtel's own sample initiation (its app, a service id for a code) opens the language menu")
    void hubtelSampleInitiation() {
        String sample = """
                {"Sequence":"1","Type":"initiation","Message":"","ServiceCode":"b230733cd56b4a0fad820e39f66bc27c",
                 "Operator":"Hubtel-Android","ClientState":"","Mobile":"233246912184","SessionId":"8d440a43a98b4614b9df22b79c8190b8"}""";
        HubtelPhone.Reply r = HubtelPhone.postRaw(url(), sample, Map.of());
        screen(r, "Response", "8d440a43a98b4614b9df22b79c8190b8");
        assertThat(r.json().path("DataType").asText()).isEqualTo("input");
    }

    @Test
    @DisplayName("a dial and three inputs, one at a time, reach the police helpline in Bambara, and the call ends")
    void walksTheMenusOneInputAtATime() {
        HubtelPhone phone = new HubtelPhone(url(), HubtelPhone.freshMobile());
        screen(phone.dial(), "Response", phone.sessionId);
        screen(phone.type("2"), "Response", phone.sessionId);          // Bamanankan
        screen(phone.type("4"), "Response", phone.sessionId);          // Get help
        HubtelPhone.Reply police = screen(phone.type("1"), "Response", phone.sessionId);
        assertThat(police.message()).startsWith("Polisi").contains("80 00 11 15");
        assertThat(Await.result(server.redis().get(sessionKey(phone.mobile)))).as("the session is kept").isNotNull();
    }

    @Test
    @DisplayName("a callback Hubtel sends again (same Sequence) shows the same screen and is not applied twice")
    void retriedCallbackIsNotAppliedTwice() {
        HubtelPhone phone = new HubtelPhone(url(), HubtelPhone.freshMobile());
        phone.dial();
        HubtelPhone.Reply home = phone.type("1");                       // Français → main menu
        assertThat(home.message()).startsWith("Taama: migration et droits");
        HubtelPhone.Reply again = phone.post(phone.payload("response", "1", phone.sequence));
        assertThat(again.message()).as("the retry of '1' must not open 'Vos droits'").isEqualTo(home.message());
        assertThat(phone.type("1").message()).as("the next input moves on").isNotEqualTo(home.message());
    }

    @Test
    @DisplayName("a second initiation of the same session shows the screen the caller is on")
    void retriedInitiationRepeats() {
        HubtelPhone phone = new HubtelPhone(url(), HubtelPhone.freshMobile());
        phone.dial();
        HubtelPhone.Reply home = phone.type("1");
        assertThat(phone.post(phone.payload("initiation", "*123#", 1)).message()).isEqualTo(home.message());
    }

    @Test
    @DisplayName("release and timeout answer Release and touch nothing: a re-dial offers to continue")
    void releaseKeepsTheSessionForAReDial() {
        String mobile = HubtelPhone.freshMobile();
        HubtelPhone phone = new HubtelPhone(url(), mobile);
        phone.dial();
        phone.type("1");
        phone.type("1");                                                 // Vos droits
        String before = Await.result(server.redis().get(sessionKey(mobile)));
        HubtelPhone.Reply released = phone.release();
        assertThat(released.status()).isEqualTo(200);
        assertThat(released.type()).isEqualTo("Release");
        HubtelPhone.Reply timedOut = phone.post(phone.payload("timeout", "", ++phone.sequence));
        assertThat(timedOut.type()).isEqualTo("Release");
        assertThat(Await.result(server.redis().get(sessionKey(mobile)))).isEqualTo(before);

        HubtelPhone again = new HubtelPhone(url(), mobile);
        assertThat(screen(again.dial(), "Response", again.sessionId).message()).startsWith("Reprendre où vous en étiez");
    }

    @Test
    @DisplayName("a call-back request ends with Release and its text, opens a case and keeps the session only as ended; the last callback sent again gets the same Release")
    void callBackReleases() {
        HubtelPhone phone = new HubtelPhone(url(), HubtelPhone.freshMobile());
        phone.dial();
        phone.type("1");                                                 // Français
        assertThat(phone.type("6").message()).contains("rappeler");      // Etre rappelé
        phone.type("1");                                                 // Demander un appel
        phone.type("2");                                                 // L'après-midi
        phone.type("2");                                                 // no message
        HubtelPhone.Reply done = screen(phone.type("1"), "Release", phone.sessionId);   // this number
        assertThat(done.message()).contains("Demande enregistr");
        assertThat(done.json().path("DataType").asText()).isEqualTo("display");
        assertThat(Await.result(server.redis().get(sessionKey(phone.mobile)))).contains("\"e\":true");
        // Hubtel resends a callback whose answer it lost: the same Sequence, the same input.
        HubtelPhone.Reply again = screen(phone.post(phone.payload("response", "1", phone.sequence)), "Release", phone.sessionId);
        assertThat(again.message()).isEqualTo(done.message());
        assertThat(Await.result(server.redis().smembers("taama:{" + CALLERS.of(phone.mobile) + "}:cases"))).hasSize(1);
    }

    @Test
    @DisplayName("nothing the caller typed, and not their number, is in Redis")
    void nothingTypedIsStored() {
        String mobile = HubtelPhone.freshMobile();
        HubtelPhone phone = new HubtelPhone(url(), mobile);
        phone.dial();
        phone.type("1");
        phone.type("9*8#7");                                             // not an option: shown again with a hint
        String stored = Await.result(server.redis().get(sessionKey(mobile)));
        assertThat(stored).doesNotContain(mobile).doesNotContain(mobile.substring(3)).doesNotContain("9*8#7");
    }

    static Stream<Arguments> malformed() {
        String ok = "\"Type\":\"response\",\"SessionId\":\"s1\",\"Mobile\":\"22370000001\",\"ServiceCode\":\"*123#\"";
        return Stream.of(
                Arguments.of("garbage", "not json at all", "not JSON"),
                Arguments.of("truncated JSON", "{\"Type\":\"initiation\",", "not JSON"),
                Arguments.of("a JSON array", "[1,2,3]", "JSON object"),
                Arguments.of("a JSON string", "\"initiation\"", "JSON object"),
                Arguments.of("empty body", "", "empty body"),
                Arguments.of("no Type", "{\"SessionId\":\"s1\",\"Mobile\":\"22370000001\",\"ServiceCode\":\"*123#\"}", "Type"),
                Arguments.of("unknown Type", "{" + ok.replace("response", "AddToCart") + ",\"Message\":\"1\"}", "Type must be"),
                Arguments.of("no SessionId", "{\"Type\":\"initiation\",\"Mobile\":\"22370000001\",\"ServiceCode\":\"*123#\"}", "SessionId"),
                Arguments.of("blank SessionId", "{\"Type\":\"initiation\",\"SessionId\":\"  \",\"Mobile\":\"22370000001\",\"ServiceCode\":\"*123#\"}", "SessionId"),
                Arguments.of("huge SessionId", "{\"Type\":\"initiation\",\"SessionId\":\"" + "s".repeat(300) + "\",\"Mobile\":\"22370000001\",\"ServiceCode\":\"*123#\"}", "SessionId"),
                Arguments.of("no Mobile", "{\"Type\":\"initiation\",\"SessionId\":\"s1\",\"ServiceCode\":\"*123#\"}", "Mobile"),
                Arguments.of("Mobile not a number", "{\"Type\":\"initiation\",\"SessionId\":\"s1\",\"Mobile\":\"hello\",\"ServiceCode\":\"*123#\"}", "Mobile"),
                Arguments.of("Mobile an object", "{\"Type\":\"initiation\",\"SessionId\":\"s1\",\"Mobile\":{\"n\":1},\"ServiceCode\":\"*123#\"}", "Mobile"),
                Arguments.of("no ServiceCode", "{\"Type\":\"initiation\",\"SessionId\":\"s1\",\"Mobile\":\"22370000001\"}", "ServiceCode"),
                Arguments.of("response without Message", "{" + ok + "}", "Message"),
                Arguments.of("Message null", "{" + ok + ",\"Message\":null}", "Message"),
                Arguments.of("Message longer than a screen", "{" + ok + ",\"Message\":\"" + "1".repeat(183) + "\"}", "longer than 182"),
                Arguments.of("Sequence not a number", "{" + ok + ",\"Message\":\"1\",\"Sequence\":\"two\"}", "Sequence"));
    }

    @ParameterizedTest(name = "{0} → 400")
    @MethodSource("malformed")
    @DisplayName("a malformed callback gets 400 with a one-line reason")
    void malformedIs400(String label, String body, String reason) {
        HubtelPhone.Reply r = HubtelPhone.postRaw(url(), body, Map.of());
        assertThat(r.status()).as("%s: %s", label, r.body()).isEqualTo(400);
        assertThat(r.body().strip()).containsIgnoringCase(reason).doesNotContain("\n").doesNotContain("Exception")
                .hasSizeLessThan(200);
    }

    @Test
    @DisplayName("a body over 16 KiB gets 413 and is not read")
    void hugeBodyIs413() {
        ObjectNode o = new HubtelPhone(url(), HubtelPhone.freshMobile()).payload("response", "1".repeat(20_000), 2);
        assertThat(HubtelPhone.postRaw(url(), o.toString(), Map.of()).status()).isEqualTo(413);
    }

    @Test
    @DisplayName("control characters and odd keys as input re-show the screen with a hint, never an error")
    void hostileInputGetsAScreen() {
        HubtelPhone phone = new HubtelPhone(url(), HubtelPhone.freshMobile());
        phone.dial();
        String home = phone.type("1").message();
        for (String input : new String[] {"\u0000\u0007", "\u202e1", "' OR 1=1 --", "%00", "*#*#", "  "}) {
            HubtelPhone.Reply r = screen(phone.type(input), "Response", phone.sessionId);
            assertThat(r.message()).as("after %s", input).contains(home.substring(0, 20));
        }
    }

    @Test
    @DisplayName("field names are matched ignoring case, and a numeric Mobile and Sequence are read as digits")
    void lenientSpelling() {
        String mobile = HubtelPhone.freshMobile();
        String body = "{\"type\":\"Initiation\",\"sessionId\":\"lc-" + mobile + "\",\"mobile\":" + mobile
                + ",\"serviceCode\":\"*123#\",\"message\":\"*123#\",\"sequence\":1}";
        screen(HubtelPhone.postRaw(url(), body, Map.of()), "Response", "lc-" + mobile);
    }

    /** The same guard as every gateway: the secret path, the gateway's addresses, our codes. */
    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    @DisplayName("behind USSD_CALLBACK_TOKEN, USSD_ALLOWED_IPS and USSD_SERVICE_CODES")
    class Guarded {
        static final String TOKEN = "hubtel-" + "0123456789abcdef0123456789abcdef";
        Server guarded;

        @BeforeAll
        void start() throws Exception {
            guarded = TestServers.start(Map.of("USSD_CALLBACK_TOKEN", TOKEN, "USSD_ALLOWED_IPS", "192.0.2.0/24",
                    "TRUSTED_PROXIES", "127.0.0.1, ::1", "USSD_SERVICE_CODES", "*123#"));
        }

        @AfterAll
        void stop() throws Exception {
            if (guarded != null) guarded.close();
        }

        String base() {
            return "http://localhost:" + guarded.port() + "/ussd/hubtel";
        }

        HubtelPhone.Reply post(String url, ObjectNode body, String from) {
            return HubtelPhone.postRaw(url, body.toString(), Map.of("X-Forwarded-For", from));
        }

        @Test
        @DisplayName("only the secret URL answers, only from the gateway's addresses, only for our code")
        void guarded() {
            String mobile = HubtelPhone.freshMobile();
            HubtelPhone phone = new HubtelPhone(base(), mobile);
            ObjectNode dial = phone.payload("initiation", "*123#", 1);
            assertThat(post(base(), dial, "192.0.2.10").status()).as("no token").isEqualTo(404);
            assertThat(post(base() + "/wrong", dial, "192.0.2.10").status()).as("wrong token").isEqualTo(404);
            assertThat(post(base() + "/" + TOKEN, dial, "198.51.100.7").status()).as("not the gateway").isEqualTo(403);
            assertThat(Await.result(guarded.redis().get(sessionKey(mobile)))).isNull();

            ObjectNode otherCode = phone.payload("initiation", "*999#", 1).put("ServiceCode", "*999#");
            HubtelPhone.Reply wrong = post(base() + "/" + TOKEN, otherCode, "192.0.2.10");
            assertThat(wrong.type()).isEqualTo("Release");
            assertThat(wrong.message()).contains("indisponible");
            assertThat(Await.result(guarded.redis().get(sessionKey(mobile)))).as("a wrong code touches nothing").isNull();

            assertThat(post(base() + "/" + TOKEN, dial, "192.0.2.10").type()).isEqualTo("Response");
            assertThat(Await.result(guarded.redis().get(sessionKey(mobile)))).isNotNull();
        }
    }
}
