package io.baton.routing;

import java.util.Locale;
import java.util.Optional;

/** How SIP reaches a carrier's gateways: the {@code transport} URI parameter (RFC 3261 §19.1.1). */
public enum Transport {
  UDP,
  TCP;

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<Transport> fromWire(String text) {
    for (Transport t : values()) {
      if (t.wire().equals(text)) {
        return Optional.of(t);
      }
    }
    return Optional.empty();
  }
}
