package org.taama.stats;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.taama.privacy.CallerHash;
import org.taama.privacy.Secrets;
import org.taama.support.Browser;
import org.taama.support.ConsoleServer;
import org.taama.support.TestServers;
import org.taama.support.Ussd;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** The dashboard and the message log in a real browser: they move by themselves, and show no number. */
@DisplayName("Console: the live dashboard and the message log")
class DashboardBrowserTest {
    @RegisterExtension
    static final Browser browser = new Browser();
    static ConsoleServer console;
    static final CallerHash CALLERS = new CallerHash(Secrets.decode("HASH_KEY", TestServers.HASH_KEY, 32));

    @BeforeAll
    static void start() throws Exception {
        console = ConsoleServer.start();
        browser.base(console.base);
    }

    @AfterAll
    static void stop() throws Exception {
        console.close();
    }

    static String freshNumber() {
        return org.taama.support.Numbers.fresh();
    }

    static void session(String number) {
        Ussd phone = new Ussd(console.server.port(), "ATUid_dash_" + Long.toHexString(ThreadLocalRandom.current().nextLong()), number);
        assertThat(phone.dial().continues()).isTrue();
        assertThat(phone.type("1").continues()).isTrue();
    }

    @Test
    @DisplayName("a USSD session made over HTTP moves the sessions tile without a reload")
    void tileMovesWithoutReload() {
        browser.signIn(console.admin.username(), console.admin.password());
        browser.open("/dashboard?range=1h");
        browser.visible("#live-state[data-state='live']");
        WebElement tile = browser.visible("[data-tile='ussd_sessions']");
        browser.until(d -> !tile.getText().equals("—"));
        String before = tile.getText();
        browser.script("window.taamaSamePage = 'yes';");

        for (int i = 0; i < 5; i++) session(freshNumber());

        browser.until(d -> !tile.getText().equals(before));
        assertThat(tile.getText()).as("five sessions more: at least five").matches("[0-9\\s\u202f\u00a0]+");
        assertThat(browser.script("return window.taamaSamePage;")).as("the page was not reloaded").isEqualTo("yes");
        // The charts are drawn from the same stream.
        assertThat(browser.all("#chart-ussd canvas")).isNotEmpty();
        browser.screenshot("dashboard-live");
        browser.script("window.scrollTo(0, 460);");
        browser.screenshot("dashboard-charts");
        browser.script("window.scrollTo(0, document.body.scrollHeight);");
        browser.screenshot("dashboard-panels");
        browser.script("window.scrollTo(0, 0);");

        browser.click("#range button[data-range='7d']");
        browser.visible("#range button[data-range='7d'][aria-pressed='true']");
        browser.until(d -> browser.visible(".step-label").getText().equals("par jour"));
        browser.visible("#live-state[data-state='live']");
        browser.screenshot("dashboard-7d");
    }

    @Test
    @DisplayName("counts from 1 to 4 show as \"< 5\" in the tiles, the heat table and the bars; larger ones as numbers")
    void smallCountsShowAsUnderFive() {
        // Today: a day already past is settled, read once and kept by the server, as the dashboard expects.
        long day = Buckets.dayOf(System.currentTimeMillis());
        String key = Buckets.dayKey(day);
        // As if counted today: a quiet region, a busier one, a few opt-ins and texts.
        java.util.Map<String, Long> planted = java.util.Map.of("directory:kidal:psychosocial", 3L, "directory:gao:economic", 12L,
                "optin:sms", 3L, "in:sms", 9L, "lang:bm", 2L, "tally:selfcheck.q3", 4L, "tally:selfcheck.q1", 6L);
        planted.forEach((f, n) -> org.taama.support.Await.result(console.server.redis().hincrby(key, f, n)));
        try {
            browser.signIn(console.admin.username(), console.admin.password());
            browser.open("/dashboard?range=7d");
            browser.visible("#live-state[data-state='live']");
            for (String cell : List.of("kidal:psychosocial", "gao:economic")) {
                String field = "directory:" + cell;
                String expected = shown(rawSum(field, day));
                browser.until(d -> browser.visible("[data-cell='" + cell + "']").getText().equals(expected));
            }
            assertThat(browser.visible("[data-cell='kidal:psychosocial']").getText()).isEqualTo("< 5");
            assertThat(browser.visible("[data-cell='gao:economic']").getAttribute("class")).doesNotContain("cell-small");
            // Nothing on the page shows a number from 1 to 4 as a count.
            for (WebElement v : browser.all(".tile-value, .bar-value, table.heat td, #cases td")) {
                assertThat(v.getText()).as(v.getAttribute("outerHTML")).doesNotMatch("[1-4]");
            }
            browser.script("window.scrollTo(0, document.body.scrollHeight);");
            browser.screenshot("dashboard-small-cells");
        } finally {
            planted.forEach((f, n) -> org.taama.support.Await.result(console.server.redis().hincrby(key, f, -n)));
        }
    }

    /** The field's count over the 7 days ending today, as the page must show it. */
    static long rawSum(String field, long anyDay) {
        long today = Buckets.dayOf(System.currentTimeMillis());
        long sum = 0;
        for (int i = 0; i < 7; i++) {
            String v = org.taama.support.Await.result(console.server.redis().hget(Buckets.dayKey(today - i * Buckets.DAY), field));
            sum += v == null ? 0 : Long.parseLong(v);
        }
        return sum;
    }

    static String shown(long n) {
        return n > 0 && n < 5 ? "< 5" : String.valueOf(n);
    }

    @Test
    @DisplayName("the message log shows masked callers only, and new events arrive by themselves")
    void logShowsMaskedCallersOnly() {
        String number = freshNumber();
        session(number);
        browser.signIn(console.admin.username(), console.admin.password());
        browser.open("/log");
        browser.visible("#live-state[data-state='live']");
        String mask = CALLERS.of(number).substring(0, 8);
        browser.visible("[data-caller='" + mask + "']");

        String later = freshNumber();
        session(later);
        String laterMask = CALLERS.of(later).substring(0, 8);
        browser.visible("[data-caller='" + laterMask + "']");

        List<String> callers = browser.all(".caller").stream().map(WebElement::getText).toList();
        assertThat(callers).isNotEmpty().allSatisfy(c -> assertThat(c).matches("[0-9a-f]{8}"));
        String page = browser.driver().getPageSource();
        for (String n : List.of(number, later)) {
            for (String form : List.of(n, n.substring(1), n.substring(4))) assertThat(page).doesNotContain(form);
            assertThat(page).doesNotContain(CALLERS.of(n));
        }
        assertThat(browser.driver().findElement(By.cssSelector("[data-caller='" + laterMask + "']"))
                .findElement(By.xpath("ancestor::tr")).getText()).contains("USSD").contains("Entrant");
        browser.screenshot("message-log");
    }
}
