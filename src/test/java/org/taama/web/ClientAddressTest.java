package org.taama.web;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.taama.net.Cidr;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ClientAddressTest {
    final ClientAddress behindProxies = new ClientAddress(Cidr.parseList("10.0.0.0/8,2001:db8:1::/48"));
    final ClientAddress direct = new ClientAddress(List.of());

    @Test
    @DisplayName("with no trusted proxy, X-Forwarded-For is never read: the peer is the client")
    void noTrustedProxy() {
        assertThat(direct.resolve("198.51.100.9", List.of("203.0.113.7"))).isEqualTo("198.51.100.9");
        assertThat(direct.resolve("10.0.0.5", List.of("203.0.113.7"))).isEqualTo("10.0.0.5");
    }

    @Test
    @DisplayName("a stranger's X-Forwarded-For is ignored, even when it names a trusted proxy")
    void strangerHeaderIgnored() {
        assertThat(behindProxies.resolve("198.51.100.9", List.of("203.0.113.7, 10.0.0.1"))).isEqualTo("198.51.100.9");
    }

    @Test
    @DisplayName("through our proxy: the right-most address that is not a proxy, whatever the client wrote before it")
    void rightMostStranger() {
        // The client forged "1.1.1.1"; our proxy appended the real peer it saw, 203.0.113.7.
        assertThat(behindProxies.resolve("10.0.0.2", List.of("1.1.1.1, 203.0.113.7"))).isEqualTo("203.0.113.7");
        // Two of our proxies in a row.
        assertThat(behindProxies.resolve("10.0.0.2", List.of("1.1.1.1, 203.0.113.7, 10.0.0.3"))).isEqualTo("203.0.113.7");
        // Several headers are one list, in order.
        assertThat(behindProxies.resolve("10.0.0.2", List.of("1.1.1.1", "203.0.113.7", "10.0.0.3"))).isEqualTo("203.0.113.7");
        // IPv6, brackets and ports as some proxies write them.
        assertThat(behindProxies.resolve("2001:db8:1::5", List.of("[2001:db8:9::7]:443"))).isEqualTo("2001:db8:9:0:0:0:0:7");
        assertThat(behindProxies.resolve("10.0.0.2", List.of("203.0.113.7:41234"))).isEqualTo("203.0.113.7");
        assertThat(behindProxies.resolve("::ffff:10.0.0.2", List.of("203.0.113.7"))).isEqualTo("203.0.113.7");
    }

    @Test
    @DisplayName("a trusted peer without the header is the client itself")
    void trustedPeerNoHeader() {
        assertThat(behindProxies.resolve("10.0.0.2", List.of())).isEqualTo("10.0.0.2");
        assertThat(behindProxies.resolve("10.0.0.2", List.of(""))).isEqualTo("10.0.0.2");
    }

    @Test
    @DisplayName("every hop a proxy: the left-most one")
    void allProxies() {
        assertThat(behindProxies.resolve("10.0.0.2", List.of("10.0.0.9, 10.0.0.8"))).isEqualTo("10.0.0.9");
    }

    @Test
    @DisplayName("garbage in the chain stops the walk at the last address a proxy of ours vouched for")
    void garbageStops() {
        assertThat(behindProxies.resolve("10.0.0.2", List.of("203.0.113.7, not-an-ip"))).isEqualTo("10.0.0.2");
        assertThat(behindProxies.resolve("10.0.0.2", List.of("unknown, 10.0.0.3"))).isEqualTo("10.0.0.3");
        assertThat(behindProxies.resolve("10.0.0.2", List.of("203.0.113.7,,10.0.0.3"))).isEqualTo("10.0.0.3");
        assertThat(behindProxies.resolve("10.0.0.2", List.of("\u0000\r\n"))).isEqualTo("10.0.0.2");
    }

    @Test
    @DisplayName("a huge forged chain of proxy addresses is read only so far")
    void hugeChain() {
        String chain = "203.0.113.7, " + "10.0.0.1, ".repeat(10_000) + "10.0.0.1";
        assertThat(behindProxies.resolve("10.0.0.2", List.of(chain))).isEqualTo("10.0.0.1");
    }

    @Test
    @DisplayName("no peer, or an unreadable one, is 'unknown'")
    void noPeer() {
        assertThat(direct.resolve(null, List.of("203.0.113.7"))).isEqualTo("unknown");
        assertThat(direct.resolve("garbage", List.of())).isEqualTo("unknown");
    }
}
