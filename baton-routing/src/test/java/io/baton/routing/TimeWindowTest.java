package io.baton.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.DayOfWeek;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import org.junit.jupiter.api.Test;

class TimeWindowTest {
  private static final ZoneId NY = ZoneId.of("America/New_York");

  /** 2026-11-23 is a Monday. */
  private static ZonedDateTime at(int day, int hour, int minute) {
    return ZonedDateTime.of(2026, 11, day, hour, minute, 0, 0, NY);
  }

  @Test
  void officeHoursOnWeekdays() {
    TimeWindow office = TimeWindow.parse("mon-fri", "09:00", "17:00");

    assertThat(office.contains(at(23, 9, 0))).isTrue();
    assertThat(office.contains(at(27, 16, 59))).isTrue();
    assertThat(office.contains(at(27, 17, 0))).isFalse();
    assertThat(office.contains(at(23, 8, 59))).isFalse();
    assertThat(office.contains(at(28, 12, 0))).isFalse(); // Saturday
    assertThat(office.daysText()).isEqualTo("mon,tue,wed,thu,fri");
  }

  @Test
  void aNightWindowBelongsToTheDayItStarts() {
    TimeWindow night = TimeWindow.parse("fri", "22:00", "06:00");

    assertThat(night.contains(at(27, 23, 0))).isTrue(); // Friday night
    assertThat(night.contains(at(28, 5, 59))).isTrue(); // Saturday morning
    assertThat(night.contains(at(28, 6, 0))).isFalse();
    assertThat(night.contains(at(27, 5, 0))).isFalse(); // Friday morning: Thursday's night
  }

  @Test
  void rangesWrapAroundTheWeekAndEqualTimesAreTheWholeDay() {
    TimeWindow weekend = TimeWindow.parse("sat-sun", "00:00", "00:00");
    assertThat(weekend.days()).containsExactlyInAnyOrder(DayOfWeek.SATURDAY, DayOfWeek.SUNDAY);
    assertThat(TimeWindow.parse("fri-mon", "00:00", "00:00").days()).hasSize(4);
    assertThat(weekend.contains(at(29, 23, 59))).isTrue();
  }

  @Test
  void badInputIsNamed() {
    assertThatThrownBy(() -> TimeWindow.parse("monday", "09:00", "17:00"))
        .hasMessageStartingWith("days: 'monday' is not one of");
    assertThatThrownBy(() -> TimeWindow.parse("mon", "9:00", "17:00"))
        .hasMessage("start: '9:00' is not a time HH:MM");
    assertThatThrownBy(() -> TimeWindow.parse("mon", "09:00", "25:00"))
        .hasMessage("end: '25:00' is not a time HH:MM");
  }
}
