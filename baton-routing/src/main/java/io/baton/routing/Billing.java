package io.baton.routing;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;

/**
 * What a call costs under a rate: plain arithmetic, no I/O. A call of {@code d} seconds (every
 * second begun counts) is billed {@code incrementFirst} seconds if shorter, else {@code
 * incrementFirst} plus {@code d - incrementFirst} rounded up to whole {@code incrementNext}s
 * (60/60, 30/6, 1/1 billing); it costs the connection fee plus the rate per minute over the billed
 * seconds. A call of no time (not answered) costs nothing.
 */
public final class Billing {
  /** Money is kept to 6 decimal places (the schema's DECIMAL(.., 6)). */
  public static final int SCALE = 6;

  private static final BigDecimal SECONDS_PER_MINUTE = BigDecimal.valueOf(60);

  private Billing() {}

  /** Whole seconds of {@code held}, every second begun counted. */
  public static long seconds(Duration held) {
    if (held.isNegative() || held.isZero()) {
      return 0;
    }
    long seconds = held.getSeconds();
    return held.getNano() > 0 ? seconds + 1 : seconds;
  }

  /** The seconds billed for a call of {@code seconds} in increments {@code first}/{@code next}. */
  public static long billedSeconds(long seconds, int first, int next) {
    if (seconds <= 0) {
      return 0;
    }
    if (seconds <= first) {
      return first;
    }
    long rest = seconds - first;
    return first + (rest + next - 1) / next * next;
  }

  /** The seconds {@code rate} bills for a call of {@code seconds}. */
  public static long billedSeconds(Rate rate, long seconds) {
    return billedSeconds(seconds, rate.incrementFirst(), rate.incrementNext());
  }

  /** What a call of {@code seconds} costs under {@code rate}, to {@link #SCALE} decimals. */
  public static BigDecimal cost(Rate rate, long seconds) {
    long billed = billedSeconds(rate, seconds);
    if (billed == 0) {
      return BigDecimal.ZERO.setScale(SCALE);
    }
    return rate.connectionFee()
        .add(perMinute(rate.perMinute(), billed))
        .setScale(SCALE, RoundingMode.HALF_UP);
  }

  /** {@code perMinute} over {@code billedSeconds}. */
  public static BigDecimal perMinute(BigDecimal perMinute, long billedSeconds) {
    return perMinute
        .multiply(BigDecimal.valueOf(billedSeconds))
        .divide(SECONDS_PER_MINUTE, SCALE, RoundingMode.HALF_UP);
  }

  /**
   * The same cost in millionths ({@code micros}), integer arithmetic for the route index: {@code
   * feeMicros + rateMicros × billed / 60}, rounded half up.
   */
  public static long costMicros(
      long rateMicros, long feeMicros, int first, int next, long seconds) {
    long billed = billedSeconds(seconds, first, next);
    if (billed == 0) {
      return 0;
    }
    return feeMicros + (rateMicros * billed + 30) / 60;
  }
}
