package io.baton.routing;

import java.util.Objects;

/**
 * A carrier a call to the PSTN can leave through.
 *
 * @param name unique name, e.g. {@code cheapnet}; shown in routes and legs
 * @param gateway where its calls are sent, {@code host:port}
 * @param enabled false to leave it out of every route
 */
public record Carrier(String name, String gateway, boolean enabled) {
  public Carrier {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(gateway, "gateway");
  }
}
