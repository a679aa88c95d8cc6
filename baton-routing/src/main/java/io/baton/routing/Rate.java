package io.baton.routing;

import java.math.BigDecimal;
import java.util.Objects;

/**
 * What a minute to numbers starting with {@code prefix} costs through one carrier.
 *
 * @param carrier the carrier's name
 * @param prefix E.164 prefix, e.g. {@code +1646}
 * @param perMinute price of a minute
 */
public record Rate(String carrier, String prefix, BigDecimal perMinute) {
  public Rate {
    Objects.requireNonNull(carrier, "carrier");
    Objects.requireNonNull(prefix, "prefix");
    Objects.requireNonNull(perMinute, "perMinute");
  }
}
