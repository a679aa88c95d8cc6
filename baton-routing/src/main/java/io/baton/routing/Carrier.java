package io.baton.routing;

import io.baton.contract.CallerId;
import io.baton.contract.RedirectInfo;
import java.util.List;
import java.util.Objects;

/**
 * A carrier a call to the PSTN can leave through.
 *
 * @param name unique name, e.g. {@code cheapnet}; shown in routes and legs
 * @param gateways where its calls are sent, {@code host:port}, in the order they are tried
 * @param transport how SIP reaches the gateways
 * @param enabled false to leave it out of every route
 * @param weight among routes of equal cost, the larger weight goes first
 * @param maxCalls legs through it at once, null for no limit; at the limit it is skipped
 * @param callerId whom a transferred call through it presents as the caller
 * @param redirectInfo the header naming the transferring DID that such a call carries
 */
public record Carrier(
    String name,
    List<String> gateways,
    Transport transport,
    boolean enabled,
    int weight,
    Integer maxCalls,
    CallerId callerId,
    RedirectInfo redirectInfo) {
  public static final int DEFAULT_WEIGHT = 100;

  public Carrier {
    Objects.requireNonNull(name, "name");
    gateways = List.copyOf(gateways);
    Objects.requireNonNull(transport, "transport");
    Objects.requireNonNull(callerId, "callerId");
    Objects.requireNonNull(redirectInfo, "redirectInfo");
  }

  /** An enabled UDP carrier with one gateway, the default weight and no limit. */
  public Carrier(String name, String gateway, CallerId callerId, RedirectInfo redirectInfo) {
    this(name, List.of(gateway), Transport.UDP, true, DEFAULT_WEIGHT, null, callerId, redirectInfo);
  }
}
