package io.baton.transfer;

import java.util.Optional;

/** How SBC-edge moves the caller (DESIGN §2): new leg first, or old path released first. */
public enum TransferMode {
  /** Open the new leg, move the caller when it answers, then release the old path (default). */
  MAKE_BEFORE_BREAK("make-before-break"),
  /** Release the old path at once, then dial the new destination. */
  BLIND("blind");

  private final String wire;

  TransferMode(String wire) {
    this.wire = wire;
  }

  /** The spelling in the API and in {@code X-Baton-Transfer-Mode}. */
  public String wire() {
    return wire;
  }

  public static Optional<TransferMode> fromWire(String text) {
    for (TransferMode m : values()) {
      if (m.wire.equals(text)) {
        return Optional.of(m);
      }
    }
    return Optional.empty();
  }
}
