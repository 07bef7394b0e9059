package org.taama.config;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class QuietHoursConfigTest {

    @Test
    @DisplayName("quiet hours are 21:00-08:00 in Bamako unless told otherwise, across midnight")
    void quietHours() {
        QuietHours q = Config.from(Map.of()).quietHours();
        assertThat(q).isEqualTo(new QuietHours(LocalTime.of(21, 0), LocalTime.of(8, 0)));
        assertThat(q.contains(LocalTime.of(21, 0))).isTrue();
        assertThat(q.contains(LocalTime.of(2, 30))).isTrue();
        assertThat(q.contains(LocalTime.of(8, 0))).isFalse();
        assertThat(q.contains(LocalTime.of(20, 59))).isFalse();
        LocalDateTime night = LocalDateTime.of(2027, 1, 10, 23, 15);
        assertThat(q.nextOpen(night)).isEqualTo(LocalDateTime.of(2027, 1, 11, 8, 0));
        assertThat(q.nextOpen(LocalDateTime.of(2027, 1, 11, 3, 0))).isEqualTo(LocalDateTime.of(2027, 1, 11, 8, 0));
        assertThat(q.nextOpen(LocalDateTime.of(2027, 1, 11, 9, 0))).isEqualTo(LocalDateTime.of(2027, 1, 11, 9, 0));
        QuietHours day = Config.from(Map.of("QUIET_HOURS", "12:00-14:30")).quietHours();
        assertThat(day.contains(LocalTime.of(13, 0))).isTrue();
        assertThat(day.contains(LocalTime.of(23, 0))).isFalse();
    }

    @Test
    @DisplayName("a bad QUIET_HOURS or SENDER_RATE refuses to start, naming the variable")
    void badValuesRefuseToStart() {
        for (String bad : new String[] {"21-08", "21:00", "25:00-08:00", "21:00-08:60", "08:00-08:00", "night", "21:00-08:00-09:00"}) {
            assertThatThrownBy(() -> Config.from(Map.of("QUIET_HOURS", bad)))
                    .as(bad).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("QUIET_HOURS");
        }
        assertThat(Config.from(Map.of()).senderRate()).isEqualTo(10);
        assertThat(Config.from(Map.of("SENDER_RATE", "30")).senderRate()).isEqualTo(30);
        for (String bad : new String[] {"0", "-1", "fast", "10001"}) {
            assertThatThrownBy(() -> Config.from(Map.of("SENDER_RATE", bad)))
                    .as(bad).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("SENDER_RATE");
        }
    }
}
