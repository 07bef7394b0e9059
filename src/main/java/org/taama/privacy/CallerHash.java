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

    /** Mali's country code: an 8-digit local number ("70 00 00 01") is the same person as +223 70 00 00 01. */
    public static final String HOME_COUNTRY = "223";
    private static final int LOCAL_DIGITS = 8;

    /**
     * One canonical form for every number, so the same person has one hash whatever way a gateway, a
     * caller or an operator writes it: digits only, no international prefix "00", and the country code
     * added to a local 8-digit number.
     */
    public static String normalize(String number) {
        StringBuilder d = new StringBuilder(number.length());
        for (int i = 0; i < number.length(); i++) {
            char c = number.charAt(i);
            if (c >= '0' && c <= '9') d.append(c);
        }
        String digits = d.toString();
        if (digits.startsWith("00")) digits = digits.substring(2);
        return digits.length() == LOCAL_DIGITS ? HOME_COUNTRY + digits : digits;
    }

    /** True when a number has as many digits as an international (E.164) number may: 6 to 15. */
    public static boolean plausible(String number) {
        int n = normalize(number).length();
        return n >= 6 && n <= 15;
    }

    /**
     * Whether a number's canonical form starts with one of these E.164 country codes ("223"). Country
     * codes are prefix-free, so one cannot be mistaken for another.
     */
    public static boolean inCountries(String number, java.util.List<String> countryCodes) {
        String digits = normalize(number);
        return countryCodes.stream().anyMatch(digits::startsWith);
    }

    /**
     * A caller known by an id that is not a phone number (a WhatsApp business-scoped user id such as
     * "US.1234"): hashed whole, in its own namespace, so "US.1234" and "UK.1234" stay apart.
     */
    /** A WhatsApp business-scoped user id as Twilio sends it: two capitals, a dot, then the id. */
    private static final java.util.regex.Pattern SCOPED_ID =
            java.util.regex.Pattern.compile("[A-Z]{2}\\.[A-Za-z0-9_-]{1,60}");

    /** True when an address (with or without "whatsapp:") is a scoped id, not a phone number. */
    public static boolean isScopedId(String address) {
        return address != null && SCOPED_ID.matcher(address.replaceFirst("^whatsapp:", "")).matches();
    }

    /** The caller hash of whatever identifies a person: a number in any spelling, or a scoped id. */
    public String ofAddress(String address) {
        String bare = address.replaceFirst("^whatsapp:", "");
        return isScopedId(bare) ? ofId(bare) : of(bare);
    }

    /**
     * A keyed digest of what a caller typed, bound to that caller: enough to recognise the same text
     * again, not to find it. A USSD history is a few digits and stars, so an unkeyed digest of it is
     * undone by trying them all; without HASH_KEY this one is not.
     */
    public String typed(String caller, String text) {
        byte[] h = mac.get().doFinal(("typed:" + caller + ":" + text).getBytes(StandardCharsets.UTF_8));
        return java.util.Base64.getEncoder().withoutPadding().encodeToString(java.util.Arrays.copyOf(h, 12));
    }

    public String ofId(String id) {
        byte[] h = mac.get().doFinal(("id:" + id).getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(h, 0, 16);
    }

    public String of(String number) {
        byte[] h = mac.get().doFinal(normalize(number).getBytes(StandardCharsets.US_ASCII));
        return HexFormat.of().formatHex(h, 0, 16);
    }
}
