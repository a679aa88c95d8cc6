package io.baton.contract;

import java.util.Optional;

/**
 * The header a transfer's new leg gets naming the DID it was redirected from: the redirect server's
 * Contact parameter {@code ri} (docs "Transfers that always finish"), a carrier's {@code
 * redirect_info} and an SBC's {@code transfer.redirectInfo}.
 */
public enum RedirectInfo implements WireToken {
  /** No redirect header. */
  NONE("none"),
  /** {@code Diversion} naming the DID (RFC 5806). */
  DIVERSION("diversion"),
  /** {@code History-Info} entries for the DID and the new target (RFC 7044). */
  HISTORY_INFO("history-info");

  /** The Contact parameter that carries it from the redirect server to SBC-edge. */
  public static final String PARAMETER = "ri";

  private final String wire;

  RedirectInfo(String wire) {
    this.wire = wire;
  }

  @Override
  public String wire() {
    return wire;
  }

  /** By the {@link WireToken} rule; empty for anything else. */
  public static Optional<RedirectInfo> fromWire(String text) {
    return WireToken.read(values(), text);
  }

  /**
   * @throws IllegalArgumentException {@code 'pai' is not none, diversion or history-info}
   */
  public static RedirectInfo parse(String text) {
    return WireToken.parse(values(), text);
  }
}
