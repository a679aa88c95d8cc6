package io.baton.transfer;

import io.baton.routing.Rate;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * What legs cost: plain code, no I/O. A leg through a carrier costs the carrier's rate for the
 * longest prefix of the dialled number, per minute, times its billed time: whole seconds, rounded
 * up (60/1 billing). The one place to change when rates come from rate decks (connection fees,
 * other increments, effective dates).
 */
final class Costs {
  private static final BigDecimal SECONDS_PER_MINUTE = BigDecimal.valueOf(60);

  /** Money is kept to 6 decimal places (the schema's DECIMAL(14, 6)). */
  static final int SCALE = 6;

  private Costs() {}

  /** Rates by carrier and prefix. */
  @FunctionalInterface
  interface Tariff {
    /** The rate of {@code carrier} for {@code number}'s longest prefix it has one for. */
    Optional<Rate> rate(String carrier, String number);
  }

  /** A tariff of a plain list of rates. */
  static Tariff of(List<Rate> rates) {
    return (carrier, number) ->
        number == null
            ? Optional.empty()
            : rates.stream()
                .filter(r -> r.carrier().equals(carrier) && number.startsWith(r.prefix()))
                .max((a, b) -> Integer.compare(a.prefix().length(), b.prefix().length()));
  }

  /** Billed whole seconds of {@code held}: every second begun counts. */
  static long billedSeconds(Duration held) {
    if (held.isNegative() || held.isZero()) {
      return 0;
    }
    long seconds = held.getSeconds();
    return held.getNano() > 0 ? seconds + 1 : seconds;
  }

  /** {@code perMinute} over {@code billedSeconds}. */
  static BigDecimal cost(BigDecimal perMinute, long billedSeconds) {
    return perMinute
        .multiply(BigDecimal.valueOf(billedSeconds))
        .divide(SECONDS_PER_MINUTE, SCALE, RoundingMode.HALF_UP);
  }
}
