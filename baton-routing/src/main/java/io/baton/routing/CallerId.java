package io.baton.routing;

import java.util.Locale;
import java.util.Optional;

/**
 * Whom a transfer's new leg through a carrier presents as the caller: the caller's own From, or the
 * DID that is transferring the call. Written {@code keep} / {@code did} in the database, the seed
 * and the redirect server's Contact parameter {@code cid}.
 */
public enum CallerId {
  KEEP,
  DID;

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<CallerId> fromWire(String text) {
    for (CallerId c : values()) {
      if (c.wire().equals(text)) {
        return Optional.of(c);
      }
    }
    return Optional.empty();
  }
}
