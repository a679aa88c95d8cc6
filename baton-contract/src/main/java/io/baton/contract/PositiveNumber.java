package io.baton.contract;

import java.util.OptionalLong;
import java.util.regex.Pattern;

/**
 * A whole number, at least 1, as Baton's headers carry it: a ring time in seconds ({@code
 * X-Baton-Transfer-Timeout}, a fallback entry's {@code timeout}) or an attempt ({@code
 * X-Baton-Transfer-Attempt}). Written in decimal digits; read with the whitespace around it
 * ignored.
 */
public final class PositiveNumber {
  /** ASCII digits only: no sign, no other script's digits. */
  private static final Pattern DIGITS = Pattern.compile("[0-9]+");

  private PositiveNumber() {}

  /**
   * @throws IllegalArgumentException below 1: no element may write it
   */
  public static String format(long n) {
    if (n < 1) {
      throw new IllegalArgumentException(n + " is not a positive number");
    }
    return Long.toString(n);
  }

  /** The number {@code text} holds; empty if it holds none, or one below 1. */
  public static OptionalLong parse(String text) {
    if (text == null) {
      return OptionalLong.empty();
    }
    String digits = text.strip();
    if (!DIGITS.matcher(digits).matches()) {
      return OptionalLong.empty();
    }
    try {
      long n = Long.parseLong(digits);
      return n >= 1 ? OptionalLong.of(n) : OptionalLong.empty();
    } catch (NumberFormatException e) {
      return OptionalLong.empty(); // beyond a long
    }
  }

  /**
   * A ring time in seconds.
   *
   * @param where the header (and part of it) for the error, e.g. {@code X-Baton-Transfer-Timeout}
   * @throws IllegalArgumentException {@code Bad X-Baton-Transfer-Timeout (seconds, at least 1)}
   */
  public static long seconds(String text, String where) {
    return parse(text)
        .orElseThrow(() -> new IllegalArgumentException("Bad " + where + " (seconds, at least 1)"));
  }
}
