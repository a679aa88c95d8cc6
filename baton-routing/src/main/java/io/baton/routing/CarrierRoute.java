package io.baton.routing;

import java.math.BigDecimal;

/**
 * One way to reach a number: through {@code carrier} at {@code gateway}, priced by its rate for
 * {@code prefix}.
 */
public record CarrierRoute(String carrier, String gateway, String prefix, BigDecimal perMinute) {}
