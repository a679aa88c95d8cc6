package io.baton.contract;

import java.math.BigDecimal;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A ceiling on the rate per minute of a carrier route, in the currency of the rate decks, as {@code
 * X-Baton-Max-Rate} carries it: {@code 0.015}. Written as a plain decimal (no exponent, no trailing
 * zeros); read with the whitespace around it ignored, as ASCII digits with at most one point and at
 * most six decimals (what a rate deck holds, {@code DECIMAL(12, 6)}), no sign.
 */
public final class MaxRate {
  /** Up to 6 whole digits (a deck's rate is below 1,000,000) and 6 decimals. */
  private static final Pattern DECIMAL = Pattern.compile("[0-9]{1,6}(\\.[0-9]{1,6})?");

  private MaxRate() {}

  /**
   * @throws IllegalArgumentException for a negative rate or one the reading side would refuse
   */
  public static String format(BigDecimal rate) {
    BigDecimal plain = rate.stripTrailingZeros();
    String text = (plain.scale() < 0 ? plain.setScale(0) : plain).toPlainString();
    if (!DECIMAL.matcher(text).matches()) {
      throw new IllegalArgumentException(
          rate + " is not a rate per minute (0 to 999999.999999, at most 6 decimals)");
    }
    return text;
  }

  /** The ceiling {@code text} holds; empty if it holds none. */
  public static Optional<BigDecimal> parse(String text) {
    if (text == null) {
      return Optional.empty();
    }
    String decimal = text.strip();
    return DECIMAL.matcher(decimal).matches()
        ? Optional.of(new BigDecimal(decimal))
        : Optional.empty();
  }

  /**
   * The ceiling of a header that must hold one.
   *
   * @throws IllegalArgumentException {@code Bad X-Baton-Max-Rate (a rate per minute, e.g. 0.015)}
   */
  public static BigDecimal read(String text) {
    return parse(text)
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "Bad " + BatonHeaders.MAX_RATE + " (a rate per minute, e.g. 0.015)"));
  }
}
