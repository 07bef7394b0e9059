package org.taama.http;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.taama.server.Server;
import org.taama.support.TestServers;
import org.taama.support.Ussd;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.taama.http.Keys.await;
import static org.taama.http.Screens.continues;
import static org.taama.http.Screens.ends;
import static org.taama.http.Screens.refused;

/**
 * Gateways do not sign callbacks, so the callback URL itself is the secret (USSD_CALLBACK_TOKEN), and
 * the gateway's addresses (USSD_ALLOWED_IPS) and our codes (USSD_SERVICE_CODES) are checked before a
 * forged callback can read or move anybody's session.
 */
@DisplayName("Forged USSD callbacks")
class ForgedCallbackHttpTest {
    static final String TOKEN = "c0ffee" + "0123456789abcdef0123456789abcdef";
    static final String GATEWAY_IP = "192.0.2.10";
    /** The gateway, as our reverse proxy (here: loopback) reports it. */
    static final Map<String, String> FROM_GATEWAY = Map.of("X-Forwarded-For", GATEWAY_IP);
    static final HttpClient HTTP = HttpClient.newHttpClient();

    static Server guarded;

    @BeforeAll
    static void start() throws Exception {
        guarded = TestServers.start(Map.of(
                "USSD_CALLBACK_TOKEN", TOKEN,
                "USSD_ALLOWED_IPS", "192.0.2.0/24, 2001:db8::/32",
                "TRUSTED_PROXIES", "127.0.0.1, ::1",
                "USSD_SERVICE_CODES", "*123#, *384*55#"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (guarded != null) guarded.close();
    }

    static String base() {
        return Phone.base(guarded.port());
    }

    static String callbackUrl() {
        return base() + "/ussd/africastalking/" + TOKEN;
    }

    static Ussd.Reply post(String url, Map<String, String> form, Map<String, String> headers) {
        return Ussd.postAt(url, form, headers);
    }

    static HttpResponse<String> raw(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("X-Forwarded-For", GATEWAY_IP)
                .POST(HttpRequest.BodyPublishers.ofString(Ussd.encode(new Phone("s", Phone.freshNumber()).form(""))))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    static boolean hasSession(String number) {
        return !await(guarded.redis().scan(Keys.ussdSessions(number))).isEmpty();
    }

    @Test
    @DisplayName("the gateway, at the secret URL, from its address, for our code, walks the menus")
    void theRealGatewayIsServed() {
        Phone phone = new Phone(Phone.freshSessionId("gw"), Phone.freshNumber());
        continues(post(callbackUrl(), phone.form(""), FROM_GATEWAY));
        assertThat(continues(post(callbackUrl(), phone.form("1"), FROM_GATEWAY)).screen())
                .startsWith("Taama: migration et droits");
        assertThat(hasSession(phone.number())).isTrue();
    }

    @Nested
    @DisplayName("without the token")
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class Token {
        @ParameterizedTest(name = "{0} answers exactly as an unknown path")
        @ValueSource(strings = {
                "/ussd/africastalking",
                "/ussd/africastalking/",
                "/ussd/africastalking/wrong",
                "/ussd/africastalking/c0ffee0123456789abcdef0123456789abcdee",
                "/ussd/africastalking/c0ffee0123456789abcdef0123456789abcdef0",
                "/ussd/africastalking/C0FFEE0123456789ABCDEF0123456789ABCDEF",
                "/ussd/africastalking/c0ffee0123456789abcdef0123456789abcdef/extra",
                "/ussd/africastalking/%00",
                "/ussd/africastalking/..%2Fc0ffee0123456789abcdef0123456789abcdef",
        })
        void wrongTokenIsAnUnknownPath(String path) throws Exception {
            HttpResponse<String> unknown = raw(base() + "/no/such/path");
            HttpResponse<String> r = raw(base() + path);
            assertThat(r.statusCode()).isEqualTo(404);
            assertThat(r.body()).isEqualTo(unknown.body()).doesNotContain(TOKEN);
            assertThat(r.headers().map().keySet()).isEqualTo(unknown.headers().map().keySet());
            assertThat(r.headers().firstValue("Content-Type")).isEqualTo(unknown.headers().firstValue("Content-Type"));
        }

        @Test
        @DisplayName("a forger with a victim's number and session neither reads nor moves it")
        void forgerCannotResumeAVictim() {
            Phone victim = new Phone(Phone.freshSessionId("victim"), Phone.freshNumber());
            continues(post(callbackUrl(), victim.form(""), FROM_GATEWAY));
            continues(post(callbackUrl(), victim.form("1"), FROM_GATEWAY));
            String before = await(guarded.redis().get(await(guarded.redis().scan(Keys.ussdSessions(victim.number()))).get(0)));

            // The forger replays the victim's session into the call-back menu, at the URL it can guess.
            Ussd.Reply forged = post(base() + "/ussd/africastalking", victim.form("1*6"), FROM_GATEWAY);
            assertThat(forged.status()).isEqualTo(404);
            assertThat(forged.body()).doesNotContain("Taama").doesNotContain("CON").doesNotContain("END");

            String after = await(guarded.redis().get(await(guarded.redis().scan(Keys.ussdSessions(victim.number()))).get(0)));
            assertThat(after).as("the victim's session is untouched").isEqualTo(before);
            // And the victim's own next key still lands where they were.
            assertThat(continues(post(callbackUrl(), victim.form("1*1"), FROM_GATEWAY)).screen()).startsWith("Vos droits");
        }

        @Test
        @DisplayName("a forged callback for a number nobody used leaves nothing in Redis (did this number use Taama?)")
        void nothingStoredForAForgedNumber() {
            Phone stranger = new Phone(Phone.freshSessionId("probe"), Phone.freshNumber());
            assertThat(post(base() + "/ussd/africastalking/guess", stranger.form(""), FROM_GATEWAY).status()).isEqualTo(404);
            assertThat(hasSession(stranger.number())).isFalse();
            assertThat(await(guarded.redis().get(Keys.lang(stranger.number())))).isNull();
        }
    }

    @Nested
    @DisplayName("from an address that is not the gateway's")
    class Addresses {
        @Test
        @DisplayName("the right URL from elsewhere → 403, one line, nothing stored")
        void elsewhereIs403() {
            Phone phone = new Phone(Phone.freshSessionId("ip"), Phone.freshNumber());
            refused(post(callbackUrl(), phone.form(""), Map.of("X-Forwarded-For", "198.51.100.7")), 403, "gateway");
            refused(post(callbackUrl(), phone.form(""), Map.of()), 403, "gateway");
            assertThat(hasSession(phone.number())).isFalse();
        }

        @Test
        @DisplayName("a client cannot slip the gateway's address in front of its own: the right-most stranger counts")
        void forgedHopIsNotBelieved() {
            Phone phone = new Phone(Phone.freshSessionId("xff"), Phone.freshNumber());
            refused(post(callbackUrl(), phone.form(""), Map.of("X-Forwarded-For", GATEWAY_IP + ", 198.51.100.7")), 403, null);
            continues(post(callbackUrl(), phone.form(""), Map.of("X-Forwarded-For", "198.51.100.7, " + GATEWAY_IP)));
            continues(post(callbackUrl(), phone.form(""), Map.of("X-Forwarded-For", "2001:db8::5")));
        }

        @Test
        @DisplayName("a wrong token from elsewhere is still only a 404: the address check does not reveal the route")
        void wrongTokenFromElsewhere() {
            Phone phone = new Phone(Phone.freshSessionId("ip404"), Phone.freshNumber());
            assertThat(post(base() + "/ussd/africastalking/nope", phone.form(""), Map.of()).status()).isEqualTo(404);
        }
    }

    @Nested
    @DisplayName("for another service code")
    class ServiceCodes {
        @ParameterizedTest(name = "serviceCode \"{0}\" is served")
        @ValueSource(strings = {"*123#", "*123%23", " *123# ", "123", "*384*55#", "*384*55%23"})
        void ourCodes(String code) {
            Phone phone = new Phone(Phone.freshSessionId("code"), Phone.freshNumber());
            Map<String, String> form = phone.form("");
            form.put("serviceCode", code);
            continues(post(callbackUrl(), form, FROM_GATEWAY));
        }

        @ParameterizedTest(name = "serviceCode \"{0}\" → an END screen in both languages, nothing stored")
        @ValueSource(strings = {"*999#", "*1234#", "*384#", "*384*56#", "", "#", "*", "*12a#", "%zz", "*123#\u0000",
                "*123#*123#", "999999999999999999999999999999999999999999999999999999999999"})
        void otherCodes(String code) {
            Phone phone = new Phone(Phone.freshSessionId("other"), Phone.freshNumber());
            Map<String, String> form = phone.form("");
            form.put("serviceCode", code);
            Ussd.Reply r = ends(post(callbackUrl(), form, FROM_GATEWAY));
            assertThat(r.screen()).contains("Service indisponible").contains("sèriwusi");
            assertThat(hasSession(phone.number())).isFalse();
        }

        @Test
        @DisplayName("refusals are counted, so an operator sees a misrouted code or a forger")
        void counted() throws Exception {
            Map<String, String> form = new Phone(Phone.freshSessionId("m"), Phone.freshNumber()).form("");
            form.put("serviceCode", "*999#");
            ends(post(callbackUrl(), form, FROM_GATEWAY));
            String metrics = HTTP.send(HttpRequest.newBuilder(URI.create(base() + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertThat(metrics.lines().filter(l -> l.startsWith("taama_ussd_hops_total")
                    && l.contains("outcome=\"wrong_code\"")).toList()).isNotEmpty();
        }
    }

    @Nested
    @DisplayName("without a trusted proxy")
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class NoProxy {
        Server direct;

        @BeforeAll
        void start() throws Exception {
            direct = TestServers.start(Map.of("USSD_ALLOWED_IPS", "192.0.2.0/24"));
        }

        @AfterAll
        void stop() throws Exception {
            if (direct != null) direct.close();
        }

        @Test
        @DisplayName("an X-Forwarded-For naming the gateway is not believed from anyone")
        void headerIgnored() {
            Phone phone = new Phone(Phone.freshSessionId("np"), Phone.freshNumber());
            refused(Ussd.postAt(Phone.base(direct.port()) + "/ussd/africastalking", phone.form(""),
                    Map.of("X-Forwarded-For", GATEWAY_IP)), 403, "gateway");
        }

        @Test
        @DisplayName("with no token set, the plain path is the callback and a token path is unknown")
        void noTokenPlainPath() {
            Phone phone = new Phone(Phone.freshSessionId("np2"), Phone.freshNumber());
            assertThat(Ussd.postAt(Phone.base(direct.port()) + "/ussd/africastalking/" + TOKEN, phone.form(""),
                    Map.of()).status()).isEqualTo(404);
        }
    }

    @Test
    @DisplayName("settings are checked at start: a short token is refused without printing it")
    void badSettingsStopTheStart() {
        List.of("short", "has space in it 0123456789abcdef", "x".repeat(300)).forEach(t ->
                org.assertj.core.api.Assertions.assertThatThrownBy(() -> TestServers.start(Map.of("USSD_CALLBACK_TOKEN", t)))
                        .hasMessageContaining("USSD_CALLBACK_TOKEN").message().doesNotContain(t));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> TestServers.start(Map.of("USSD_SERVICE_CODES", "*123#,abc")))
                .hasMessage("USSD_SERVICE_CODES: entry 2 ('abc') is not a USSD code such as *123# or *384*55#");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> TestServers.start(Map.of("USSD_ALLOWED_IPS", "10.0.0.0/33")))
                .hasMessageStartingWith("USSD_ALLOWED_IPS: entry 1");
    }
}
