package org.taama.net;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * An IPv4 or IPv6 network ({@code 10.0.0.0/8}, {@code 2001:db8::/32}, or one address, as /32 or /128).
 * Parsed by hand, never through {@link java.net.InetAddress#getByName}: that one resolves anything that
 * is not a literal through DNS, and accepts BSD forms such as {@code 127.1}, neither of which a
 * security setting should do. An IPv4-mapped IPv6 address ({@code ::ffff:10.0.0.1}) is the IPv4 address.
 */
public final class Cidr {
    private final byte[] network;
    private final int prefix;

    private Cidr(byte[] network, int prefix) {
        this.network = network;
        this.prefix = prefix;
    }

    /** Parses one network; throws {@link IllegalArgumentException} with a reason a person can act on. */
    public static Cidr parse(String text) {
        String t = text == null ? "" : text.strip();
        if (t.isEmpty()) throw new IllegalArgumentException("empty");
        int slash = t.indexOf('/');
        String host = slash < 0 ? t : t.substring(0, slash);
        byte[] address = address(host);
        if (address == null) throw new IllegalArgumentException("'" + t + "' is not an IP address or network");
        // ::ffff:10.0.0.0/104 is written in IPv6 bits but holds IPv4 addresses: 10.0.0.0/8.
        boolean mapped = address.length == 4 && host.indexOf(':') >= 0;
        int max = mapped ? 128 : address.length * 8;
        int prefix = max;
        if (slash >= 0) {
            String bits = t.substring(slash + 1);
            if (!bits.matches("[0-9]{1,3}")) throw new IllegalArgumentException("'" + t + "' has no prefix length after /");
            prefix = Integer.parseInt(bits);
            if (prefix > max || (mapped && prefix < 96)) {
                throw new IllegalArgumentException("'" + t + "' needs a prefix length of " + (mapped ? 96 : 0)
                        + " to " + max);
            }
        }
        if (mapped) prefix -= 96;
        byte[] masked = mask(address, prefix);
        if (!Arrays.equals(masked, address)) {
            // 10.0.0.1/8 is most likely a typo for one address or for 10.0.0.0/8: make the operator say which.
            throw new IllegalArgumentException("'" + t + "' has bits set after the prefix; write "
                    + format(masked) + "/" + prefix + " or the single address");
        }
        return new Cidr(masked, prefix);
    }

    /**
     * A comma-separated list; blank means none. Every entry must be valid: a security list that quietly
     * skipped a typo would trust, or refuse, other addresses than the operator meant.
     */
    public static List<Cidr> parseList(String text) {
        if (text == null || text.isBlank()) return List.of();
        List<Cidr> list = new ArrayList<>();
        String[] entries = text.split(",", -1);
        for (int i = 0; i < entries.length; i++) {
            try {
                list.add(parse(entries[i]));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("entry " + (i + 1) + ": " + e.getMessage(), e);
            }
        }
        return List.copyOf(list);
    }

    /** True when {@code address} (a literal, as {@link #address} reads it) lies in this network. */
    public boolean contains(String address) {
        byte[] a = address(address);
        return a != null && contains(a);
    }

    public boolean contains(byte[] address) {
        if (address.length != network.length) return false;
        return Arrays.equals(mask(address, prefix), network);
    }

    /** True when any network of the list holds the address. */
    public static boolean anyContains(List<Cidr> networks, String address) {
        byte[] a = address(address);
        if (a == null) return false;
        for (Cidr c : networks) {
            if (c.contains(a)) return true;
        }
        return false;
    }

    /**
     * The bytes of an IP literal (4 for IPv4 and IPv4-mapped IPv6, 16 for IPv6), or null when the text
     * is not one. Accepts {@code [v6]} brackets and drops a zone ({@code fe80::1%eth0}), as peers show them.
     */
    public static byte[] address(String text) {
        if (text == null) return null;
        String t = text.strip();
        if (t.startsWith("[") && t.endsWith("]")) t = t.substring(1, t.length() - 1);
        int zone = t.indexOf('%');
        if (zone >= 0 && t.indexOf(':') >= 0) t = t.substring(0, zone);
        if (t.isEmpty() || t.length() > 45) return null;
        if (t.indexOf(':') < 0) return ipv4(t);
        byte[] v6 = ipv6(t);
        if (v6 == null) return null;
        return isMappedV4(v6) ? Arrays.copyOfRange(v6, 12, 16) : v6;
    }

    /** The canonical text of an address: dotted IPv4, or the eight lower-case groups of IPv6. */
    public static String format(byte[] a) {
        StringBuilder s = new StringBuilder();
        if (a.length == 4) {
            for (int i = 0; i < 4; i++) s.append(i == 0 ? "" : ".").append(a[i] & 0xff);
        } else {
            for (int i = 0; i < 16; i += 2) {
                s.append(i == 0 ? "" : ":").append(Integer.toHexString(((a[i] & 0xff) << 8) | (a[i + 1] & 0xff)));
            }
        }
        return s.toString();
    }

    /** The canonical text of a literal, or null when it is not one. */
    public static String canonical(String text) {
        byte[] a = address(text);
        return a == null ? null : format(a);
    }

    private static byte[] ipv4(String t) {
        String[] parts = t.split("\\.", -1);
        if (parts.length != 4) return null;
        byte[] out = new byte[4];
        for (int i = 0; i < 4; i++) {
            String p = parts[i];
            // No leading zeros: "010" is octal to some parsers and decimal to others.
            if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(c -> c >= '0' && c <= '9')
                    || (p.length() > 1 && p.charAt(0) == '0')) {
                return null;
            }
            int v = Integer.parseInt(p);
            if (v > 255) return null;
            out[i] = (byte) v;
        }
        return out;
    }

    private static byte[] ipv6(String t) {
        byte[] tail = null;
        String head = t;
        int lastColon = t.lastIndexOf(':');
        if (t.indexOf('.') >= 0) {
            // An IPv4 tail takes the last two groups: ::ffff:10.0.0.1, 64:ff9b::192.0.2.1.
            tail = ipv4(t.substring(lastColon + 1));
            if (tail == null) return null;
            head = t.substring(0, lastColon + 1);
            if (!head.endsWith("::")) head = head.substring(0, head.length() - 1);
        }
        int groupsWanted = tail == null ? 8 : 6;
        int dbl = head.indexOf("::");
        if (dbl >= 0 && head.indexOf("::", dbl + 1) >= 0) return null;
        List<Integer> left = groups(dbl >= 0 ? head.substring(0, dbl) : head);
        List<Integer> right = dbl >= 0 ? groups(head.substring(dbl + 2)) : List.of();
        if (left == null || right == null) return null;
        int given = left.size() + right.size();
        if (dbl >= 0 ? given > groupsWanted - 1 : given != groupsWanted) return null;
        int[] all = new int[groupsWanted];
        for (int i = 0; i < left.size(); i++) all[i] = left.get(i);
        for (int i = 0; i < right.size(); i++) all[groupsWanted - right.size() + i] = right.get(i);
        byte[] out = new byte[16];
        for (int i = 0; i < groupsWanted; i++) {
            out[2 * i] = (byte) (all[i] >> 8);
            out[2 * i + 1] = (byte) all[i];
        }
        if (tail != null) System.arraycopy(tail, 0, out, 12, 4);
        return out;
    }

    /** Colon-separated hex groups of 1 to 4 digits; "" is no group; null when malformed. */
    private static List<Integer> groups(String s) {
        if (s.isEmpty()) return List.of();
        List<Integer> out = new ArrayList<>();
        for (String g : s.split(":", -1)) {
            if (g.isEmpty() || g.length() > 4) return null;
            int v = 0;
            for (char c : g.toCharArray()) {
                int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
                        : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
                if (d < 0) return null;
                v = v * 16 + d;
            }
            out.add(v);
        }
        return out;
    }

    private static boolean isMappedV4(byte[] a) {
        for (int i = 0; i < 10; i++) if (a[i] != 0) return false;
        return a[10] == (byte) 0xff && a[11] == (byte) 0xff;
    }

    private static byte[] mask(byte[] a, int prefix) {
        byte[] out = a.clone();
        for (int i = 0; i < out.length; i++) {
            int bits = Math.max(0, Math.min(8, prefix - 8 * i));
            out[i] = (byte) (out[i] & (0xff00 >> bits));
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Cidr c && c.prefix == prefix && Arrays.equals(c.network, network);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(network) + prefix;
    }

    @Override
    public String toString() {
        return format(network) + "/" + prefix;
    }
}
