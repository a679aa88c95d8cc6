package io.baton.contract;

import java.util.Optional;

/**
 * Where a call setup SBC-edge asks the redirect server about comes from: {@code X-Baton-Origin} on
 * the redirect query (docs/security.md "What each element trusts"). The header can only narrow what
 * the redirect server answers, never widen it.
 */
public enum CallOrigin implements WireToken {
  /**
   * An INVITE from a source SBC-edge does not trust: the redirect server answers with the routes of
   * a DID the network serves, and never with least-cost carrier routes ({@code 403} for any other
   * number).
   */
  PUBLIC("public"),
  /** Baton's own setup (a transfer's leg, a caller routed back, a peer's call): any route. */
  NETWORK("network");

  /** When the query carries no {@code X-Baton-Origin}. */
  public static final CallOrigin DEFAULT = NETWORK;

  private final String wire;

  CallOrigin(String wire) {
    this.wire = wire;
  }

  @Override
  public String wire() {
    return wire;
  }

  /** By the {@link WireToken} rule; empty for anything else. */
  public static Optional<CallOrigin> fromWire(String text) {
    return WireToken.read(values(), text);
  }

  /**
   * @throws IllegalArgumentException {@code 'outside' is not public or network}
   */
  public static CallOrigin parse(String text) {
    return WireToken.parse(values(), text);
  }
}
