package org.taama.http;

import org.taama.i18n.Gsm;
import org.taama.support.Ussd;

import static org.assertj.core.api.Assertions.assertThat;

/** What every USSD answer must look like to Africa's Talking and to a basic phone. */
final class Screens {
    private Screens() {}

    /** 200, text/plain, CON/END prefix, a non-blank screen that fits one USSD screen, no stack trace. */
    static Ussd.Reply readable(Ussd.Reply r) {
        assertThat(r.status()).as("status of %s", r.body()).isEqualTo(200);
        assertThat(r.contentType()).as("Content-Type").startsWith("text/plain");
        assertThat(r.body()).as("prefix").matches("(?s)^(CON |END ).*");
        assertThat(r.screen()).as("screen text").isNotBlank();
        assertThat(Gsm.fitsUssdScreen(r.screen())).as("fits one USSD screen: %s", r.screen()).isTrue();
        assertThat(r.body()).as("no stack trace").doesNotContain("Exception").doesNotContain("at org.")
                .doesNotContain("at io.").doesNotContain("at java.");
        return r;
    }

    static Ussd.Reply continues(Ussd.Reply r) {
        readable(r);
        assertThat(r.continues()).as("CON expected, got: %s", r.body()).isTrue();
        return r;
    }

    static Ussd.Reply ends(Ussd.Reply r) {
        readable(r);
        assertThat(r.ends()).as("END expected, got: %s", r.body()).isTrue();
        return r;
    }

    /** A refusal: the expected 4xx with one short line saying why, never a stack trace. */
    static Ussd.Reply refused(Ussd.Reply r, int status, String reasonContains) {
        assertThat(r.status()).as("status of %s", r.body()).isEqualTo(status);
        String reason = r.body().strip();
        assertThat(reason).as("reason").isNotBlank().doesNotContain("\n").doesNotContain("Exception")
                .doesNotContain("at org.").hasSizeLessThan(200);
        if (reasonContains != null) assertThat(reason).containsIgnoringCase(reasonContains);
        return r;
    }
}
