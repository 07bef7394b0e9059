package org.taama.console;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.support.ui.Select;
import org.taama.support.Browser;
import org.taama.support.ConsoleServer;

import static org.assertj.core.api.Assertions.assertThat;

/** The accounts page in a real browser: an admin lists and creates accounts, and the new one signs in to its pages. */
class AccountsBrowserTest {
    @RegisterExtension
    static final Browser browser = new Browser();
    static ConsoleServer console;

    @BeforeAll
    static void start() throws Exception {
        console = ConsoleServer.start();
        browser.base(console.base);
    }

    @AfterAll
    static void stop() throws Exception {
        console.close();
    }

    @Test
    void anAdminCreatesAVolunteerWhoThenSignsInToTheirPages() throws Exception {
        ConsoleServer.Account operator = console.account("operator");
        browser.signIn(console.admin.username(), console.admin.password());
        browser.open("/accounts");
        browser.withText("#accounts-body", operator.username());
        assertThat(browser.visible("#accounts-body tr[data-username='" + operator.username() + "']").getText()).contains("Opérateur");

        String name = "awa-" + ConsoleServer.suffix();
        String password = "a-long-volunteer-password";
        // Too short a password is refused before anything is sent.
        browser.type("#new-username", name);
        browser.type("#new-password", "short");
        browser.click("#create-submit");
        browser.withText("#messages .message-error", "au moins 12 caractères");

        browser.type("#new-password", password);
        new Select(browser.visible("#new-role")).selectByValue("volunteer");
        browser.withText("#role-hint", "Prépare ses propres campagnes");
        browser.click("#create-submit");
        browser.withText("#messages .message-ok", "Compte " + name + " créé (Bénévole)");
        assertThat(browser.visible("#accounts-body tr[data-username='" + name + "']").getText()).contains("Bénévole");
        browser.screenshot("accounts");

        // The same name again: taken.
        browser.type("#new-username", name);
        browser.type("#new-password", password);
        browser.click("#create-submit");
        browser.withText("#messages .message-error", "déjà pris");

        browser.click("#logout");
        browser.atPath("/");
        browser.signIn(name, password);
        browser.atPath("/campaigns");
        assertThat(browser.all("#nav a")).extracting(a -> a.getAttribute("data-page")).containsExactly("campaigns", "simulator", "content");
    }
}
