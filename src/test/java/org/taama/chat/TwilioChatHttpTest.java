package org.taama.chat;

import com.twilio.security.RequestValidator;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.ClassOrderer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestClassOrder;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.taama.consent.ConsentStore;
import org.taama.i18n.Gsm;
import org.taama.i18n.Locales;
import org.taama.i18n.Spelling;
import org.taama.lint.Content;
import org.taama.privacy.CallerHash;
import org.taama.privacy.Digests;
import org.taama.privacy.NumberCipher;
import org.taama.server.Server;
import org.taama.support.TestServers;

import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The SMS/WhatsApp channel end to end: Twilio's signed webhook in, TwiML out, against a real server on
 * real Redis. The server is configured as it runs behind a proxy: it checks signatures against
 * PUBLIC_BASE_URL + path, so every request here is signed for https://taama.example.org/twilio/messages.
 */
@DisplayName("SMS and WhatsApp over Twilio's webhook")
@TestClassOrder(ClassOrderer.OrderAnnotation.class)
class TwilioChatHttpTest {
    static final CallerHash CALLERS = new CallerHash(Base64.getDecoder().decode(TestServers.HASH_KEY));
    static final NumberCipher CIPHER = new NumberCipher(Base64.getDecoder().decode(TestServers.ENCRYPTION_KEY));
    /** The server's SMS spelling with its defaults (SMS_GSM_SAFE=true, BM_GSM_PALATAL=ny). */
    static final Spelling SMS = Spelling.gsmSafe("ny");
    /** Every phone number any test here sent from: none may end up in Redis or /metrics. */
    static final Set<String> NUMBERS_USED = ConcurrentHashMap.newKeySet();

    static Server server;
    static Locales locales;

    @BeforeAll
    static void start() throws Exception {
        server = TestServers.start(Map.of("TWILIO_AUTH_TOKEN", Twilio.TOKEN, "PUBLIC_BASE_URL", Twilio.PUBLIC_BASE));
        locales = Content.load(Path.of("flows"), Path.of("locales")).locales();
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) server.close();
    }

    static int port() {
        return server.port();
    }

    /** A text as the locale files write it (the standard orthography: what WhatsApp shows). */
    static String text(String lang, String key) {
        String t = locales.text(lang, key);
        assertThat(t).as("locales/%s has %s", lang, key).isNotNull();
        return t;
    }

    /** A text as SMS shows it: GSM-safe spelling. */
    static String sms(String lang, String key) {
        return SMS.apply(text(lang, key));
    }

    static String caller(String number) {
        // A WhatsApp business-scoped id ("US.1234") is hashed whole, as the server does.
        return number.indexOf('.') > 0 ? CALLERS.ofId(number) : CALLERS.of(number);
    }

    static <T> T await(Future<T> f) {
        return org.taama.support.Await.result(f);
    }

    static List<String> callerKeys(String number) {
        return await(server.redis().scan("taama:{" + caller(number) + "}:*"));
    }

    static void forget(String number) {
        List<String> keys = callerKeys(number);
        if (!keys.isEmpty()) await(server.redis().del(keys.toArray(String[]::new)));
    }

    /** Where ChatService keeps the reply to one MessageSid (see its javadoc). */
    static String replayKey(String number, String messageSid) {
        return "taama:{" + caller(number) + "}:msg:"
                + HexFormat.of().formatHex(Digests.sha256(messageSid), 0, 12);
    }

    static Map<String, String> consent(String number) {
        return await(server.redis().hgetall(ConsentStore.key(caller(number))));
    }

    static List<JsonObject> consentLog(String number) {
        return await(server.redis().range(ConsentStore.logKey(caller(number)), 0, -1)).stream()
                .map(JsonObject::new).toList();
    }

    /** A person texting us, on SMS or WhatsApp, from a number no earlier run can have used. */
    static final class Texter {
        final String number;
        final boolean whatsapp;

        Texter(boolean whatsapp) {
            this("+2237" + String.format("%07d", ThreadLocalRandom.current().nextInt(10_000_000)), whatsapp);
        }

        private Texter(String number, boolean whatsapp) {
            this.number = number;
            this.whatsapp = whatsapp;
            NUMBERS_USED.add(number);
        }

        /** The same person, writing by SMS. */
        Texter onSms() {
            return new Texter(number, false);
        }

        static Texter sms() {
            return new Texter(false);
        }

        static Texter whatsapp() {
            return new Texter(true);
        }

        /** Someone WhatsApp shows us only by a business-scoped id, never by a number. */
        static Texter scopedWhatsapp() {
            return new Texter("US." + (1_000_000_000L + ThreadLocalRandom.current().nextLong(9_000_000_000L)), true);
        }

        static String freshSid() {
            return "SM" + HexFormat.of().formatHex(Digests.sha256(Long.toString(System.nanoTime())
                    + ThreadLocalRandom.current().nextLong()), 0, 16);
        }

        /** The form Twilio posts for one inbound text (PROTOCOLS.md §2.3). */
        Map<String, String> form(String sid, String body) {
            Map<String, String> f = new LinkedHashMap<>();
            f.put("ToCountry", "ML");
            f.put("SmsMessageSid", sid);
            f.put("NumMedia", "0");
            f.put("SmsSid", sid);
            f.put("SmsStatus", "received");
            if (body != null) f.put("Body", body);
            f.put("FromCountry", "ML");
            f.put("To", (whatsapp ? "whatsapp:" : "") + "+22320000000");
            f.put("NumSegments", "1");
            f.put("MessageSid", sid);
            f.put("AccountSid", "AC" + "0".repeat(32));
            f.put("From", (whatsapp ? "whatsapp:" : "") + number);
            f.put("ApiVersion", "2010-04-01");
            if (whatsapp) {
                f.put("ProfileName", "Test");
                f.put("WaId", number.substring(1));
                f.put("MessageType", "text");
            }
            return f;
        }

        Twilio.Reply post(Map<String, String> form) {
            return Twilio.post(port(), form);
        }

        /** Sends a text and returns the one message of the TwiML reply. */
        String send(String body) {
            return post(form(freshSid(), body)).message();
        }

        String caller() {
            return TwilioChatHttpTest.caller(number);
        }
    }

    static String languageMenu() {
        return text("fr", "main.language");
    }

    /**
     * How the first reply of a conversation opens: what Taama is and that STOP stops messages, in
     * both languages while the texter's is unknown, then the language menu.
     */
    static String firstReply(boolean whatsapp) {
        Spelling spelling = whatsapp ? Spelling.STANDARD : SMS;
        return spelling.apply(text("fr", "chat.intro")) + "\n" + spelling.apply(text("bm", "chat.intro"))
                + "\n" + languageMenu();
    }

    // ---------------------------------------------------------------------------------------------

    @Nested
    @Order(1)
    @DisplayName("1. signatures and Twilio's real payloads")
    class Signatures {
        static final String COURIER_NUMBER = "+14133881111";

        @Test
        @DisplayName("the test signer signs exactly as Twilio: the SDK's RequestValidator accepts its signatures")
        void signerAgreesWithTheSdk() {
            // Twilio's own vector (RequestValidatorTest, PROTOCOLS.md §2.1).
            Map<String, String> official = Map.of("Digits", "1234", "CallSid", "CA1234567890ABCDE",
                    "To", "+18005551212", "Caller", "+14158675309", "From", "+14158675309");
            assertThat(Twilio.sign("12345", "https://mycompany.com/myapp.php?foo=1&bar=2", official))
                    .isEqualTo("RSOYDt4T1cUTdK1PDd93/VVr8B8=");

            Map<String, String> ours = Texter.sms().form("SMabc", "Bonjour ɛ ɔ & < 😀");
            String signature = Twilio.sign(ours);
            RequestValidator sdk = new RequestValidator(Twilio.TOKEN);
            assertThat(sdk.validate(Twilio.URL, ours, signature)).isTrue();
            assertThat(sdk.validate(Twilio.URL, ours, Twilio.sign("another-token", Twilio.URL, ours))).isFalse();
            assertThat(sdk.validate("https://taama.example.org/other", ours, signature)).isFalse();
        }

        static Stream<Arguments> courierInbound() throws IOException {
            JsonArray cases = fixture().getJsonArray("inbound_messages");
            List<Arguments> out = new ArrayList<>();
            for (int i = 0; i < cases.size(); i++) {
                JsonObject c = cases.getJsonObject(i);
                out.add(Arguments.of(c.getString("name"), c));
            }
            return out.stream();
        }

        static JsonObject fixture() throws IOException {
            try (InputStream in = TwilioChatHttpTest.class.getResourceAsStream("/chat/twilio_webhooks.json")) {
                assertThat(in).as("src/test/resources/chat/twilio_webhooks.json").isNotNull();
                return new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
        }

        static Map<String, String> parsed(JsonObject c) {
            Map<String, String> m = new LinkedHashMap<>();
            c.getJsonObject("parsed").forEach(e -> m.put(e.getKey(), (String) e.getValue()));
            return m;
        }

        /** Decodes a raw form body the way a server does: the fixture's "parsed" must agree. */
        static Map<String, String> decode(String raw) {
            Map<String, String> m = new LinkedHashMap<>();
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                m.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
            return m;
        }

        static String numberOf(Map<String, String> form) {
            String from = form.get("From");
            return from.startsWith("whatsapp:") ? from.substring("whatsapp:".length()) : from;
        }

        @BeforeEach
        void aNewTexter() {
            NUMBERS_USED.add(COURIER_NUMBER);
            // The courier payloads all come from one number and mostly share one MessageSid: make each
            // case a first message from a caller we do not know.
            forget(COURIER_NUMBER);
        }

        @ParameterizedTest(name = "{0}")
        @MethodSource("courierInbound")
        @DisplayName("courier's inbound payload, signed, is answered with well-formed TwiML holding one message")
        void courierPayloadIsAnswered(String name, JsonObject c) {
            String raw = c.getString("raw_body");
            Map<String, String> form = parsed(c);
            assertThat(decode(raw)).as("the fixture's parsed form").isEqualTo(form);

            Twilio.Reply r = Twilio.postRaw(port(), raw, Twilio.sign(form));

            assertThat(r.status()).as(r.body()).isEqualTo(200);
            assertThat(r.contentType()).startsWith("text/xml");
            assertThat(r.body()).startsWith("<?xml");
            String reply = r.message();
            boolean whatsapp = form.get("From").startsWith("whatsapp:");
            // Any first message from someone new gets the (bilingual) language menu.
            Spelling spelling = whatsapp ? Spelling.STANDARD : SMS;
            String intro = spelling.apply(text("fr", "chat.intro")) + "\n" + spelling.apply(text("bm", "chat.intro"));
            assertThat(reply).startsWith(intro).contains(languageMenu())
                    .contains("1. " + spelling.apply(text("fr", "main.language.fr")))
                    .contains("2. " + spelling.apply(text("fr", "main.language.bm")));
            boolean mediaOnly = !"0".equals(form.get("NumMedia")) && form.get("Body") == null;
            if (mediaOnly) {
                String textOnly = whatsapp ? text("fr", "chat.text_only") : sms("fr", "chat.text_only");
                assertThat(reply).startsWith(intro + "\n" + textOnly);
            } else {
                assertThat(reply).doesNotContain(text("fr", "chat.text_only"));
            }
            String key = replayKey(numberOf(form), form.get("MessageSid"));
            String kept = await(server.redis().get(key));
            assertThat(kept).as("kept encrypted, not in clear").isNotEqualTo(reply);
            assertThat(CIPHER.decrypt(kept, caller(numberOf(form)) + ":" + key))
                    .as("the reply is kept for Twilio's retries").isEqualTo(reply);
        }

        @Test
        @DisplayName("parameters we do not know are part of the signature and are accepted")
        void unknownParametersAreSignedAndAccepted() throws IOException {
            Map<String, String> form = parsed(fixture().getJsonArray("inbound_messages").getJsonObject(0));
            Map<String, String> extended = new LinkedHashMap<>(form);
            extended.put("FutureParameter2031", "some value");
            extended.put("ChannelMetadata", "{\"type\":\"whatsapp\",\"data\":{\"context\":{}}}");

            Twilio.Reply signedWithout = Twilio.postRaw(port(), Twilio.encode(extended), Twilio.sign(form));
            assertThat(signedWithout.status()).as("a signature that leaves them out is not Twilio's").isEqualTo(403);

            Twilio.Reply r = Twilio.post(port(), extended);
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            assertThat(r.message()).contains(languageMenu());
        }

        static Stream<Arguments> negativeCases() throws IOException {
            JsonArray cases = fixture().getJsonArray("negative_cases");
            List<Arguments> out = new ArrayList<>();
            for (int i = 0; i < cases.size(); i++) {
                JsonObject c = cases.getJsonObject(i);
                if (!c.getString("case").contains("Signature")) continue;
                JsonObject headers = c.getJsonObject("headers");
                out.add(Arguments.of(c.getString("case"), c.getString("raw_body"),
                        headers == null ? null : headers.getString("X-Twilio-Signature")));
            }
            assertThat(out).hasSize(2);
            return out.stream();
        }

        @ParameterizedTest(name = "{0}")
        @MethodSource("negativeCases")
        @DisplayName("courier's unsigned or wrongly signed webhook is refused with 403 and nothing is stored")
        void badSignatureIsRefused(String name, String raw, String signature) {
            Map<String, String> form = decode(raw);
            Twilio.Reply r = Twilio.postRaw(port(), raw, signature);

            assertThat(r.status()).as(r.body()).isEqualTo(403);
            assertThat(r.body()).doesNotContain("<Message>");
            assertThat(await(server.redis().get(replayKey(COURIER_NUMBER, form.get("MessageSid"))))).isNull();
            assertThat(callerKeys(COURIER_NUMBER)).as("nothing at all stored for this caller").isEmpty();
        }

        @Test
        @DisplayName("a signature made for another URL, or with another token, is refused")
        void signatureForAnotherUrlOrTokenIsRefused() {
            Map<String, String> form = Texter.sms().form(Texter.freshSid(), "Salut");
            String otherUrl = Twilio.sign(Twilio.TOKEN, "http://localhost:" + port() + Twilio.PATH, form);
            assertThat(Twilio.postRaw(port(), Twilio.encode(form), otherUrl).status()).isEqualTo(403);
            String otherToken = Twilio.sign("not-the-token", Twilio.URL, form);
            assertThat(Twilio.postRaw(port(), Twilio.encode(form), otherToken).status()).isEqualTo(403);
            assertThat(callerKeys(form.get("From"))).isEmpty();
        }
    }

    // ---------------------------------------------------------------------------------------------

    @Nested
    @Order(2)
    @DisplayName("2. required fields")
    class RequiredFields {
        @ParameterizedTest(name = "without {0}")
        @ValueSource(strings = {"MessageSid", "From"})
        @DisplayName("a signed webhook without MessageSid or From is refused with 400 and a one-line reason")
        void signedButMissing(String field) {
            Texter t = Texter.sms();
            Map<String, String> form = t.form(Texter.freshSid(), "Salut");
            form.remove(field);

            Twilio.Reply r = t.post(form);

            assertThat(r.status()).as(r.body()).isEqualTo(400);
            String reason = r.body().strip();
            assertThat(reason).contains(field).doesNotContain("\n").doesNotContain("Exception");
            assertThat(callerKeys(t.number)).isEmpty();
        }

        @ParameterizedTest(name = "without {0}")
        @ValueSource(strings = {"MessageSid", "From"})
        @DisplayName("an unsigned webhook without MessageSid or From is refused with 403: the signature is checked first")
        void unsignedAndMissing(String field) {
            Texter t = Texter.sms();
            Map<String, String> form = t.form(Texter.freshSid(), "Salut");
            form.remove(field);

            Twilio.Reply r = Twilio.postRaw(port(), Twilio.encode(form), null);

            assertThat(r.status()).as(r.body()).isEqualTo(403);
            assertThat(r.body().strip()).doesNotContain("\n");
        }
    }

    // ---------------------------------------------------------------------------------------------

    @Nested
    @Order(3)
    @DisplayName("3. whole conversations")
    class Conversations {
        @Test
        @DisplayName("in French over SMS: language, main menu, rights, a text, back, home")
        void frenchOverSms() {
            Texter t = Texter.sms();

            String first = t.send("Salut");
            // GSM-safe: "Français" loses its cedilla (lower-case ç is not GSM-7).
            assertThat(first).startsWith(firstReply(false))
                    .contains("1. Francais").contains("2. Bamanankan");

            String home = t.send("1");
            assertThat(home).startsWith(sms("fr", "main.home"))
                    .contains("1. " + sms("fr", "main.home.rights"))
                    .contains("5. " + sms("fr", "main.home.subscribe"));
            assertThat(await(server.redis().get("taama:{" + t.caller() + "}:lang"))).isEqualTo("fr");

            String rights = t.send("1");
            assertThat(rights).startsWith(sms("fr", "rights.menu"))
                    .contains("6. " + sms("fr", "rights.menu.protection"))
                    .contains("0 " + sms("fr", "common.back")).contains("00 " + sms("fr", "common.home"));

            // The longest French text: on SMS (up to three segments) it comes whole, without "98".
            String protection = t.send("6");
            assertThat(protection).startsWith(sms("fr", "rights.protection"))
                    .contains("1. " + sms("fr", "common.get_help"))
                    .doesNotContain("98 ");
            assertThat(Gsm.septets(protection)).isBetween(1, 3 * 153);

            // Nothing to page: 98 is a wrong choice here, shown with the hint.
            String wrong = t.send("98");
            assertThat(wrong).startsWith(sms("fr", "common.invalid"));

            String back = t.send("0");
            assertThat(back).isEqualTo(rights);

            String again = t.send("00");
            assertThat(again).isEqualTo(home);
        }

        @ParameterizedTest(name = "WhatsApp: {0}")
        @ValueSource(booleans = {false, true})
        @DisplayName("the first reply says in one line per language what Taama is and that STOP stops messages; later replies do not")
        void firstReplySaysWhatTaamaIs(boolean whatsapp) {
            Spelling spelling = whatsapp ? Spelling.STANDARD : SMS;
            Texter t = new Texter(whatsapp);

            String first = t.send("Bonjour");

            String fr = spelling.apply(text("fr", "chat.intro"));
            String bm = spelling.apply(text("bm", "chat.intro"));
            assertThat(first.split("\n")).startsWith(fr, bm);
            assertThat(first).isEqualTo(firstReply(whatsapp) + first.substring(firstReply(whatsapp).length()));
            for (String line : List.of(fr, bm)) {
                assertThat(line).contains("Taama").contains("STOP");
            }
            if (!whatsapp) assertThat(org.taama.cost.SmsSegments.of(first).segments()).as("SMS parts").isLessThanOrEqualTo(3);

            String home = t.send("1");
            assertThat(home).startsWith(spelling.apply(text("fr", "main.home"))).doesNotContain(fr);
            assertThat(t.send("MENU")).isEqualTo(home);
            assertThat(t.send("1")).doesNotContain(fr);
        }

        @Test
        @DisplayName("in Bambara over WhatsApp the standard orthography; the same screen over SMS is GSM-safe")
        void bambaraOverWhatsAppAndSms() {
            Texter wa = Texter.whatsapp();
            assertThat(wa.send("I ni ce")).startsWith(firstReply(true));

            String waHome = wa.send("2");
            assertThat(waHome).startsWith(text("bm", "main.home"))
                    .contains("2. " + text("bm", "main.home.signs"))
                    .contains("4. " + text("bm", "main.home.help"));
            assertThat(waHome).containsAnyOf("ɛ", "ɔ");

            // The same caller writes by SMS: their language is known, so the main menu comes at once,
            // after the one line saying what Taama is, in their language only.
            Texter sameBySms = wa.onSms();
            String bySms = sameBySms.send("I ni ce");
            assertThat(bySms).startsWith(sms("bm", "chat.intro") + "\n" + sms("bm", "main.home"))
                    .doesNotContain(sms("fr", "chat.intro"))
                    .contains("2. " + sms("bm", "main.home.signs"));
            assertThat(bySms).doesNotContain("ɛ").doesNotContain("ɔ").doesNotContain("ɲ").doesNotContain("ŋ")
                    .containsAnyOf("è", "ò");
            assertThat(Gsm.septets(bySms)).as("all GSM-7").isPositive();
        }

        @Test
        @DisplayName("over SMS a text longer than three segments is paged: 98 next page, 0 back a page, 00 home")
        void pagingOverSms(@TempDir Path dir) throws Exception {
            // The real texts all fit three SMS segments; a copy of the content with one long French
            // text shows how the SMS channel pages.
            Path flows = copy(Path.of("flows"), dir.resolve("flows"));
            Path locs = copy(Path.of("locales"), dir.resolve("locales"));
            // Five copies, each told apart by its first word, so that no two pages read the same.
            String longText = String.join(" ", java.util.stream.Stream.of("Un.", "Deux.", "Trois.", "Quatre.", "Cinq.")
                    .map(w -> w + " " + text("fr", "rights.palermo")).toList());
            Path rightsFr = locs.resolve("fr/rights.yaml");
            String yaml = Files.readString(rightsFr);
            String original = "rights.palermo: \"" + text("fr", "rights.palermo") + "\"";
            assertThat(yaml).contains(original);
            Files.writeString(rightsFr, yaml.replace(original, "rights.palermo: \"" + longText + "\""));

            try (Server paged = TestServers.start(Map.of("TWILIO_AUTH_TOKEN", Twilio.TOKEN,
                    "PUBLIC_BASE_URL", Twilio.PUBLIC_BASE, "FLOWS_DIR", flows.toString(),
                    "LOCALES_DIR", locs.toString()))) {
                Texter t = Texter.sms();
                String home = Twilio.post(paged.port(), t.form(Texter.freshSid(), "MENU")).message();
                assertThat(home).startsWith(firstReply(false));
                Twilio.post(paged.port(), t.form(Texter.freshSid(), "1")).message();
                String rights = Twilio.post(paged.port(), t.form(Texter.freshSid(), "1")).message();
                assertThat(rights).startsWith(sms("fr", "rights.menu"));

                String page1 = Twilio.post(paged.port(), t.form(Texter.freshSid(), "3")).message();
                assertThat(page1).contains("98 " + sms("fr", "common.more"));
                assertThat(Gsm.septets(page1)).isBetween(1, 3 * 153);
                String body1 = page1.substring(0, page1.indexOf("\n98 "));
                assertThat(longText).startsWith(body1);

                String page2 = Twilio.post(paged.port(), t.form(Texter.freshSid(), "98")).message();
                assertThat(page2).isNotEqualTo(page1).contains("0 " + sms("fr", "common.back"));
                assertThat(Gsm.septets(page2)).isBetween(1, 3 * 153);
                String rest = longText.substring(body1.length()).strip();
                assertThat(rest).startsWith(page2.substring(0, Math.min(40, page2.length())));

                assertThat(Twilio.post(paged.port(), t.form(Texter.freshSid(), "0")).message()).isEqualTo(page1);
                assertThat(Twilio.post(paged.port(), t.form(Texter.freshSid(), "00")).message())
                        .startsWith(sms("fr", "main.home"));
            }
        }

        private Path copy(Path from, Path to) throws IOException {
            try (Stream<Path> files = Files.walk(from)) {
                for (Path p : files.toList()) {
                    Path target = to.resolve(from.relativize(p).toString());
                    if (Files.isDirectory(p)) Files.createDirectories(target);
                    else Files.copy(p, target);
                }
            }
            return to;
        }
    }

    // ---------------------------------------------------------------------------------------------

    @Nested
    @Order(4)
    @DisplayName("4. Twilio's retries")
    class Idempotency {
        @Test
        @DisplayName("the same MessageSid twice gets the same reply and moves the conversation once")
        void sameMessageTwice() {
            Texter t = Texter.sms();
            assertThat(t.send("Salut")).startsWith(firstReply(false));

            Map<String, String> choice = t.form(Texter.freshSid(), "1");
            String first = t.post(choice).message();
            String retry = t.post(choice).message();

            assertThat(first).startsWith(sms("fr", "main.home"));
            assertThat(retry).isEqualTo(first);
            // One step from the main menu is the rights menu; two steps would be a text of that menu.
            assertThat(t.send("1")).startsWith(sms("fr", "rights.menu"))
                    .contains("1. " + sms("fr", "rights.menu.definition"));
        }

        @Test
        @DisplayName("a retry that arrives while the first delivery is still being answered waits its turn and gets the same reply")
        void retryWhileInProgress() throws Exception {
            for (int round = 0; round < 5; round++) {
                Texter t = Texter.sms();
                assertThat(t.send("Salut")).startsWith(firstReply(false));
                t.send("1");                                           // Français: main menu
                Map<String, String> rights = t.form(Texter.freshSid(), "1");
                var delivery = java.util.concurrent.CompletableFuture.supplyAsync(() -> t.post(rights).message());
                var retry = java.util.concurrent.CompletableFuture.supplyAsync(() -> t.post(rights).message());

                String first = delivery.get(10, TimeUnit.SECONDS);
                assertThat(first).as("round " + round).startsWith(sms("fr", "rights.menu"));
                assertThat(retry.get(10, TimeUnit.SECONDS)).as("round " + round).isEqualTo(first);
                // Moved once: "1" now picks the first right, not a text two menus down.
                assertThat(t.send("1")).as("round " + round).startsWith(sms("fr", "rights.definition"));
            }
        }

        @Test
        @DisplayName("an empty marker an older version left before answering is not an answer: the message is answered afresh")
        void olderInProgressMarkerIsNotAnAnswer() {
            Texter t = Texter.sms();
            t.send("Salut");
            Map<String, String> choice = t.form(Texter.freshSid(), "1");
            await(server.redis().setIfAbsent(replayKey(t.number, choice.get("MessageSid")), "", Duration.ofMinutes(1)));

            assertThat(t.post(choice).message()).startsWith(sms("fr", "main.home"));
            assertThat(t.post(choice).message()).as("and kept for the next retry").startsWith(sms("fr", "main.home"));
        }

        @Test
        @DisplayName("a retry with the same MessageSid but another Body gets the first reply and changes nothing")
        void sameSidOtherBody() {
            Texter t = Texter.sms();
            t.send("Salut");
            String sid = Texter.freshSid();
            String home = t.post(t.form(sid, "1")).message();
            assertThat(home).startsWith(sms("fr", "main.home"));

            assertThat(t.post(t.form(sid, "2")).message()).isEqualTo(home);
            assertThat(t.post(t.form(sid, "STOP")).message()).isEqualTo(home);
            assertThat(consent(t.number)).as("the forged STOP was not applied").isEmpty();
            assertThat(t.send("1")).startsWith(sms("fr", "rights.menu"));
        }

        @Test
        @DisplayName("a MessageSid reused from another number gets that number's own answer, never the first one's reply")
        void sameSidOtherNumber() {
            Texter a = Texter.sms();
            Texter b = Texter.sms();
            String sid = Texter.freshSid();
            a.send("Salut");
            a.send("1");
            assertThat(a.post(a.form(sid, "STOP")).message()).isEqualTo(sms("fr", "consent.stopped"));

            assertThat(b.post(b.form(sid, "Salut")).message()).startsWith(firstReply(false));
            assertThat(consent(b.number)).isEmpty();
            assertThat(consent(a.number)).containsEntry("status", "out");
        }
    }

    // ---------------------------------------------------------------------------------------------

    @Nested
    @Order(4)
    @DisplayName("two texts from one person at the same instant")
    class SameInstant {
        @Test
        @DisplayName("are both applied, one after the other: neither answer is lost")
        void bothApplied() throws Exception {
            for (int round = 0; round < 5; round++) {
                Texter t = Texter.sms();
                t.send("Salut");
                t.send("1");                                           // Français: main menu
                var first = java.util.concurrent.CompletableFuture.supplyAsync(() -> t.send("1"));
                var second = java.util.concurrent.CompletableFuture.supplyAsync(() -> t.send("2"));
                first.get(10, java.util.concurrent.TimeUnit.SECONDS);
                second.get(10, java.util.concurrent.TimeUnit.SECONDS);
                String stored = await(server.redis().get("taama:{" + t.caller() + "}:chat:sms"));
                // 1 then 2: rights → the law; 2 then 1: signs → deception. A lost answer stops one menu short.
                assertThat(stored).as("round " + round).containsAnyOf("\"n\":\"rights.law\"",
                        "\"n\":\"signs.deception\"");
            }
        }
    }

    @Nested
    @Order(5)
    @DisplayName("5. consent: STOP and START")
    class Consent {
        static Stream<Arguments> stopWords() {
            List<Arguments> out = new ArrayList<>();
            for (String w : List.of("STOP", "ARRET", "ARRÊT", "stop", "STOPALL", "UNSUBSCRIBE")) {
                out.add(Arguments.of(w, "fr", false));
            }
            out.add(Arguments.of("Stop", "fr", true));
            String bm = locales.text("bm", "keywords.stop");
            for (String w : bm.split(",")) out.add(Arguments.of(w.strip(), "bm", false));
            out.add(Arguments.of(bm.split(",")[bm.split(",").length - 1].strip(), "bm", true));
            return out.stream();
        }

        @BeforeAll
        static void contentLoaded() {
            // stopWords() reads the locales: load them even when this class runs alone.
            if (locales == null) locales = Content.load(Path.of("flows"), Path.of("locales")).locales();
        }

        /** A caller who chose a language and then sent START. */
        static Texter subscribed(String lang, boolean whatsapp) {
            Texter t = new Texter(whatsapp);
            assertThat(t.send("Salut")).startsWith(firstReply(whatsapp));
            t.send(lang.equals("fr") ? "1" : "2");
            String started = t.send("START");
            assertThat(started).isEqualTo(whatsapp ? text(lang, "consent.started") : sms(lang, "consent.started"));
            assertThat(consent(t.number)).containsEntry("status", "in").containsKey("number");
            return t;
        }

        @ParameterizedTest(name = "{0} from a {1} caller (WhatsApp: {2})")
        @MethodSource("stopWords")
        @DisplayName("a stop word opts out at once, in the caller's language, and drops the number")
        void stopWordOptsOut(String word, String lang, boolean whatsapp) {
            Texter t = subscribed(lang, whatsapp);
            Instant before = Instant.now().minusSeconds(1);

            String reply = t.send(word);

            assertThat(reply).isEqualTo(whatsapp ? text(lang, "consent.stopped") : sms(lang, "consent.stopped"));
            Map<String, String> c = consent(t.number);
            assertThat(c).containsEntry("status", "out").containsEntry("channel", whatsapp ? "whatsapp" : "sms")
                    .doesNotContainKey("number");
            assertThat(await(new org.taama.consent.Subscribers(server.redis(), java.time.Clock.systemUTC()).listed(t.caller()))).isFalse();
            List<JsonObject> log = consentLog(t.number);
            assertThat(log).hasSizeGreaterThanOrEqualTo(2);
            JsonObject newest = log.get(0);
            assertThat(newest.getString("action")).isEqualTo("opt_out");
            assertThat(newest.getString("channel")).isEqualTo(whatsapp ? "whatsapp" : "sms");
            Instant at = Instant.parse(newest.getString("at"));
            assertThat(at).isBetween(before, Instant.now().plusSeconds(1));
            assertThat(log.get(1).getString("action")).isEqualTo("opt_in");
        }

        @ParameterizedTest(name = "WhatsApp: {0}")
        @ValueSource(booleans = {false, true})
        @DisplayName("START opts in, in the caller's language, with the number kept encrypted")
        void startOptsIn(boolean whatsapp) {
            Texter t = new Texter(whatsapp);

            String reply = t.send("START");

            // A caller we do not know yet: the default language, French.
            assertThat(reply).isEqualTo(whatsapp ? text("fr", "consent.started") : sms("fr", "consent.started"));
            Map<String, String> c = consent(t.number);
            assertThat(c).containsEntry("status", "in").containsEntry("channel", whatsapp ? "whatsapp" : "sms")
                    .containsEntry("lang", "fr").containsKey("at");
            String stored = c.get("number");
            assertThat(stored).isNotBlank().isNotEqualTo(t.number)
                    .doesNotContain(t.number.substring(1)).doesNotContain(t.number.substring(4));
            assertThat(CIPHER.decrypt(stored, t.caller())).isEqualTo(t.number);
            assertThat(await(new org.taama.consent.Subscribers(server.redis(), java.time.Clock.systemUTC()).listed(t.caller()))).isTrue();
            List<JsonObject> log = consentLog(t.number);
            assertThat(log).isNotEmpty();
            assertThat(log.get(0).getString("action")).isEqualTo("opt_in");
        }

        @Test
        @DisplayName("after STOP, START opts in again")
        void startAfterStop() {
            Texter t = subscribed("fr", false);
            assertThat(t.send("STOP")).isEqualTo(sms("fr", "consent.stopped"));
            assertThat(t.send("start")).isEqualTo(sms("fr", "consent.started"));
            assertThat(consent(t.number)).containsEntry("status", "in");
            assertThat(CIPHER.decrypt(consent(t.number).get("number"), t.caller())).isEqualTo(t.number);
        }

        @ParameterizedTest(name = "WhatsApp: {0}")
        @ValueSource(booleans = {false, true})
        @DisplayName("after STOP only START and the help words are answered; anything else gets an empty Response")
        void afterStopOnlyStartAndHelp(boolean whatsapp) {
            Texter t = subscribed("fr", whatsapp);
            Spelling spelling = whatsapp ? Spelling.STANDARD : SMS;
            t.send("1");                                                  // somewhere in the menus
            assertThat(t.send("STOP")).isEqualTo(spelling.apply(text("fr", "consent.stopped")));
            String channel = whatsapp ? "whatsapp" : "sms";
            String stateBefore = await(server.redis().get("taama:{" + t.caller() + "}:chat:" + channel));

            for (String body : List.of("MENU", "1", "00", "Salut", "", "\u0000\u001b[31m", "9".repeat(1600))) {
                Twilio.Reply r = t.post(t.form(Texter.freshSid(), body));
                assertThat(r.status()).as(body).isEqualTo(200);
                assertThat(r.contentType()).startsWith("text/xml");
                assertThat(r.messages()).as("nothing sent back to \"%s\"", body).isEmpty();
            }
            assertThat(await(server.redis().get("taama:{" + t.caller() + "}:chat:" + channel)))
                    .as("the conversation did not move").isEqualTo(stateBefore);

            String help = spelling.apply(text("fr", "consent.help"));
            for (String word : List.of("AIDE", "aide", "HELP", "Info")) {
                assertThat(t.send(word)).as(word).isEqualTo(help);
            }
            assertThat(consent(t.number)).as("help does not opt back in").containsEntry("status", "out");

            assertThat(t.send("START")).isEqualTo(spelling.apply(text("fr", "consent.started")));
            assertThat(t.send("MENU")).startsWith(spelling.apply(text("fr", "main.home")));
        }

        @Test
        @DisplayName("after STOP a Bambara texter's help word gets the Bambara help line")
        void bambaraHelpAfterStop() {
            Texter t = subscribed("bm", false);
            t.send("DABILA");
            assertThat(t.send("DEME")).isEqualTo(sms("bm", "consent.help"));
            assertThat(t.send("DƐMƐ")).isEqualTo(sms("bm", "consent.help"));
            assertThat(t.post(t.form(Texter.freshSid(), "MENU")).messages()).isEmpty();
        }

        @Test
        @DisplayName("a STOP replayed with the same MessageSid and another Body gets the STOP reply again and stays stopped")
        void stopReplayedWithAnotherBody() {
            Texter t = subscribed("fr", false);
            String sid = Texter.freshSid();
            String stopped = t.post(t.form(sid, "STOP")).message();
            assertThat(stopped).isEqualTo(sms("fr", "consent.stopped"));
            long optOuts = consentLog(t.number).stream().filter(e -> e.getString("action").equals("opt_out")).count();

            for (String body : List.of("START", "STOP", "1", "")) {
                assertThat(t.post(t.form(sid, body)).message()).as(body).isEqualTo(stopped);
            }
            assertThat(consent(t.number)).containsEntry("status", "out").doesNotContainKey("number");
            assertThat(consentLog(t.number).stream().filter(e -> e.getString("action").equals("opt_out")).count())
                    .as("the retries did not opt out again").isEqualTo(optOuts);
        }

        @Test
        @DisplayName("the subscribe menu over SMS subscribes with the language and region chosen")
        void subscribeMenu() {
            Texter t = Texter.sms();
            t.send("Salut");
            String home = t.send("1");
            assertThat(home).contains("5. " + sms("fr", "main.home.subscribe"));

            assertThat(t.send("5")).startsWith(sms("fr", "subscribe.menu"));
            String regions = t.send("1");
            assertThat(regions).startsWith(sms("fr", "subscribe.region"))
                    .contains("2. " + sms("fr", "region.kayes"));
            assertThat(consent(t.number)).as("not before the region is chosen").isEmpty();

            String done = t.send("2");
            assertThat(done).startsWith(sms("fr", "subscribe.done"));
            Map<String, String> c = consent(t.number);
            assertThat(c).containsEntry("status", "in").containsEntry("lang", "fr").containsEntry("region", "kayes")
                    .containsEntry("channel", "sms");
            assertThat(CIPHER.decrypt(c.get("number"), t.caller())).isEqualTo(t.number);
            assertThat(await(new org.taama.consent.Subscribers(server.redis(), java.time.Clock.systemUTC()).listed(t.caller()))).isTrue();
        }

        @Test
        @DisplayName("a WhatsApp account that shows no number is told it cannot be written to, never thanked")
        void subscribeWithoutANumber() {
            Texter t = Texter.scopedWhatsapp();
            t.send("Salut");
            t.send("1");
            t.send("5");
            t.send("1");
            String answer = t.send("2");
            assertThat(answer).startsWith(text("fr", "subscribe.cannot"))
                    .doesNotContain(text("fr", "subscribe.done@whatsapp"));
            assertThat(consent(t.number)).as("nothing is stored for an address we cannot write to").isEmpty();
            assertThat(await(new org.taama.consent.Subscribers(server.redis(), java.time.Clock.systemUTC()).listed(t.caller()))).isFalse();
        }
    }

    // ---------------------------------------------------------------------------------------------

    @Nested
    @Order(6)
    @DisplayName("6. menu keywords")
    class MenuKeywords {
        @ParameterizedTest(name = "\"{0}\"")
        @ValueSource(strings = {"MENU", "AIDE", "aide", " Menu ", "Aide!", "HELP"})
        @DisplayName("MENU or a help word (AIDE, HELP) in the middle of a conversation goes back to the main menu")
        void menuRestarts(String word) {
            Texter t = Texter.sms();
            t.send("Salut");
            String home = t.send("1");
            t.send("1");
            String palermo = t.send("3");
            assertThat(palermo).startsWith(sms("fr", "rights.palermo"));

            assertThat(t.send(word)).isEqualTo(home);
            // And the conversation goes on from there.
            assertThat(t.send("1")).startsWith(sms("fr", "rights.menu"));
        }
    }

    // ---------------------------------------------------------------------------------------------

    @Nested
    @Order(7)
    @DisplayName("7. hostile input")
    class Hostile {
        static final String MEDIA = "media";

        static Stream<Arguments> cases() {
            Map<String, String> inputs = new LinkedHashMap<>();
            inputs.put("1,600 characters", "a".repeat(1600));
            inputs.put("5,000 characters", "Lorem ipsum ".repeat(417).substring(0, 5000));
            inputs.put("emoji only", "😀🙏🏿🇲🇱");
            inputs.put("empty body", "");
            inputs.put("media without text", MEDIA);
            inputs.put("control characters", "\u0000\u0001\u0007\u001b[31m\u007f\b\f");
            inputs.put("XML-breaking text", "</Message><script>alert(1)</script>]]>&amp;<!--");
            inputs.put("right-to-left override", "\u202e1");
            List<Arguments> out = new ArrayList<>();
            for (boolean whatsapp : List.of(false, true)) {
                String lang = whatsapp ? "bm" : "fr";
                inputs.forEach((name, body) -> out.add(Arguments.of(name, body, lang, whatsapp)));
            }
            return out.stream();
        }

        @ParameterizedTest(name = "{0} ({2}, WhatsApp: {3})")
        @MethodSource("cases")
        @DisplayName("hostile input gets a friendly TwiML reply in the caller's language, and the conversation goes on")
        void friendlyReply(String name, String body, String lang, boolean whatsapp) {
            Texter t = new Texter(whatsapp);
            t.send("Salut");
            String home = t.send(lang.equals("fr") ? "1" : "2");
            Spelling spelling = whatsapp ? Spelling.STANDARD : SMS;
            assertThat(home).startsWith(spelling.apply(text(lang, "main.home")));

            Map<String, String> form;
            if (body.equals(MEDIA)) {
                form = t.form(Texter.freshSid(), null);
                form.put("NumMedia", "1");
                form.put("MediaContentType0", "image/jpeg");
                form.put("MediaUrl0", "https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1");
            } else {
                form = t.form(Texter.freshSid(), body);
            }
            Twilio.Reply r = t.post(form);

            assertThat(r.status()).as(r.body()).isEqualTo(200);
            assertThat(r.contentType()).startsWith("text/xml");
            assertThat(r.body()).doesNotContain("Exception").doesNotContain("<script>");
            String reply = r.message();
            assertThat(reply).contains(spelling.apply(text(lang, "main.home")));
            if (body.equals(MEDIA)) {
                assertThat(reply).startsWith(spelling.apply(text(lang, "chat.text_only")));
            } else if (!body.isEmpty()) {
                assertThat(reply).startsWith(spelling.apply(text(lang, "common.invalid")));
            } else {
                assertThat(reply).isEqualTo(home);
            }
            assertThat(t.send("1")).startsWith(spelling.apply(text(lang, "rights.menu")));
        }

        @ParameterizedTest(name = "signature: {0}")
        @ValueSource(strings = {"none", "some", "of-the-decodable-part"})
        @DisplayName("a malformed form (bad % escape) is refused with 400 or 403, never 5xx")
        void malformedForm(String how) {
            Texter t = Texter.sms();
            String raw = "MessageSid=SMbad&From=" + t.number.replace("+", "%2B") + "&Body=%ZZ%E0%A4%";
            String signature = switch (how) {
                case "none" -> null;
                case "some" -> "c29tZXRoaW5n";
                default -> Twilio.sign(Map.of("MessageSid", "SMbad", "From", t.number, "Body", ""));
            };
            Twilio.Reply r = Twilio.postRaw(port(), raw, signature);
            assertThat(r.status()).as(r.body()).isIn(400, 403);
            assertThat(r.body().strip()).doesNotContain("\n").doesNotContain("Exception");
            assertThat(callerKeys(t.number)).isEmpty();
        }
    }

    // ---------------------------------------------------------------------------------------------

    @Nested
    @Order(99)
    @DisplayName("8. privacy, after all the conversations above")
    class Privacy {
        List<String> forms() {
            List<String> out = new ArrayList<>();
            for (String n : NUMBERS_USED) {
                out.add(n);
                out.add(n.substring(1));
                if (n.startsWith("+223")) out.add(n.substring(4));
            }
            return out;
        }

        @Test
        @DisplayName("no Redis key or value holds a number that texted us")
        void notInRedis() throws Exception {
            assertThat(NUMBERS_USED).as("the tests above did send texts").hasSizeGreaterThan(20);
            List<String> keys = await(server.redis().scan("*"));
            assertThat(keys).as("the texts above did write to Redis")
                    .anyMatch(k -> k.endsWith(":chat:sms")).anyMatch(k -> k.endsWith(":chat:whatsapp"))
                    .anyMatch(k -> k.endsWith(":consent"));
            String all = org.taama.support.RedisDump.everything(server.redis());
            assertThat(all).contains("\"action\":\"opt_out\""); // consent logs are read: the scan reads values
            for (String form : forms()) org.taama.support.NumberLeaks.assertAbsent(all, form, "Redis");
        }

        @Test
        @DisplayName("/metrics does not show a number that texted us")
        void notInMetrics() {
            HttpResponse<String> r = Twilio.get(port(), "/metrics");
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).contains("taama_chat_messages_total");
            for (String form : forms()) assertThat(r.body()).as("/metrics").doesNotContain(form);
        }

    }
}
