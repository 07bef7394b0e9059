package org.taama.http;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.taama.server.Server;
import org.taama.support.TestServers;
import org.taama.support.Ussd;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.StringJoiner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.taama.http.Screens.continues;
import static org.taama.http.Screens.readable;
import static org.taama.http.Screens.refused;

/**
 * Whatever a caller types or a broken gateway sends, the answer is a readable screen or a 4xx with one
 * line saying why, never a 5xx or a stack trace; and the caller's session goes on as if nothing happened.
 */
@DisplayName("Hostile input")
class HostileInputHttpTest {
    static Server server;
    Phone phone;

    @BeforeAll
    static void start() throws Exception {
        server = TestServers.start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) server.close();
    }

    static int port() {
        return server.port();
    }

    static String base() {
        return Phone.base(port());
    }

    /** Every case starts from a caller on the French main menu. */
    @BeforeEach
    void callerOnTheMainMenu() {
        phone = new Phone(Phone.freshSessionId("hostile"), Phone.freshNumber());
        continues(phone.dial(port()));
        assertThat(continues(phone.type(port(), "1")).screen()).startsWith("Taama: migration et droits");
    }

    /** The same session still answers normally: main menu → rights → back → home. */
    private void sessionStillWorks() {
        assertThat(continues(phone.type(port(), "1")).screen()).startsWith("Vos droits").contains("2. La loi du Mali");
        assertThat(continues(phone.type(port(), "2")).screen()).startsWith("La loi 2012-023");
        assertThat(continues(phone.type(port(), "00")).screen()).startsWith("Taama: migration et droits");
    }

    @Nested
    @DisplayName("a caller types something strange and gets a readable screen")
    class StrangeInput {
        @ParameterizedTest(name = "{0}")
        @ValueSource(strings = {
                "control characters \u0000\u0001\u0007\u001b[2J\b\r\n\t\u007f",
                "emoji \uD83D\uDE00\uD83D\uDD25\uD83C\uDDF2\uD83C\uDDF1",
                "right-to-left override \u202E1 \u202Dend",
                "a lone surrogate \uD800 and a BOM \uFEFF",
                "%zz %00 %%",
                "<script>alert(1)</script>'; DROP TABLE x;--",
        })
        void typedInput(String typed) {
            Ussd.Reply r = readable(phone.type(port(), typed));
            assertThat(r.continues()).isTrue();
            assertThat(r.screen()).contains("Taama: migration et droits");
            sessionStillWorks();
        }

        @Test
        @DisplayName("5,000 '*' typed as the whole text")
        void fiveThousandStars() {
            Ussd.Reply r = readable(phone.sendText(port(), "*".repeat(5000)));
            assertThat(r.continues()).isTrue();
            sessionStillWorks();
        }

        @Test
        @DisplayName("5,000 '*' typed as one input, then the session goes on")
        void fiveThousandStarsAsInput() {
            Ussd.Reply r = readable(phone.type(port(), "*".repeat(5000)));
            assertThat(r.continues()).isTrue();
            sessionStillWorks();
        }
    }

    @Nested
    @DisplayName("a malformed callback is refused with a one-line reason")
    class MalformedCallback {
        @ParameterizedTest(name = "missing {0} → 400 naming it")
        @ValueSource(strings = {"sessionId", "serviceCode", "phoneNumber", "text"})
        void missingField(String field) {
            Map<String, String> form = phone.form(phone.history() + "*1");
            form.remove(field);
            refused(Ussd.post(base(), form), 400, field);
            sessionStillWorks();
        }

        @Test
        @DisplayName("a body over 16 KiB → 413")
        void bodyTooLarge() {
            Map<String, String> form = phone.form(phone.history() + "*1");
            form.put("networkCode", "6".repeat(17 * 1024));
            refused(Ussd.post(base(), form), 413, null);
            sessionStillWorks();
        }

        @Test
        @DisplayName("a 5,000-character sessionId → 400")
        void hugeSessionId() {
            Map<String, String> form = phone.form("");
            form.put("sessionId", "s".repeat(5000));
            refused(Ussd.post(base(), form), 400, "sessionId");
            sessionStillWorks();
        }

        @ParameterizedTest(name = "phoneNumber \"{0}\" → 400")
        @ValueSource(strings = {"not-a-number", "", "+", "12345", "123456789012345678901234"})
        void notAPhoneNumber(String number) {
            Map<String, String> form = phone.form(phone.history() + "*1");
            form.put("phoneNumber", number);
            refused(Ussd.post(base(), form), 400, "phoneNumber");
            sessionStillWorks();
        }

        @Test
        @DisplayName("a JSON body instead of a form → 400")
        void jsonBody() {
            String json = "{\"sessionId\":\"" + phone.sessionId() + "\",\"serviceCode\":\"*123#\",\"phoneNumber\":\""
                    + phone.number() + "\",\"text\":\"1*1\"}";
            refused(Ussd.postRaw(base(), json, "application/json"), 400, "form");
            sessionStillWorks();
        }

        @Test
        @DisplayName("malformed percent-encoding → 400 or a readable screen")
        void malformedPercentEncoding() {
            String body = "sessionId=" + enc(phone.sessionId()) + "&serviceCode=%2A123%23&phoneNumber="
                    + enc(phone.number()) + "&text=%zz%E0%A4&networkCode=%";
            Ussd.Reply r = Ussd.postRaw(base(), body, "application/x-www-form-urlencoded");
            if (r.status() == 200) readable(r);
            else refused(r, 400, null);
            sessionStillWorks();
        }

        @Test
        @DisplayName("one bad % escape in an otherwise complete form → 400 saying the form is unreadable, not a false 'missing sessionId'")
        void badEscapeIsNotReportedAsAMissingField() {
            String body = "sessionId=" + enc(phone.sessionId()) + "&serviceCode=%2A123%23&phoneNumber="
                    + enc(phone.number()) + "&text=%zz";
            Ussd.Reply r = refused(Ussd.postRaw(base(), body, "application/x-www-form-urlencoded"), 400, "form");
            assertThat(r.body()).doesNotContain("missing field");
            sessionStillWorks();
        }

        @Test
        @DisplayName("GET instead of POST → 404 or 405")
        void getInsteadOfPost() throws Exception {
            StringJoiner q = new StringJoiner("&");
            phone.form(phone.history() + "*1").forEach((k, v) -> q.add(enc(k) + "=" + enc(v)));
            HttpResponse<String> r = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(base() + "/ussd/africastalking?" + q)).timeout(Duration.ofSeconds(10))
                            .GET().build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isIn(404, 405);
            assertThat(r.body()).doesNotContain("Exception").doesNotContain("at org.");
            sessionStillWorks();
        }

        @Test
        @DisplayName("an unknown gateway → 404")
        void unknownGateway() throws Exception {
            HttpResponse<String> r = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(base() + "/ussd/nosuchgateway")).timeout(Duration.ofSeconds(10))
                            .header("Content-Type", "application/x-www-form-urlencoded")
                            .POST(HttpRequest.BodyPublishers.ofString("text=")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(404);
            sessionStillWorks();
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
