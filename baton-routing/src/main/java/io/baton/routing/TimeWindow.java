package io.baton.routing;

import java.time.DayOfWeek;
import java.time.LocalTime;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Days of the week and a time of day, {@code [start, end)} in local time: {@code mon-fri
 * 09:00-17:00}. An end before the start runs over midnight and belongs to the day it starts on
 * ({@code fri 22:00-06:00} holds Saturday 05:00); an end equal to the start is the whole day.
 *
 * @param days written {@code mon,tue,...} or as ranges {@code mon-fri}
 */
public record TimeWindow(Set<DayOfWeek> days, LocalTime start, LocalTime end) {
  private static final List<String> NAMES =
      List.of("mon", "tue", "wed", "thu", "fri", "sat", "sun");

  public TimeWindow {
    if (days.isEmpty()) {
      throw new IllegalArgumentException("no day");
    }
    days = Set.copyOf(EnumSet.copyOf(days));
  }

  /**
   * Reads {@code days} ({@code mon-fri}, {@code sat,sun}) and {@code HH:MM} times.
   *
   * @throws IllegalArgumentException naming what is wrong
   */
  public static TimeWindow parse(String days, String start, String end) {
    return new TimeWindow(days(days), time("start", start), time("end", end));
  }

  private static Set<DayOfWeek> days(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("days: missing");
    }
    EnumSet<DayOfWeek> out = EnumSet.noneOf(DayOfWeek.class);
    for (String part : text.toLowerCase(Locale.ROOT).split(",")) {
      String[] range = part.strip().split("-", -1);
      if (range.length > 2) {
        throw new IllegalArgumentException("days: '" + part + "' is not a day or a day range");
      }
      int from = day(range[0]);
      int to = range.length == 2 ? day(range[1]) : from;
      for (int d = from; ; d = (d + 1) % 7) {
        out.add(DayOfWeek.of(d + 1));
        if (d == to) {
          break;
        }
      }
    }
    return out;
  }

  private static int day(String name) {
    int d = NAMES.indexOf(name.strip());
    if (d < 0) {
      throw new IllegalArgumentException("days: '" + name + "' is not one of " + NAMES);
    }
    return d;
  }

  private static LocalTime time(String field, String text) {
    try {
      if (text == null || !text.matches("[0-2][0-9]:[0-5][0-9]")) {
        throw new DateTimeParseException("not HH:MM", String.valueOf(text), 0);
      }
      return LocalTime.parse(text);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(field + ": '" + text + "' is not a time HH:MM", e);
    }
  }

  /** The days as stored and shown: {@code mon,tue,wed}. */
  public String daysText() {
    return days.stream()
        .sorted()
        .map(d -> NAMES.get(d.getValue() - 1))
        .collect(Collectors.joining(","));
  }

  public String startText() {
    return start.toString();
  }

  public String endText() {
    return end.toString();
  }

  /** True if {@code at} (in the window's time zone) falls in the window. */
  public boolean contains(ZonedDateTime at) {
    LocalTime t = at.toLocalTime();
    DayOfWeek day = at.getDayOfWeek();
    if (start.equals(end)) {
      return days.contains(day);
    }
    if (start.isBefore(end)) {
      return days.contains(day) && !t.isBefore(start) && t.isBefore(end);
    }
    return (days.contains(day) && !t.isBefore(start))
        || (days.contains(day.minus(1)) && t.isBefore(end));
  }
}
