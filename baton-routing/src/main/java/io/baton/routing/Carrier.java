package io.baton.routing;

import java.util.Objects;

/**
 * A carrier a call to the PSTN can leave through.
 *
 * @param name unique name, e.g. {@code cheapnet}; shown in routes and legs
 * @param gateway where its calls are sent, {@code host:port}
 * @param enabled false to leave it out of every route
 * @param callerId whom a transferred call through it presents as the caller
 * @param redirectInfo the header naming the transferring DID that such a call carries
 */
public record Carrier(
    String name, String gateway, boolean enabled, CallerId callerId, RedirectInfo redirectInfo) {
  public Carrier {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(gateway, "gateway");
    Objects.requireNonNull(callerId, "callerId");
    Objects.requireNonNull(redirectInfo, "redirectInfo");
  }
}
