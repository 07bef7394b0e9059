package org.taama.privacy;

import org.taama.config.Config;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Properties;

/**
 * The keys that protect callers: one for the keyed hash that identifies them, one for encrypting the
 * few numbers kept for sending. Production must set them; the embedded dev mode makes them once and
 * keeps them in the data folder so a restart still recognises callers.
 */
public final class Secrets {
    private Secrets() {}

    public static Config ensure(Config config) throws IOException {
        if (config.hashKey() != null && config.encryptionKey() != null) {
            decode("HASH_KEY", config.hashKey(), 32);
            decode("ENCRYPTION_KEY", config.encryptionKey(), 32);
            return config;
        }
        if (!config.embeddedRedis()) {
            throw new IllegalStateException("HASH_KEY and ENCRYPTION_KEY must be set when REDIS_URL is set "
                    + "(generate each with: openssl rand -base64 32)");
        }
        Path file = config.dataDir().resolve("secrets.properties");
        Properties p = new Properties();
        if (Files.exists(file)) {
            try (InputStream in = Files.newInputStream(file)) {
                p.load(in);
            }
        }
        boolean changed = false;
        for (String name : new String[] {"HASH_KEY", "ENCRYPTION_KEY"}) {
            if (p.getProperty(name) == null) {
                byte[] key = new byte[32];
                new SecureRandom().nextBytes(key);
                p.setProperty(name, Base64.getEncoder().encodeToString(key));
                changed = true;
            }
        }
        if (changed) {
            Files.createDirectories(config.dataDir());
            try (OutputStream out = Files.newOutputStream(file)) {
                p.store(out, "Development keys made by Taama; production sets HASH_KEY and ENCRYPTION_KEY");
            }
            try {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException ignored) {
                // not a POSIX file system; nothing more we can do here
            }
        }
        return config.withSecrets(
                config.hashKey() != null ? config.hashKey() : p.getProperty("HASH_KEY"),
                config.encryptionKey() != null ? config.encryptionKey() : p.getProperty("ENCRYPTION_KEY"));
    }

    public static byte[] decode(String name, String base64, int minBytes) {
        byte[] key;
        try {
            key = Base64.getDecoder().decode(base64.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + " must be base64 (openssl rand -base64 32)");
        }
        if (key.length < minBytes) throw new IllegalArgumentException(name + " must hold at least " + minBytes + " bytes");
        return key;
    }
}
