package io.baton.transfer;

import io.baton.routing.Billing;
import io.baton.routing.Rate;
import io.baton.routing.RateIndex;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;

/**
 * Where legs get their rates: plain code, no I/O. A leg through a carrier is priced by the
 * carrier's rate-deck row for the longest prefix of the dialled number in effect on the call's day
 * (connection fee and billing increments included, {@link Billing}).
 */
final class Costs {
  /** Money is kept to 6 decimal places (the schema's DECIMAL(14, 6)). */
  static final int SCALE = Billing.SCALE;

  private Costs() {}

  /** Rates by carrier, number and day. */
  @FunctionalInterface
  interface Tariff {
    /** The row of {@code carrier}'s deck that prices {@code number} on {@code day}. */
    Optional<Rate> rate(String carrier, String number, LocalDate day);
  }

  /** A tariff of a plain list of deck rows. */
  static Tariff of(List<Rate> rates) {
    RateIndex index = RateIndex.of(rates);
    return (carrier, number, day) -> {
      int c = index.carriers().indexOf(carrier);
      if (number == null || c < 0) {
        return Optional.empty();
      }
      int row = index.lookup(number, day)[c];
      return row < 0 ? Optional.empty() : Optional.of(index.rate(row));
    };
  }
}
