package org.taama.redis;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("The embedded Redis keeps its data private to this user")
class EmbeddedRedisTest {
    static final Set<PosixFilePermission> FOLDER = PosixFilePermissions.fromString("rwx------");
    static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");

    @Test
    @DisplayName("after a write and a save, the data folder is 0700 and every file in it 0600, older files included")
    void dataIsPrivate(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("redis");
        Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        Path older = Files.writeString(dir.resolve("left-by-an-older-run.rdb"), "x");
        Files.setPosixFilePermissions(older, PosixFilePermissions.fromString("rw-r--r--"));

        try (EmbeddedRedis redis = EmbeddedRedis.start(dir)) {
            RedisClient client = RedisClient.create(redis.url());
            try (StatefulRedisConnection<String, String> c = client.connect()) {
                c.sync().set("taama:{perm-test}:lang", "bm");
                // SAVE writes dump.rdb afresh; the write went to the append-only files already.
                assertThat(c.sync().save()).isEqualTo("OK");
            } finally {
                client.shutdown(java.time.Duration.ZERO, java.time.Duration.ofSeconds(1));
            }

            List<Path> files;
            try (Stream<Path> all = Files.walk(dir)) {
                files = all.toList();
            }
            assertThat(files).as("Redis did write its files").contains(dir.resolve("dump.rdb"))
                    .anyMatch(p -> p.toString().endsWith(".aof"));
            for (Path p : files) {
                assertThat(Files.getPosixFilePermissions(p)).as(p.toString())
                        .isEqualTo(Files.isDirectory(p) ? FOLDER : FILE);
            }
        }
    }
}
