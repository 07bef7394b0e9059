package org.taama.stats;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Where counts are kept: one Redis hash per minute and one per day (UTC, which is Mali's time all
 * year), each field a counter ({@link Metric}). A minute's hash expires 24 h after the minute
 * ended, a day's 90 days after the day ended, so the counters hold at most 1,440 + 90 hashes of a
 * bounded set of fields whatever the traffic. Every key shares the {@code {stats}} hash tag, so the
 * one script that writes a minute, its day and the message log runs on Redis Cluster too.
 */
public final class Buckets {
    public static final String PREFIX = "taama:{stats}:";
    public static final String LOG = PREFIX + "log";
    /** The pub/sub channel on which a node says it has just counted something. */
    public static final String CHANGED = PREFIX + "changed";
    public static final long MINUTE = 60_000L;
    public static final long DAY = 86_400_000L;
    public static final Duration MINUTES_KEPT = Duration.ofHours(24);
    public static final Duration DAYS_KEPT = Duration.ofDays(90);

    private static final DateTimeFormatter MINUTE_NAME = DateTimeFormatter.ofPattern("yyyyMMddHHmm").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter DAY_NAME = DateTimeFormatter.ofPattern("yyyyMMdd").withZone(ZoneOffset.UTC);

    private Buckets() {}

    /** The start (epoch ms) of the minute holding {@code ms}. */
    public static long minuteOf(long ms) {
        return Math.floorDiv(ms, MINUTE) * MINUTE;
    }

    public static long dayOf(long ms) {
        return Math.floorDiv(ms, DAY) * DAY;
    }

    public static String minuteKey(long minuteStart) {
        return PREFIX + "m:" + MINUTE_NAME.format(Instant.ofEpochMilli(minuteStart));
    }

    public static String dayKey(long dayStart) {
        return PREFIX + "d:" + DAY_NAME.format(Instant.ofEpochMilli(dayStart));
    }

    /** When a minute's hash is gone: 24 h after the minute ended. */
    public static long minuteExpiry(long minuteStart) {
        return minuteStart + MINUTE + MINUTES_KEPT.toMillis();
    }

    public static long dayExpiry(long dayStart) {
        return dayStart + DAY + DAYS_KEPT.toMillis();
    }
}
