package org.taama.support;

import io.vertx.core.Future;
import org.taama.redis.Redis;

import java.util.concurrent.TimeUnit;

/**
 * The redis-server process behind a connection, found by asking it (INFO server: process_id), so a
 * test can freeze it (SIGSTOP: the socket stays open, commands queue unanswered, as in a real stall)
 * and thaw it (SIGCONT: it then runs everything that queued, in order). Closing thaws it.
 */
public final class RedisProcess implements AutoCloseable {
    private final long pid;

    private RedisProcess(long pid) {
        this.pid = pid;
    }

    public static RedisProcess of(Redis redis) {
        String info = Await.result(Future.fromCompletionStage(redis.commands().info("server")));
        for (String line : info.split("\r?\n")) {
            if (line.startsWith("process_id:")) return new RedisProcess(Long.parseLong(line.substring(11).strip()));
        }
        throw new AssertionError("INFO server has no process_id: " + info);
    }

    public long pid() {
        return pid;
    }

    public void pause() {
        signal("STOP");
    }

    public void resume() {
        signal("CONT");
    }

    @Override
    public void close() {
        resume();
    }

    private void signal(String name) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(pid)).inheritIO().start();
            if (!kill.waitFor(5, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new AssertionError("kill -" + name + " " + pid + " failed");
            }
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
