package org.taama.privacy;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;

/**
 * Who a caller is, without their number: an HMAC-SHA256 of the number (digits only) under a secret
 * key, cut to 128 bits. Without the key, a list of all Malian numbers cannot be hashed to find one.
 */
public final class CallerHash {
    /** One initialised Mac per thread: getInstance and init cost more than the hash itself. */
    private final ThreadLocal<Mac> mac;

    public CallerHash(byte[] key) {
        SecretKeySpec spec = new SecretKeySpec(key, "HmacSHA256");
        this.mac = ThreadLocal.withInitial(() -> {
            try {
                Mac m = Mac.getInstance("HmacSHA256");
                m.init(spec);
                return m;
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
            }
        });
    }

    /** Digits only, so "+223 70 00 00 00" and "22370000000" are the same caller. */
    public static String normalize(String number) {
        StringBuilder d = new StringBuilder(number.length());
        for (int i = 0; i < number.length(); i++) {
            char c = number.charAt(i);
            if (c >= '0' && c <= '9') d.append(c);
        }
        String digits = d.toString();
        return digits.startsWith("00") ? digits.substring(2) : digits;
    }

    /**
     * A caller known by an id that is not a phone number (a WhatsApp business-scoped user id such as
     * "US.1234"): hashed whole, in its own namespace, so "US.1234" and "UK.1234" stay apart.
     */
    public String ofId(String id) {
        byte[] h = mac.get().doFinal(("id:" + id).getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(h, 0, 16);
    }

    public String of(String number) {
        byte[] h = mac.get().doFinal(normalize(number).getBytes(StandardCharsets.US_ASCII));
        return HexFormat.of().formatHex(h, 0, 16);
    }
}
