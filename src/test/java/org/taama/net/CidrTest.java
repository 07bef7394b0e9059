package org.taama.net;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CidrTest {

    @ParameterizedTest(name = "{0} holds {1}: {2}")
    @CsvSource({
            "10.0.0.0/8,        10.255.3.4,        true",
            "10.0.0.0/8,        11.0.0.0,          false",
            "10.0.0.0/8,        9.255.255.255,     false",
            "192.168.1.0/24,    192.168.1.255,     true",
            "192.168.1.0/24,    192.168.2.0,       false",
            "172.16.0.0/12,     172.31.255.255,    true",
            "172.16.0.0/12,     172.32.0.0,        false",
            "203.0.113.7,       203.0.113.7,       true",
            "203.0.113.7,       203.0.113.8,       false",
            "203.0.113.6/31,    203.0.113.7,       true",
            "0.0.0.0/0,         1.2.3.4,           true",
            "0.0.0.0/0,         ::1,               false",
            "::1,               ::1,               true",
            "::1/128,           0:0:0:0:0:0:0:1,   true",
            "::1,               ::2,               false",
            "2001:db8::/32,     2001:db8:ffff::1,  true",
            "2001:db8::/32,     2001:db9::1,       false",
            "2001:db8::/33,     2001:db8:7fff::1,  true",
            "2001:db8::/33,     2001:db8:8000::1,  false",
            "fe80::/10,         fe80::1%eth0,      true",
            "fe80::/10,         [fe80::1],         true",
            "::/0,              2001:db8::1,       true",
            "::/0,              10.0.0.1,          false",
            "10.0.0.0/8,        ::ffff:10.1.2.3,   true",
            "::ffff:10.0.0.0/104, 10.1.2.3,        true",
            "::ffff:10.0.0.0/104, 11.1.2.3,        false",
            "10.0.0.0/8,        10.0.0.1:80,       false",
            "10.0.0.0/8,        010.0.0.1,         false",
            "10.0.0.0/8,        10.1,              false",
            "10.0.0.0/8,        localhost,         false",
            "10.0.0.0/8,        '',                false",
            "2001:db8::/32,     2001:DB8::1,       true",
            "1:2:3:4:5:6:7:0/112, 1:2:3:4:5:6:7:ffff, true",
            "64:ff9b::/96,      64:ff9b::192.0.2.1, true",
    })
    void membership(String network, String address, boolean inside) {
        assertThat(Cidr.parse(network).contains(address)).isEqualTo(inside);
    }

    @ParameterizedTest(name = "''{0}'' is refused: {1}")
    @CsvSource(delimiter = '|', textBlock = """
            10.0.0.0/33          | needs a prefix length of 0 to 32
            ::1/129              | prefix length of 0 to 128
            ::ffff:10.0.0.0/64   | prefix length of 96 to 128
            10.0.0.0/            | no prefix length
            10.0.0.0/-1          | no prefix length
            10.0.0.0/8/8         | no prefix length
            10.0.0.0/ 8          | no prefix length
            10.0.0.1/8           | write 10.0.0.0/8
            2001:db8::1/32       | write 2001:db8:0:0:0:0:0:0/32
            256.0.0.0            | not an IP address
            10.0.0               | not an IP address
            10.0.0.0.0           | not an IP address
            10.0.0.-1            | not an IP address
            0x0a.0.0.0           | not an IP address
            127.1                | not an IP address
            localhost            | not an IP address
            example.org/24       | not an IP address
            1:2:3:4:5:6:7:8:9    | not an IP address
            1::2::3              | not an IP address
            :::                  | not an IP address
            12345::              | not an IP address
            g::1                 | not an IP address
            ::ffff:300.0.0.1     | not an IP address
            ١٠.0.0.0             | not an IP address
            ''                   | empty
            '   '                | empty
            """)
    void refused(String text, String reason) {
        assertThatThrownBy(() -> Cidr.parse(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(reason);
    }

    @Test
    @DisplayName("a control character or a huge entry is not an address")
    void hostileText() {
        assertThat(Cidr.address("10.0.0.1\u0000")).isNull();
        assertThat(Cidr.address("10.0.0.1\n10.0.0.2")).isNull();
        assertThat(Cidr.address("1".repeat(10_000))).isNull();
        assertThat(Cidr.address(":".repeat(40))).isNull();
        assertThat(Cidr.address(null)).isNull();
        assertThatThrownBy(() -> Cidr.parse("10.0.0.0/8\u0000")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    @DisplayName("a list: commas, spaces around entries; every entry must be good, empty ones included")
    void lists() {
        assertThat(Cidr.parseList(" 10.0.0.0/8 , 2001:db8::/32,192.0.2.1 "))
                .containsExactly(Cidr.parse("10.0.0.0/8"), Cidr.parse("2001:db8::/32"), Cidr.parse("192.0.2.1/32"));
        assertThat(Cidr.parseList("")).isEmpty();
        assertThat(Cidr.parseList("  ")).isEmpty();
        assertThat(Cidr.parseList(null)).isEmpty();
        assertThatThrownBy(() -> Cidr.parseList("10.0.0.0/8,,192.0.2.0/24"))
                .hasMessage("entry 2: empty");
        assertThatThrownBy(() -> Cidr.parseList("10.0.0.0/8,"))
                .hasMessage("entry 2: empty");
        assertThatThrownBy(() -> Cidr.parseList("10.0.0.0/8, ::1/129"))
                .hasMessage("entry 2: '::1/129' needs a prefix length of 0 to 128");
        assertThatThrownBy(() -> Cidr.parseList("nonsense"))
                .hasMessage("entry 1: 'nonsense' is not an IP address or network");
    }

    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource({
            "10.0.0.1,            10.0.0.1",
            "::1,                 0:0:0:0:0:0:0:1",
            "2001:DB8::A,         2001:db8:0:0:0:0:0:a",
            "::ffff:192.0.2.1,    192.0.2.1",
            "[2001:db8::1],       2001:db8:0:0:0:0:0:1",
            "fe80::1%25eth0,      fe80:0:0:0:0:0:0:1",
    })
    void canonicalForm(String text, String canonical) {
        assertThat(Cidr.canonical(text)).isEqualTo(canonical);
    }

    @Test
    void anyOfAList() {
        List<Cidr> l = Cidr.parseList("10.0.0.0/8,2001:db8::/32");
        assertThat(Cidr.anyContains(l, "10.9.9.9")).isTrue();
        assertThat(Cidr.anyContains(l, "2001:db8::9")).isTrue();
        assertThat(Cidr.anyContains(l, "192.0.2.1")).isFalse();
        assertThat(Cidr.anyContains(l, "garbage")).isFalse();
        assertThat(Cidr.anyContains(List.of(), "10.0.0.1")).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"0.0.0.0/0", "::/0", "10.0.0.0/8", "2001:db8::/32", "192.0.2.1/32"})
    void printsAsParsed(String text) {
        assertThat(Cidr.parse(Cidr.parse(text).toString())).isEqualTo(Cidr.parse(text));
    }
}
