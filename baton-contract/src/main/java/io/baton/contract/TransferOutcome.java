package io.baton.contract;

import java.util.Optional;

/**
 * How SBC-edge says a transfer ended, on the NOTIFY that terminates the REFER's subscription
 * ({@code X-Baton-Transfer-Outcome}); the transfer server's final state of the same name.
 */
public enum TransferOutcome implements WireToken {
  /** The caller talks to a new destination and the old path is released. */
  COMPLETED("completed"),
  /** Every target failed; the caller stays (or, with {@link OnFail#HANGUP}, is released). */
  FAILED("failed"),
  /** A blind or parked caller was routed back to the first destination. */
  ROLLED_BACK("rolled_back"),
  /** The caller hung up during the transfer. */
  CANCELLED("cancelled");

  private final String wire;

  TransferOutcome(String wire) {
    this.wire = wire;
  }

  @Override
  public String wire() {
    return wire;
  }

  /** By the {@link WireToken} rule; empty for anything else. */
  public static Optional<TransferOutcome> fromWire(String text) {
    return WireToken.read(values(), text);
  }
}
