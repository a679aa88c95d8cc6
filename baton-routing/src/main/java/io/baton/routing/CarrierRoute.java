package io.baton.routing;

import io.baton.contract.CallerId;
import io.baton.contract.RedirectInfo;
import java.util.List;

/**
 * One way to reach a number: through {@code carrier}'s {@code gateways} (those up, in order) over
 * {@code transport}, priced by {@code rate} (its deck's longest prefix of the number in effect),
 * presenting a transferred call as the carrier's {@code callerId} and {@code redirectInfo} say.
 *
 * @param cost what a typical call costs this way (the order of routes)
 */
public record CarrierRoute(
    String carrier,
    List<String> gateways,
    Transport transport,
    Rate rate,
    java.math.BigDecimal cost,
    int weight,
    CallerId callerId,
    RedirectInfo redirectInfo) {
  public CarrierRoute {
    gateways = List.copyOf(gateways);
  }
}
