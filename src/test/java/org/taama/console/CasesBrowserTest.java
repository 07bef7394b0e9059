package org.taama.console;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.taama.cases.Audit;
import org.taama.support.Await;
import org.taama.support.Browser;
import org.taama.support.ConsoleServer;
import org.taama.support.ConsoleServer.Account;
import org.taama.support.Ussd;

import java.time.Clock;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** The cases page in a real browser, on cases a caller opened by USSD: claim, reveal after a confirmation, move on, note. */
class CasesBrowserTest {
    @RegisterExtension
    static final Browser browser = new Browser();
    static ConsoleServer console;
    static Account operator;

    @BeforeAll
    static void start() throws Exception {
        console = ConsoleServer.start();
        browser.base(console.base);
        operator = console.account("operator");
    }

    @AfterAll
    static void stop() throws Exception {
        console.close();
    }

    /** A caller dials, asks for a call-back in the evening, no message, on this phone; answers the number. */
    static String callerAsksForACallBack() {
        String number = "+2237" + String.format("%07d", ThreadLocalRandom.current().nextInt(10_000_000));
        Ussd phone = new Ussd(console.server.port(), "ATUid_cases_" + Long.toHexString(ThreadLocalRandom.current().nextLong()), number);
        phone.dial();
        phone.type("1");                                               // Français
        assertThat(phone.type("6").screen()).contains("rappeler");     // Être rappelé
        assertThat(phone.type("1").screen()).contains("sans danger");  // Demander un appel
        assertThat(phone.type("3").screen()).contains("message");      // Le soir
        assertThat(phone.type("2").screen()).contains("Quel num");     // Non: no message
        Ussd.Reply done = phone.type("1");                             // Ce numéro
        assertThat(done.ends()).isTrue();
        assertThat(done.screen()).contains("Demande enregistr");
        return number;
    }

    /** The number as the API reveals it; the page shows the same text. */
    static String newestCaseId() throws Exception {
        var list = console.get("/api/cases?status=new&size=1", java.util.Map.of("Authorization", "Bearer " + console.adminToken()));
        return list.json().getJsonArray("cases").getJsonObject(0).getString("id");
    }

    @Test
    void anOperatorClaimsACaseAndRevealsItsNumberAfterConfirming() throws Exception {
        String number = callerAsksForACallBack();
        String id = newestCaseId();
        browser.signIn(operator.username(), operator.password());
        browser.open("/cases");
        String row = "#queue-body tr[data-id='" + id + "']";
        browser.visible(row);
        assertThat(browser.visible(row).getText()).contains("Le soir").contains("Nouveau").contains("Personne")
                .doesNotContain(number.substring(4));
        browser.screenshot("cases-queue");

        browser.click(row + " button.claim");
        browser.withText("#messages", "Cas pris.");
        browser.withText("#facts", "Vous");
        assertThat(browser.visible("#facts").getText()).contains("Le soir").contains("Non").doesNotContain(number.substring(4));

        // Revealing asks first; cancelling shows nothing and records nothing.
        browser.click("#reveal");
        browser.visible("dialog.confirm");
        assertThat(browser.visible("dialog.confirm").getText()).contains("enregistré à votre nom");
        browser.click("dialog.confirm button.secondary");
        browser.until(ExpectedConditions.invisibilityOfElementLocated(By.cssSelector("dialog.confirm")));
        assertThat(browser.all("#number")).isEmpty();
        assertThat(reveals(id)).isZero();

        browser.click("#reveal");
        browser.screenshot("cases-reveal-confirm");
        browser.click("dialog.confirm button.primary");
        String shown = browser.visible("#number").getText();
        assertThat(shown.replaceAll("[^+0-9]", "")).isEqualTo(number);
        assertThat(browser.visible("#number-slot a").getAttribute("href")).isEqualTo("tel:" + number);
        assertThat(reveals(id)).isEqualTo(1);
        browser.screenshot("cases-revealed");

        // Moving it on, with a note: the note is the claimer's to read.
        new Select(browser.visible("#move-to")).selectByValue("contacted");
        browser.type("#move-note", "Rappelée, rendez-vous demain");
        browser.click("#move-submit");
        browser.withText("#messages", "Statut enregistré.");
        browser.withText("#detail-status", "Contacté");
        browser.withText("#notes", "Rappelée, rendez-vous demain");
        browser.type("#note-text", "Orientée vers l'association");
        browser.click("#note-submit");
        browser.withText("#notes", "Orientée vers l'association");
        browser.click("#tabs button[data-tab='mine']");
        browser.visible(row);
        assertThat(browser.visible(row).getText()).contains("Contacté").contains("Vous");
        browser.screenshot("cases-mine");
    }

    @Test
    void aCaseAnotherOperatorTookShowsNoNumberAndNoNotes() throws Exception {
        callerAsksForACallBack();
        String id = newestCaseId();
        Account other = console.account("operator");
        String token = console.token(other);
        assertThat(console.call("POST", "/api/cases/" + id + "/claim", java.util.Map.of("Authorization", "Bearer " + token), "{}")
                .status()).isEqualTo(200);
        browser.signIn(operator.username(), operator.password());
        browser.open("/cases");
        browser.click("#tabs button[data-tab='new']");
        String row = "#queue-body tr[data-id='" + id + "']";
        assertThat(browser.visible(row).getText()).contains(other.username());
        browser.click(row + " button.open");
        browser.withText("#number-slot", "Prenez le cas pour voir son numéro.");
        assertThat(browser.all("#reveal")).isEmpty();
        assertThat(browser.all("#claim")).isEmpty();
        assertThat(browser.all("#move-form")).isEmpty();
        assertThat(browser.visible("#notes").getText()).contains("visibles par l’opérateur qui a pris le cas");
    }

    static long reveals(String id) {
        List<JsonObject> trail = Await.result(new Audit(console.server.redis(), Clock.systemUTC()).recent(0, 200));
        return trail.stream().filter(e -> "reveal".equals(e.getString("action")) && id.equals(e.getString("case"))
                && operator.username().equals(e.getString("operator"))).count();
    }
}
