package org.taama.stats;

import java.util.Arrays;

/** What the dashboard can show: minutes for a day or less, days beyond. */
public enum Range {
    HOUR("1h", Buckets.MINUTE, 60),
    DAY("24h", Buckets.MINUTE, 1440),
    WEEK("7d", Buckets.DAY, 7),
    MONTH("30d", Buckets.DAY, 30),
    QUARTER("90d", Buckets.DAY, 90);

    private final String id;
    private final long step;
    private final int buckets;

    Range(String id, long step, int buckets) {
        this.id = id;
        this.step = step;
        this.buckets = buckets;
    }

    public String id() {
        return id;
    }

    public long step() {
        return step;
    }

    public int buckets() {
        return buckets;
    }

    public boolean minutes() {
        return step == Buckets.MINUTE;
    }

    /** The start of the first bucket of this range when it is {@code now}. */
    public long from(long now) {
        long last = minutes() ? Buckets.minuteOf(now) : Buckets.dayOf(now);
        return last - (buckets - 1) * step;
    }

    /** The range called {@code id}, or null. */
    public static Range of(String id) {
        return Arrays.stream(values()).filter(r -> r.id.equals(id)).findFirst().orElse(null);
    }

    public static String ids() {
        return String.join(", ", Arrays.stream(values()).map(Range::id).toList());
    }
}
