package io.baton.routing;

import java.util.Optional;

/**
 * The header a transfer's new leg through a carrier gets naming the DID it was redirected from:
 * none, {@code Diversion} (RFC 5806) or {@code History-Info} (RFC 7044). Written {@code none} /
 * {@code diversion} / {@code history-info} in the database, the seed and the redirect server's
 * Contact parameter {@code ri}.
 */
public enum RedirectInfo {
  NONE("none"),
  DIVERSION("diversion"),
  HISTORY_INFO("history-info");

  private final String wire;

  RedirectInfo(String wire) {
    this.wire = wire;
  }

  public String wire() {
    return wire;
  }

  public static Optional<RedirectInfo> fromWire(String text) {
    for (RedirectInfo r : values()) {
      if (r.wire.equals(text)) {
        return Optional.of(r);
      }
    }
    return Optional.empty();
  }
}
