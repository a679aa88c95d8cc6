package io.baton.routing;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.regex.Pattern;

/**
 * One line of a rate deck in CSV: {@code prefix,rate,connection_fee,increment_first,
 * increment_next,effective_date} ({@code 1646,0.0040,0,60,6,2026-01-01}). The prefix may carry a
 * {@code +}; an empty fee is 0, empty increments 1, an empty date "always". Plain code, no I/O.
 */
public final class RateDeckCsv {
  /** The header line a deck may start with. */
  public static final String HEADER =
      "prefix,rate,connection_fee,increment_first,increment_next,effective_date";

  private static final Pattern DIGITS = Pattern.compile("\\+?[0-9]{1,15}");
  private static final BigDecimal MAX_MONEY = new BigDecimal("1000000");
  private static final int MAX_INCREMENT = 3600;

  private RateDeckCsv() {}

  /** A line read: a rate, or what is wrong with it. */
  public sealed interface Parsed {
    record Row(Rate rate) implements Parsed {}

    record Bad(String problem) implements Parsed {}
  }

  /** True if {@code line} is the header (case and spaces aside). */
  public static boolean isHeader(String line) {
    return line.replace(" ", "").equalsIgnoreCase(HEADER);
  }

  /** Reads one line of {@code carrier}'s deck. */
  public static Parsed parse(String carrier, String line) {
    String[] f = line.split(",", -1);
    if (f.length != 6) {
      return new Parsed.Bad("expected 6 fields (" + HEADER + "), got " + f.length);
    }
    try {
      String prefix = f[0].strip();
      if (!DIGITS.matcher(prefix).matches()) {
        return new Parsed.Bad("prefix: '" + prefix + "' is not 1 to 15 digits");
      }
      return new Parsed.Row(
          new Rate(
              carrier,
              prefix.startsWith("+") ? prefix : "+" + prefix,
              date(f[5].strip()),
              money("rate", f[1].strip(), null),
              money("connection_fee", f[2].strip(), BigDecimal.ZERO),
              increment("increment_first", f[3].strip()),
              increment("increment_next", f[4].strip())));
    } catch (IllegalArgumentException e) {
      return new Parsed.Bad(e.getMessage());
    }
  }

  private static BigDecimal money(String field, String text, BigDecimal empty) {
    if (text.isEmpty() && empty != null) {
      return empty.setScale(6);
    }
    BigDecimal value;
    try {
      value = new BigDecimal(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(field + ": '" + text + "' is not a number");
    }
    if (value.signum() < 0 || value.compareTo(MAX_MONEY) >= 0) {
      throw new IllegalArgumentException(field + ": " + text + " is not in 0..999999.999999");
    }
    if (value.stripTrailingZeros().scale() > 6) {
      throw new IllegalArgumentException(field + ": " + text + " has more than 6 decimals");
    }
    return value.setScale(6);
  }

  private static int increment(String field, String text) {
    if (text.isEmpty()) {
      return 1;
    }
    try {
      int value = Integer.parseInt(text);
      if (value >= 1 && value <= MAX_INCREMENT) {
        return value;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(
        field + ": '" + text + "' is not whole seconds in 1.." + MAX_INCREMENT);
  }

  private static LocalDate date(String text) {
    if (text.isEmpty()) {
      return Rate.ALWAYS;
    }
    try {
      return LocalDate.parse(text);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("effective_date: '" + text + "' is not a date yyyy-mm-dd");
    }
  }
}
