package org.taama.support;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Phone numbers no other test in this run has used. Drawing seven random digits collided about once
 * in six runs of the load tests (two thousand callers in ten million numbers): the second caller then
 * found the first one's language or session, and walked a menu nobody meant. A counter cannot collide;
 * its random start keeps runs apart on a Redis that outlives them. The {@code +2239} block is used by no
 * fixed number in the tests.
 */
public final class Numbers {
    private static final int SPACE = 10_000_000;
    private static final AtomicInteger NEXT = new AtomicInteger(ThreadLocalRandom.current().nextInt(SPACE));

    private Numbers() {}

    public static String fresh() {
        return "+2239" + String.format("%07d", Math.floorMod(NEXT.getAndIncrement(), SPACE));
    }
}
