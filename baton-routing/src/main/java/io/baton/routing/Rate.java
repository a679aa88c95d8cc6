package io.baton.routing;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.Objects;

/**
 * One row of a carrier's rate deck: what a call to numbers starting with {@code prefix} costs
 * through {@code carrier} from {@code effective} on (until a later row for the same prefix).
 *
 * @param carrier the carrier's name
 * @param prefix E.164 prefix, e.g. {@code +1646}
 * @param effective the first UTC day the row applies
 * @param perMinute price of a minute
 * @param connectionFee charged once per answered call
 * @param incrementFirst the first billed increment, seconds (a call shorter is billed this long)
 * @param incrementNext each further billed increment, seconds
 */
public record Rate(
    String carrier,
    String prefix,
    LocalDate effective,
    BigDecimal perMinute,
    BigDecimal connectionFee,
    int incrementFirst,
    int incrementNext) {
  /** The effective date of rows that carry none (seed rates, rows from before rate decks). */
  public static final LocalDate ALWAYS = LocalDate.EPOCH;

  public Rate {
    Objects.requireNonNull(carrier, "carrier");
    Objects.requireNonNull(prefix, "prefix");
    Objects.requireNonNull(effective, "effective");
    Objects.requireNonNull(perMinute, "perMinute");
    Objects.requireNonNull(connectionFee, "connectionFee");
    if (incrementFirst < 1 || incrementNext < 1) {
      throw new IllegalArgumentException("billing increments must be at least 1 s");
    }
  }

  /** A per-second rate without connection fee, always in effect. */
  public Rate(String carrier, String prefix, BigDecimal perMinute) {
    this(carrier, prefix, ALWAYS, perMinute, BigDecimal.ZERO, 1, 1);
  }
}
