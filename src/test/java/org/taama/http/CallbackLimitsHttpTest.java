package org.taama.http;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.taama.cases.CaseStore;
import org.taama.privacy.CallerHash;
import org.taama.privacy.NumberCipher;
import org.taama.privacy.Secrets;
import org.taama.server.Server;
import org.taama.support.Await;
import org.taama.support.TestServers;
import org.taama.support.Ussd;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What one caller can make happen with a call-back request: one open case at a time, a typed number
 * read back and stored canonically, only numbers of the allowed countries, and a readable screen for
 * whatever is typed.
 */
class CallbackLimitsHttpTest {
    static final CallerHash CALLERS = new CallerHash(Secrets.decode("HASH_KEY", TestServers.HASH_KEY, 32));
    static final NumberCipher CIPHER = new NumberCipher(Secrets.decode("ENCRYPTION_KEY", TestServers.ENCRYPTION_KEY, 32));
    static Server server;

    @BeforeAll
    static void start() throws Exception {
        server = TestServers.start();
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    /** Dials and answers up to "Quel numéro appeler ?" (morning, no message). */
    static Ussd atWhich(String number) {
        Ussd phone = new Ussd(server.port(), Phone.freshSessionId("cbl"), number);
        if (phone.dial().screen().contains("Bamanankan")) phone.type("1");   // Français, for a new caller
        phone.type("6");                                                     // Etre rappelé
        phone.type("1");                                                     // Demander un appel
        phone.type("1");                                                     // Le matin
        assertThat(Screens.continues(phone.type("2")).screen()).contains("Quel num");   // no message
        return phone;
    }

    static List<Map<String, String>> casesOf(String number) {
        Set<String> ids = Await.result(server.redis().smembers(CaseStore.callerKey(CALLERS.of(number))));
        List<Map<String, String>> cases = new ArrayList<>();
        for (String id : ids) cases.add(Await.result(server.redis().hgetall(CaseStore.key(id))));
        return cases;
    }

    static String onlyCaseNumber(String caller) {
        List<String> ids = List.copyOf(Await.result(server.redis().smembers(CaseStore.callerKey(CALLERS.of(caller)))));
        assertThat(ids).hasSize(1);
        return CIPHER.decrypt(Await.result(server.redis().hgetall(CaseStore.key(ids.get(0)))).get("number"), ids.get(0));
    }

    @Test
    @DisplayName("the confirmation is an END; asking again while the case is open says already registered, and no second case exists")
    void secondRequestWhileOpen() throws Exception {
        String number = Phone.freshNumber();
        Ussd.Reply first = Screens.ends(atWhich(number).type("1"));            // Ce numéro
        assertThat(first.screen()).contains("Demande enregistr");
        assertThat(casesOf(number)).hasSize(1);
        assertThat(onlyCaseNumber(number)).isEqualTo(number);

        double before = Metrics.counter(server, "taama_limit_refusals_total", "limit", "callback_open_case");
        Ussd.Reply again = Screens.ends(atWhich(number).type("1"));
        assertThat(again.screen()).contains("déjà enregistrée", "80 00 11 15");
        assertThat(casesOf(number)).as("still one case for this caller").hasSize(1);
        assertThat(Await.result(server.redis().zcard(CaseStore.statusKey("new")))).isPositive();
        assertThat(Metrics.counter(server, "taama_limit_refusals_total", "limit", "callback_open_case"))
                .isEqualTo(before + 1);

        // Another number typed does not open a second case for the same caller either.
        Ussd phone = atWhich(number);
        phone.type("2");
        Screens.continues(phone.type("76 00 00 01"));
        assertThat(Screens.ends(phone.type("1")).screen()).contains("déjà enregistrée");
        assertThat(casesOf(number)).hasSize(1);
    }

    @Test
    @DisplayName("once the case is closed, the caller may ask again")
    void againAfterClosed() {
        String number = Phone.freshNumber();
        Screens.ends(atWhich(number).type("1"));
        String id = Await.result(server.redis().smembers(CaseStore.callerKey(CALLERS.of(number)))).iterator().next();
        Await.result(server.redis().hset(CaseStore.key(id), Map.of("status", "closed")));
        assertThat(Screens.ends(atWhich(number).type("1")).screen()).contains("Demande enregistr")
                .doesNotContain("déjà");
        assertThat(casesOf(number)).hasSize(2);
    }

    @Test
    @DisplayName("the same final request sent four times at once (a gateway retrying) opens one case, not four")
    void concurrentRequests() throws Exception {
        String number = Phone.freshNumber();
        Phone phone = new Phone(Phone.freshSessionId("race"), number);
        int port = server.port();
        phone.dial(port);
        phone.type(port, "1");
        phone.type(port, "6");
        phone.type(port, "1");
        phone.type(port, "1");
        assertThat(phone.type(port, "2").screen()).contains("Quel num");
        String last = phone.history() + "*1";                                  // Ce numéro
        List<CompletableFuture<Ussd.Reply>> replies = new ArrayList<>();
        // One thread per copy: the common pool may have a single thread on a small machine.
        var pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        List<String> screens = new ArrayList<>();
        try {
            for (int i = 0; i < 4; i++) replies.add(CompletableFuture.supplyAsync(() -> phone.sendText(port, last), pool));
            for (CompletableFuture<Ussd.Reply> r : replies) screens.add(Screens.readable(r.get(20, TimeUnit.SECONDS)).screen());
        } finally {
            pool.shutdown();
        }
        assertThat(casesOf(number)).hasSize(1);
        // A copy arriving after the first one ended the session starts a new one: nothing else.
        assertThat(screens).anySatisfy(t -> assertThat(t).contains("Demande enregistr"));
    }

    @ParameterizedTest(name = "typed \"{0}\"")
    @ValueSource(strings = {"00223 7%s", "+223 7%s", "7%s", "223.7%s"})
    @DisplayName("a typed number in any spelling is read back and stored in the canonical form +223…")
    void typedNumberCanonical(String spelling) {
        String caller = Phone.freshNumber();
        String seven = Phone.freshNumber().substring(5);                       // the 7 digits after "+2237"
        Ussd phone = atWhich(caller);
        assertThat(Screens.continues(phone.type("2")).screen()).contains("Tapez le num");
        Ussd.Reply check = Screens.continues(phone.type(String.format(spelling, seven)));
        assertThat(check.screen()).contains("+223 7" + seven.charAt(0) + " " + seven.substring(1, 3) + " "
                + seven.substring(3, 5) + " " + seven.substring(5));
        Screens.ends(phone.type("1"));
        assertThat(onlyCaseNumber(caller)).isEqualTo("+2237" + seven);
    }

    @Test
    @DisplayName("'Taper un autre numéro' after the read-back lets the caller fix a typo; only the fixed number is stored")
    void retypeAfterReadBack() {
        String caller = Phone.freshNumber();
        Ussd phone = atWhich(caller);
        phone.type("2");
        assertThat(phone.type("76 11 11 11").screen()).contains("+223 76 11 11 11");
        assertThat(Screens.continues(phone.type("2")).screen()).contains("Tapez le num");
        assertThat(phone.type("76 22 22 22").screen()).contains("+223 76 22 22 22");
        Screens.ends(phone.type("1"));
        assertThat(onlyCaseNumber(caller)).isEqualTo("+22376222222");
    }

    @Test
    @DisplayName("a number typed, then '0' back to 'this number': this phone's number is called, not the typed one")
    void backToThisNumber() {
        String caller = Phone.freshNumber();
        Ussd phone = atWhich(caller);
        phone.type("2");
        phone.type("76 33 33 33");
        phone.type("0");                                                      // back to the input
        assertThat(Screens.continues(phone.type("0")).screen()).contains("Quel num");
        Screens.ends(phone.type("1"));                                        // Ce numéro
        assertThat(onlyCaseNumber(caller)).isEqualTo(caller);
    }

    @Test
    @DisplayName("a +1 number is read back, then refused politely: no case, the metric moves, another number can be typed")
    void otherCountryRefused() throws Exception {
        String caller = Phone.freshNumber();
        double before = Metrics.counter(server, "taama_limit_refusals_total", "limit", "callback_country");
        Ussd phone = atWhich(caller);
        phone.type("2");
        assertThat(Screens.continues(phone.type("+1 555 201 3344")).screen()).contains("+15552013344");
        Ussd.Reply refused = Screens.continues(phone.type("1"));
        assertThat(refused.screen()).contains("Nous ne pouvons pas appeler ce num", "1. Taper un autre");
        assertThat(casesOf(caller)).isEmpty();
        assertThat(Metrics.counter(server, "taama_limit_refusals_total", "limit", "callback_country"))
                .isEqualTo(before + 1);
        assertThat(Screens.continues(phone.type("1")).screen()).contains("Tapez le num");
        phone.type("76 44 44 44");
        Screens.ends(phone.type("1"));
        assertThat(onlyCaseNumber(caller)).isEqualTo("+22376444444");
    }

    @ParameterizedTest(name = "typed \"{0}\"")
    @ValueSource(strings = {"7O12345G", "seventy", "123456789012345678901234567890", "+1234567890123456",
            "😀76123456", "76\u0000123456", "76\n123456", "7612", "+", "--", "76 12 34 56 ext 2", "#76123456",
            "0076", "١٢٣٤٥٦٧٨"})
    @DisplayName("anything that is not a phone number gets the hint and the question again, never a case")
    void hostileTypedNumbers(String typed) {
        String caller = Phone.freshNumber();
        Ussd phone = atWhich(caller);
        phone.type("2");
        Ussd.Reply again = Screens.continues(phone.type(typed));
        assertThat(again.screen()).startsWith("Choix invalide").contains("Tapez le num");
        assertThat(casesOf(caller)).isEmpty();
    }

    @Test
    @DisplayName("a huge typed text gets a readable screen, never a stack trace")
    void hugeTypedText() {
        String caller = Phone.freshNumber();
        Ussd phone = atWhich(caller);
        phone.type("2");
        Ussd.Reply r = phone.type("7".repeat(5000));
        Screens.readable(r);
        assertThat(casesOf(caller)).isEmpty();
    }
}
