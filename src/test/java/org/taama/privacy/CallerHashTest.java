package org.taama.privacy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class CallerHashTest {
    static final CallerHash HASH = new CallerHash("caller-hash-test-key-0123456789ab".getBytes(StandardCharsets.US_ASCII));

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "+22370000001      | 22370000001",
            "0022370000001     | 22370000001",
            "+223 70 00 00 01  | 22370000001",
            "70 00 00 01       | 22370000001",
            "70000001          | 22370000001",
            "whatsapp:+22370000001 | 22370000001",
            "+33612345678      | 33612345678",
    })
    @DisplayName("every way of writing a number is one person")
    void oneCanonicalForm(String written, String canonical) {
        assertThat(CallerHash.normalize(written)).isEqualTo(canonical);
        assertThat(HASH.of(written)).isEqualTo(HASH.of("+" + canonical));
    }

    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource({"12345, false", "123456, true", "123456789012345, true", "1234567890123456, false", "'', false"})
    @DisplayName("a plausible number has 6 to 15 digits")
    void plausible(String number, boolean expected) {
        assertThat(CallerHash.plausible(number)).isEqualTo(expected);
    }

    @Test
    @DisplayName("a WhatsApp id is hashed whole and apart from numbers: US.1234 and UK.1234 differ")
    void scopedIds() {
        assertThat(HASH.ofId("US.1234")).isNotEqualTo(HASH.ofId("UK.1234")).isNotEqualTo(HASH.of("1234"));
        assertThat(HASH.of("+22370000001")).hasSize(32).doesNotContain("70000001");
    }
}
