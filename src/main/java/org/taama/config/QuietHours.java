package org.taama.config;

import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;

/**
 * The hours, in Mali's time, when no campaign message is sent ({@code QUIET_HOURS}, "21:00-08:00"):
 * from {@code start} (included) to {@code end} (excluded), across midnight when start is after end.
 */
public record QuietHours(LocalTime start, LocalTime end) {
    public static final ZoneId ZONE = ZoneId.of("Africa/Bamako");
    public static final String DEFAULT = "21:00-08:00";

    public QuietHours {
        if (start.equals(end)) throw new IllegalArgumentException("QUIET_HOURS must not start and end at the same time");
    }

    /** "HH:MM-HH:MM"; throws with a one-line reason otherwise. */
    public static QuietHours parse(String v) {
        String[] p = v.strip().split("-", -1);
        if (p.length != 2) throw new IllegalArgumentException("QUIET_HOURS must be HH:MM-HH:MM such as 21:00-08:00, not '" + v + "'");
        try {
            return new QuietHours(time(p[0]), time(p[1]));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("QUIET_HOURS must be HH:MM-HH:MM such as 21:00-08:00, not '" + v + "'");
        }
    }

    private static LocalTime time(String s) {
        if (!s.strip().matches("[0-2][0-9]:[0-5][0-9]")) throw new DateTimeParseException("HH:MM", s, 0);
        return LocalTime.parse(s.strip());
    }

    public boolean contains(LocalTime t) {
        return start.isBefore(end) ? !t.isBefore(start) && t.isBefore(end) : !t.isBefore(start) || t.isBefore(end);
    }

    /** {@code at} itself when it is outside the quiet hours, else the end of those hours. */
    public LocalDateTime nextOpen(LocalDateTime at) {
        if (!contains(at.toLocalTime())) return at;
        LocalDateTime end = at.toLocalDate().atTime(this.end);
        return end.isBefore(at) ? end.plusDays(1) : end;
    }

    /** The next start of the quiet hours at or after {@code at}. */
    public LocalDateTime nextQuiet(LocalDateTime at) {
        LocalDateTime s = at.toLocalDate().atTime(start);
        return s.isBefore(at) ? s.plusDays(1) : s;
    }

    @Override
    public String toString() {
        return start + "-" + end;
    }
}
