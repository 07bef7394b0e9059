package org.taama.console;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;
import org.taama.support.Browser;
import org.taama.support.ConsoleServer;
import org.taama.support.ConsoleServer.Account;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The console in a real browser (headless chromium): signing in and out, each role's pages, the CSRF guard. */
class ConsoleBrowserTest {
    @RegisterExtension
    static final Browser browser = new Browser();
    static ConsoleServer console;
    static Account operator;
    static Account volunteer;

    @BeforeAll
    static void start() throws Exception {
        console = ConsoleServer.start();
        browser.base(console.base);
        operator = console.account("operator");
        volunteer = console.account("volunteer");
    }

    @AfterAll
    static void stop() throws Exception {
        console.close();
    }

    List<String> nav() {
        return browser.all("#nav a").stream().map(a -> a.getAttribute("data-page")).toList();
    }

    void signedInSeesExactly(Account who, String home, List<String> pages, String forbidden) {
        browser.signIn(who.username(), who.password());
        browser.atPath(home);
        assertThat(nav()).containsExactlyElementsOf(pages);
        assertThat(browser.visible("#user-name").getText()).isEqualTo(who.username());
        browser.screenshot("console-home-" + who.role());
        // Each page of the nav opens; the one typed in that it may not see is refused by the server.
        for (String p : pages) {
            browser.open("/" + p);
            browser.visible("a[data-page='" + p + "'][aria-current='page']");
        }
        if (forbidden != null) {
            browser.open(forbidden);
            assertThat(browser.visible("#forbidden-title").getText()).isEqualTo("Accès refusé");
            assertThat(browser.all("#nav")).isEmpty();
            browser.screenshot("console-forbidden-" + who.role());
        }
    }

    @Test
    void anAdminSeesEveryPage() {
        signedInSeesExactly(console.admin, "/dashboard",
                List.of("dashboard", "cases", "approvals", "log", "campaigns", "simulator", "content", "accounts"), null);
    }

    @Test
    void anOperatorSeesTheCaseWorkAndNotTheAccounts() {
        signedInSeesExactly(operator, "/dashboard",
                List.of("dashboard", "cases", "approvals", "log", "campaigns"), "/simulator");
        browser.open("/accounts");
        browser.visible("#forbidden-title");
    }

    @Test
    void aVolunteerSeesTheirCampaignsTheSimulatorAndTheContentOnly() {
        signedInSeesExactly(volunteer, "/campaigns", List.of("campaigns", "simulator", "content"), "/cases");
        browser.open("/accounts");
        browser.visible("#forbidden-title");
    }

    @Test
    void aWrongPasswordShowsAnErrorAndSignsNobodyIn() {
        browser.open("/");
        browser.type("#username", operator.username());
        browser.type("#password", "not-the-right-password");
        browser.click("#login-submit");
        WebElement error = browser.withText("#messages .message-error", "Identifiant ou mot de passe incorrect");
        assertThat(error.getAttribute("role")).isEqualTo("alert");
        assertThat(browser.path()).isEqualTo("/");
        assertThat(browser.driver().manage().getCookieNamed("taama_session")).isNull();
        browser.screenshot("console-login-wrong-password");
    }

    @Test
    void aPageAskedForSignedOutComesBackAfterSigningIn() {
        browser.open("/cases");
        browser.atPath("/");
        browser.screenshot("console-login");
        browser.type("#username", operator.username());
        browser.type("#password", operator.password());
        browser.click("#login-submit");
        browser.atPath("/cases");
    }

    @Test
    void theSessionCookieIsHttpOnlyAndStrict() {
        browser.signIn(operator.username(), operator.password());
        Cookie c = browser.driver().manage().getCookieNamed("taama_session");
        assertThat(c).isNotNull();
        assertThat(c.isHttpOnly()).isTrue();
        assertThat(c.getSameSite()).isEqualTo("Strict");
        assertThat(c.getExpiry()).isNull(); // gone when the browser closes
        assertThat((String) browser.script("return document.cookie")).doesNotContain("taama_session");
    }

    @Test
    void signingOutEndsTheSession() {
        browser.signIn(operator.username(), operator.password());
        browser.open("/cases");
        browser.visible("a[data-page='cases'][aria-current='page']");
        browser.click("#logout");
        browser.atPath("/");
        browser.visible("#login-form");
        // Back to a page, or the API straight: the session is over.
        browser.driver().navigate().back();
        browser.atPath("/");
        assertThat(browser.async("fetch('/api/me', {credentials: 'same-origin'}).then(r => done(r.status))"))
                .isEqualTo(401L);
    }

    @Test
    void aChangeWithoutTheCsrfTokenIsRefusedInTheBrowserAndGoesThroughWithIt() {
        browser.signIn(operator.username(), operator.password());
        String body = ConsoleHttpTest.campaign();
        Object without = browser.async("fetch('/api/campaigns', {method: 'POST', credentials: 'same-origin',"
                + " headers: {'Content-Type': 'application/json'}, body: arguments[0]})"
                + ".then(r => r.json().then(j => done(r.status + ' ' + j.error)))", body);
        assertThat((String) without).startsWith("403 ").contains("CSRF");
        // The console's own fetch wrapper sends the token.
        Object with = browser.async("Taama.api('POST', '/api/campaigns', JSON.parse(arguments[0]))"
                + ".then(c => done('ok ' + c.status), e => done('failed ' + e.status))", body);
        assertThat(with).isEqualTo("ok draft");
    }

    @Test
    void theLanguageSwitchChangesTheChromeAndIsRemembered() {
        browser.signIn(operator.username(), operator.password());
        assertThat(browser.visible("a[data-page='cases']").getText()).isEqualTo("Rappels");
        new Select(browser.visible("#lang")).selectByValue("en");
        browser.withText("a[data-page='cases']", "Call-backs");
        assertThat(browser.visible("#logout").getText()).isEqualTo("Sign out");
        browser.driver().navigate().refresh();
        browser.withText("a[data-page='cases']", "Call-backs");
        assertThat(browser.script("return document.documentElement.lang")).isEqualTo("en");
        // Bambara has no sourced interface words yet: the French is shown, never a key.
        new Select(browser.visible("#lang")).selectByValue("bm");
        browser.withText("a[data-page='cases']", "Rappels");
        assertThat(browser.script("return document.documentElement.lang")).isEqualTo("bm");
    }

    @Test
    void anErrorFromTheApiIsShownInTheMessageArea() {
        browser.signIn(volunteer.username(), volunteer.password());
        browser.async("Taama.api('GET', '/api/cases').then(() => done('x'), e => done(e.status))");
        browser.withText("#messages .message-error", "Votre rôle ne permet pas cette action");
    }
}
