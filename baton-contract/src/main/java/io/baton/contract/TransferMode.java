package io.baton.contract;

import java.util.Optional;

/** How SBC-edge moves the caller: the API's {@code mode} and {@code X-Baton-Transfer-Mode}. */
public enum TransferMode implements WireToken {
  /** Open the new leg, move the caller when it answers, then release the old path. */
  MAKE_BEFORE_BREAK("make-before-break"),
  /** Release the old path at once, then dial the new destination. */
  BLIND("blind");

  /** When the API or the REFER names no mode. */
  public static final TransferMode DEFAULT = MAKE_BEFORE_BREAK;

  private final String wire;

  TransferMode(String wire) {
    this.wire = wire;
  }

  @Override
  public String wire() {
    return wire;
  }

  /** By the {@link WireToken} rule; empty for anything else. */
  public static Optional<TransferMode> fromWire(String text) {
    return WireToken.read(values(), text);
  }

  /**
   * @throws IllegalArgumentException {@code 'later' is not make-before-break or blind}
   */
  public static TransferMode parse(String text) {
    return WireToken.parse(values(), text);
  }
}
