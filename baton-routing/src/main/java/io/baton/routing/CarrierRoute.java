package io.baton.routing;

import java.math.BigDecimal;

/**
 * One way to reach a number: through {@code carrier} at {@code gateway}, priced by its rate for
 * {@code prefix}, presenting a transferred call as the carrier's {@code callerId} and {@code
 * redirectInfo} say.
 */
public record CarrierRoute(
    String carrier,
    String gateway,
    String prefix,
    BigDecimal perMinute,
    CallerId callerId,
    RedirectInfo redirectInfo) {}
