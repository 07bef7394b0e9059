package org.taama.console;

import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.taama.config.QuietHours;
import org.taama.consent.Channel;
import org.taama.consent.ConsentStore;
import org.taama.privacy.CallerHash;
import org.taama.privacy.NumberCipher;
import org.taama.support.Await;
import org.taama.support.Browser;
import org.taama.support.ConsoleServer;
import org.taama.support.FakeTwilio;
import org.taama.support.TestServers;
import org.taama.support.Ussd;

import java.time.Clock;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The simulator, the content view and the campaign pages in a real browser against a real server,
 * Redis and the fake Twilio: what a volunteer and an operator do with them, screen by screen.
 */
class ConsoleWorkPagesBrowserTest {
    @RegisterExtension
    static final Browser browser = new Browser();
    static final String SID = "AC55555555555555555555555555555555";
    static final String TOKEN = "console-work-token";
    static Vertx vertx;
    static FakeTwilio twilio;
    static ConsoleServer console;

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        twilio = FakeTwilio.start(vertx, SID, TOKEN);
        LocalTime now = LocalTime.now(QuietHours.ZONE);
        String quiet = now.plusHours(6).withSecond(0).withNano(0) + "-" + now.plusHours(7).withSecond(0).withNano(0);
        console = ConsoleServer.start(Map.of("TWILIO_ACCOUNT_SID", SID, "TWILIO_AUTH_TOKEN", TOKEN,
                "TWILIO_API_URL", twilio.url(), "TWILIO_SMS_FROM", "+22320000077", "SENDER_RATE", "3", "SENDER_BURST", "1",
                "QUIET_HOURS", quiet));
        browser.base(console.base);
    }

    @AfterAll
    static void stop() throws Exception {
        console.close();
        twilio.close();
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    @Test
    void theSimulatorWalksToAHelplineScreenInBambaraAsTheRealUssdShowsIt() throws Exception {
        twilio.reset(); // the campaign of another test here is sent by then: whatever arrives now is the simulator's
        ConsoleServer.Account volunteer = console.account("volunteer");
        browser.signIn(volunteer.username(), volunteer.password());
        browser.open("/simulator");
        browser.visible("#sim-start");
        browser.script("document.getElementById('sim-lang').value = 'bm';"
                + "document.getElementById('sim-lang').dispatchEvent(new Event('change'));");
        browser.click("#sim-start");
        browser.until(d -> "main.home".equals(text("#sim-node")));
        key("4");
        browser.click("#sim-send");
        browser.until(d -> "help.menu".equals(text("#sim-node")));
        key("1");
        browser.click("#sim-send");
        browser.until(d -> "help.police".equals(text("#sim-node")));

        // The same walk on the real USSD endpoint: dial, Bamanankan, help, police.
        Ussd phone = new Ussd(console.base, "console-" + UUID.randomUUID(), number());
        phone.dial();
        phone.type("2");
        phone.type("4");
        Ussd.Reply real = phone.type("1");
        assertThat(text("#sim-screen")).isEqualTo(real.screen()).contains("80 00 11 15");
        assertThat(text("#sim-encoding")).isEqualTo("GSM-7");
        assertThat(text("#sim-meter-label")).contains("/ 182");
        browser.screenshot("simulator-ussd-bm-police");

        // 98 pages on, as on the phone, until "send me this by SMS"; choosing it only describes the SMS.
        for (int i = 0; i < 5 && !text("#sim-screen").contains("\n1. "); i++) {
            String before = text("#sim-screen");
            browser.click("#sim-more");
            browser.until(d -> !before.equals(text("#sim-screen")));
        }
        key("1");
        browser.click("#sim-send");
        browser.until(d -> "help.police_sms".equals(text("#sim-node")));
        key("1");
        browser.click("#sim-send");
        WebElement effect = browser.visible("#sim-effects li.effect");
        assertThat(effect.getText()).startsWith("would send an SMS to this phone").contains("80 00 11 15");
        browser.visible("#sim-ended");
        browser.screenshot("simulator-effects");
        assertThat(twilio.requests()).isEmpty();

        // WhatsApp keeps the standard Bambara spelling; the figures follow the channel.
        browser.click("#sim-channel label:nth-of-type(3)");
        browser.click("#sim-start");
        browser.until(d -> !browser.all("#sim-chat .bubble-in").isEmpty());
        assertThat(browser.all("#sim-chat .bubble-in").get(0).getText()).containsAnyOf("ɛ", "ɔ");
        browser.screenshot("simulator-whatsapp-bm");
    }

    @Test
    void theContentViewListsEveryScreenWithItsSizesAndFiltersAndSorts() throws Exception {
        browser.signIn(console.admin.username(), console.admin.password());
        browser.open("/content");
        browser.until(d -> browser.all("#content-rows tr[data-id]").size() > 50);
        int all = browser.all("#content-rows tr[data-id]").size();
        browser.type("#f-search", "police");
        browser.until(d -> browser.all("#content-rows tr[data-id]").size() < all);
        assertThat(browser.all("#content-rows tr[data-id]")).extracting(r -> r.getAttribute("data-id")).contains("help.police")
                .doesNotContain("main.home");
        browser.click("#content-rows tr[data-id='help.police']");
        WebElement detail = browser.visible("#content-rows tr.detail");
        assertThat(detail.getText()).contains("80 00 11 15", "help.police");
        browser.script("arguments[0].scrollIntoView({block: 'center'})", detail);
        browser.screenshot("content-police-detail");
        browser.driver().findElement(By.id("f-search")).sendKeys(org.openqa.selenium.Keys.chord(org.openqa.selenium.Keys.CONTROL, "a"),
                org.openqa.selenium.Keys.BACK_SPACE);
        browser.until(d -> browser.all("#content-rows tr[data-id]").size() == all);
        browser.click("#content-table th[data-sort='bm_ussd'] button");
        browser.click("#content-table th[data-sort='bm_ussd'] button");
        assertThat(browser.visible("#content-table th[data-sort='bm_ussd']").getAttribute("aria-sort")).isEqualTo("descending");
        browser.screenshot("content");
    }

    @Test
    void aVolunteerDraftsWithALivePreviewAnOperatorApprovesAndTheProgressMoves() throws Exception {
        // Taoudénit: one of the regions of 2023, named with its accent as the menu names it.
        List<String> numbers = subscribe(9, "taoudenit");
        ConsoleServer.Account volunteer = console.account("volunteer");
        ConsoleServer.Account operator = console.account("operator");
        browser.signIn(volunteer.username(), volunteer.password());
        browser.open("/campaigns");
        browser.visible("#editor");
        browser.type("#c-name", "Droits au travail");
        browser.type("#c-fr", "Vos droits vous suivent partout.");
        browser.until(d -> browser.all("#c-regions input").size() == org.taama.support.Audiences.REGIONS.ids().size());
        WebElement taoudenit = browser.visible("#c-regions input[value='taoudenit']");
        assertThat(taoudenit.findElement(By.xpath("..")).getText()).isEqualTo("Taoudénit");
        assertThat(browser.visible("#c-regions input[value='segou']").findElement(By.xpath("..")).getText()).isEqualTo("Ségou");
        taoudenit.click();
        browser.until(d -> browser.all("#preview tr[data-lang='fr'] .segs").size() == 1
                && "1".equals(browser.all("#preview tr[data-lang='fr'] .segs").get(0).getText()));
        assertThat(browser.visible("#pv-warnings").getText()).contains("bm: the text is not written yet");
        // The preview follows the typing: a longer text costs two segments, with no click.
        browser.driver().findElement(By.id("c-fr")).sendKeys(" Si un employeur garde vos papiers, appelez la police au 80 00 11 15,"
                + " ou la gendarmerie. Ces numeros sont gratuits et vous pouvez appeler a toute heure du jour.");
        browser.until(d -> "2".equals(browser.all("#preview tr[data-lang='fr'] .segs").get(0).getText()));
        browser.type("#c-bm", "I ka josiraw bɛ i bolo yɔrɔ bɛɛ. Polisi nimɔrɔ ye 80 00 11 15 ye.");
        browser.until(d -> browser.visible("#pv-warnings").getText().contains("Aucun avertissement")
                || !browser.visible("#pv-warnings").getText().contains("not written"));
        // Bambara goes GSM-safe on SMS: GSM-7, not UCS-2.
        assertThat(browser.visible("#preview tr[data-lang='bm'] .enc").getText()).isEqualTo("GSM-7");
        long recipients = Long.parseLong(browser.visible("#pv-recipients b").getText());
        assertThat(recipients).isGreaterThanOrEqualTo(numbers.size());
        browser.screenshot("campaign-editor");

        // A control character pasted in: the preview says why, and nothing typed is lost.
        String typed = (String) browser.script("return document.getElementById('c-bm').value");
        browser.script("var t = document.getElementById('c-bm'); t.value = t.value + '\\u0007';"
                + "t.dispatchEvent(new Event('input', {bubbles: true}));");
        assertThat(browser.withText("#preview-error", "control character").isDisplayed()).isTrue();
        browser.click("#c-save");
        browser.withText("#preview-error", "Rien n");
        assertThat((String) browser.script("return document.getElementById('c-bm').value")).isEqualTo(typed + "\u0007");
        assertThat((String) browser.script("return document.getElementById('c-fr').value")).startsWith("Vos droits vous suivent partout. Si un");
        browser.screenshot("campaign-editor-error");
        browser.script("var t = document.getElementById('c-bm'); t.value = t.value.replace('\\u0007', '');"
                + "t.dispatchEvent(new Event('input', {bubbles: true}));");
        browser.until(d -> !browser.driver().findElement(By.id("preview-error")).isDisplayed());

        browser.click("#c-submit");
        browser.until(d -> "submitted".equals(browser.driver().findElement(By.id("detail")).getAttribute("data-status")));
        String id = browser.path().isEmpty() ? null : (String) browser.script("return location.hash.slice(1)");
        assertThat(id).matches("[0-9a-f]{20}");

        // The operator's queue: approve, then follow the sending live.
        browser.driver().manage().deleteAllCookies();
        browser.signIn(operator.username(), operator.password());
        browser.open("/approvals");
        WebElement card = browser.visible("article[data-id='" + id + "']");
        assertThat(card.getText()).contains("Droits au travail", "I ka josiraw");
        browser.screenshot("approvals-queue");
        card.findElement(By.cssSelector("button[data-act='approve']")).click();
        browser.click("dialog.confirm button.primary");
        browser.click("#follow-" + id);
        browser.atPath("/campaigns");
        browser.visible("#progress");
        // Every value the page shows is recorded, to see the bars move without a reload.
        browser.script("window.seen = []; var n = document.getElementById('count-sent');"
                + "new MutationObserver(function () { window.seen.push(Number(n.textContent)); })"
                + ".observe(n, {childList: true, characterData: true, subtree: true});");
        browser.until(d -> {
            String audience = text("#count-audience").replaceAll("\\D", "");
            return !audience.isEmpty() && Long.parseLong(audience) >= numbers.size()
                    && text("#count-sent").equals(audience) && text("#count-queued").equals("0");
        });
        @SuppressWarnings("unchecked")
        List<Number> seen = (List<Number>) browser.script("return window.seen");
        assertThat(seen.stream().map(Number::longValue).filter(v -> v > 0).distinct().count()).as("sent moved in steps: " + seen)
                .isGreaterThan(1);
        assertThat(twilio.requests().stream().filter(r -> numbers.contains(r.field("To")))).hasSize(numbers.size());
        assertThat(browser.visible("#detail").getAttribute("data-status")).isIn("approved", "finished");
        browser.screenshot("campaign-progress");
    }

    @Test
    void anOperatorPausesResumesAndCancelsACampaignFromItsPage() throws Exception {
        ConsoleServer.Account volunteer = console.account("volunteer");
        ConsoleServer.Account operator = console.account("operator");
        // Approved for next week: nothing goes meanwhile, so every button can be tried.
        String later = java.time.LocalDateTime.now(QuietHours.ZONE).plusDays(7).withHour(10).withMinute(0).withSecond(0).withNano(0).toString();
        io.vertx.core.json.JsonObject body = new io.vertx.core.json.JsonObject().put("name", "Semaine prochaine").put("channel", "sms")
                .put("texts", new io.vertx.core.json.JsonObject().put("fr", "Vos droits vous suivent.").put("bm", "I ka josiraw bɛ i bolo."))
                .put("audience", new io.vertx.core.json.JsonObject().put("regions", List.of("menaka")).put("languages", List.of("fr", "bm")))
                .put("send_at", later.substring(0, 16));
        String v = console.token(volunteer);
        String o = console.token(operator);
        ConsoleServer.Reply created = console.call("POST", "/api/campaigns", Map.of("Authorization", "Bearer " + v, "Content-Type", "application/json"), body.encode());
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String id = created.json().getString("id");
        assertThat(console.call("POST", "/api/campaigns/" + id + "/submit", Map.of("Authorization", "Bearer " + v), null).status()).isEqualTo(200);
        assertThat(console.call("POST", "/api/campaigns/" + id + "/approve", Map.of("Authorization", "Bearer " + o), null).status()).isEqualTo(200);

        browser.signIn(operator.username(), operator.password());
        browser.open("/campaigns#" + id);
        browser.until(d -> "approved".equals(browser.driver().findElement(By.id("detail")).getAttribute("data-status")));
        browser.click("#act-pause");
        browser.click("dialog.confirm button.primary");
        // The stream brings the new status: no reload.
        browser.until(d -> "paused".equals(browser.driver().findElement(By.id("detail")).getAttribute("data-status")));
        browser.click("#act-resume");
        browser.until(d -> "approved".equals(browser.driver().findElement(By.id("detail")).getAttribute("data-status")));
        browser.click("#act-cancel");
        browser.click("dialog.confirm button.primary");
        browser.until(d -> "cancelled".equals(browser.driver().findElement(By.id("detail")).getAttribute("data-status")));
        assertThat(browser.all("#act-cancel")).isEmpty();
        assertThat(twilio.requests().stream().filter(r -> String.valueOf(r.field("Body")).startsWith("Vos droits vous suivent."))
                .filter(r -> !String.valueOf(r.field("Body")).contains("partout"))).isEmpty();
    }

    // ---------------------------------------------------------------- helpers

    static String text(String css) {
        List<WebElement> e = browser.all(css);
        return e.isEmpty() ? "" : (String) browser.script("return arguments[0].textContent", e.get(0));
    }

    static void key(String k) {
        browser.click("#sim-keypad button[data-key='" + k + "']");
    }

    static String number() {
        return "+2237" + ThreadLocalRandom.current().nextInt(1_000_000, 9_999_999);
    }

    static List<String> subscribe(int n, String region) {
        ConsentStore consent = new ConsentStore(console.server.redis(),
                new NumberCipher(Base64.getDecoder().decode(TestServers.ENCRYPTION_KEY)), Clock.systemUTC());
        CallerHash callers = new CallerHash(Base64.getDecoder().decode(TestServers.HASH_KEY));
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String number = number();
            Await.result(consent.optIn(callers.of(number), number, Channel.SMS, "fr", region));
            out.add(number);
        }
        return out;
    }
}
