package org.taama.privacy;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;

/**
 * Encrypts the few phone numbers Taama must keep to send to (opted-in subscribers, call-back
 * requests): AES-256-GCM with a fresh 96-bit nonce per value, stored as base64(nonce ‖ ciphertext).
 * The caller hash is bound as associated data, so a value moved to another caller's key fails.
 */
public final class NumberCipher {
    private static final int NONCE = 12;
    private static final int TAG_BITS = 128;
    private final SecretKeySpec key;
    private final SecureRandom random = new SecureRandom();

    public NumberCipher(byte[] key) {
        this.key = new SecretKeySpec(Arrays.copyOf(key, 32), "AES");
    }

    public String encrypt(String number, String caller) {
        try {
            byte[] nonce = new byte[NONCE];
            random.nextBytes(nonce);
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            c.updateAAD(caller.getBytes(StandardCharsets.US_ASCII));
            byte[] ct = c.doFinal(number.getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(ByteBuffer.allocate(NONCE + ct.length).put(nonce).put(ct).array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is missing from this JVM", e);
        }
    }

    /** The number, or throws when the value was tampered with or belongs to another caller. */
    public String decrypt(String stored, String caller) {
        try {
            byte[] all = Base64.getDecoder().decode(stored);
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, all, 0, NONCE));
            c.updateAAD(caller.getBytes(StandardCharsets.US_ASCII));
            return new String(c.doFinal(all, NONCE, all.length - NONCE), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalArgumentException("this stored number cannot be decrypted with this key");
        }
    }
}
