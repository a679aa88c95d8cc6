package io.baton.contract;

import java.util.Optional;

/**
 * Whom a transfer's new leg presents as the caller: the redirect server's Contact parameter {@code
 * cid} (docs "Transfers that always finish"), a carrier's {@code caller_id} and an SBC's {@code
 * transfer.callerId}, all spelled {@code keep} / {@code did}.
 */
public enum CallerId implements WireToken {
  /** The caller's own From, as on every other leg. */
  KEEP("keep"),
  /** The DID the caller dialled, which is transferring the call. */
  DID("did");

  /** The Contact parameter that carries it from the redirect server to SBC-edge. */
  public static final String PARAMETER = "cid";

  private final String wire;

  CallerId(String wire) {
    this.wire = wire;
  }

  @Override
  public String wire() {
    return wire;
  }

  /** By the {@link WireToken} rule; empty for anything else. */
  public static Optional<CallerId> fromWire(String text) {
    return WireToken.read(values(), text);
  }

  /**
   * @throws IllegalArgumentException {@code 'anonymous' is not keep or did}
   */
  public static CallerId parse(String text) {
    return WireToken.parse(values(), text);
  }
}
