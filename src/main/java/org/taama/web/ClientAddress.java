package org.taama.web;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;
import org.taama.net.Cidr;

import java.util.ArrayList;
import java.util.List;

/**
 * Who sent a request: the TCP peer, unless that peer is one of our own reverse proxies
 * ({@code TRUSTED_PROXIES}), in which case the right-most {@code X-Forwarded-For} address that is not
 * one of them. Anyone can write {@code X-Forwarded-For}; only the entries our proxies appended can be
 * believed, and those are at the right end, so the walk goes leftwards and stops at the first stranger.
 * Nobody else's header is ever read: with no trusted proxy configured, the peer is the answer.
 *
 * <p>Thread-safe and immutable; one instance serves every route (USSD allow-list, login throttle, ...).
 */
public final class ClientAddress {
    private static final String HEADER = "X-Forwarded-For";
    /** A chain longer than this is not a real proxy path; the rest is not read. */
    static final int MAX_HOPS = 32;

    private final List<Cidr> trustedProxies;

    public ClientAddress(List<Cidr> trustedProxies) {
        this.trustedProxies = List.copyOf(trustedProxies);
    }

    /** The client's address in canonical form ({@link Cidr#format}), or "unknown" when there is no peer. */
    public String of(HttpServerRequest request) {
        SocketAddress peer = request.remoteAddress();
        return resolve(peer == null ? null : peer.hostAddress(), request.headers().getAll(HEADER));
    }

    /** As {@link #of}, from the peer's address and every X-Forwarded-For header in the order received. */
    public String resolve(String peer, List<String> forwardedFor) {
        String current = Cidr.canonical(peer);
        if (current == null) return "unknown";
        if (!Cidr.anyContains(trustedProxies, current)) return current;
        List<String> hops = new ArrayList<>();
        for (String header : forwardedFor) {
            for (String hop : header.split(",", -1)) hops.add(hop);
        }
        int stop = Math.max(0, hops.size() - MAX_HOPS);
        for (int i = hops.size() - 1; i >= stop; i--) {
            String hop = Cidr.canonical(withoutPort(hops.get(i).strip()));
            // A hop our own proxy could not have written ends the trust: keep the last proxy we believed.
            if (hop == null) return current;
            current = hop;
            if (!Cidr.anyContains(trustedProxies, hop)) return hop;
        }
        return current;
    }

    /** Proxies sometimes append a port: "203.0.113.7:41234", "[2001:db8::1]:443". */
    private static String withoutPort(String hop) {
        if (hop.startsWith("[")) {
            int close = hop.indexOf(']');
            return close < 0 ? hop : hop.substring(0, close + 1);
        }
        int colon = hop.indexOf(':');
        if (colon > 0 && colon == hop.lastIndexOf(':') && hop.indexOf('.') >= 0) return hop.substring(0, colon);
        return hop;
    }
}
