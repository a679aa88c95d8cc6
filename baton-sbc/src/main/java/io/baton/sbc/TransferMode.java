package io.baton.sbc;

import java.util.Optional;

/** How SBC-edge moves the caller ({@code X-Baton-Transfer-Mode}, DESIGN §2). */
enum TransferMode {
  /** Open the new leg, move the caller when it answers, then release the old path (default). */
  MAKE_BEFORE_BREAK("make-before-break"),
  /** Release the old path at once, then dial the new destination. */
  BLIND("blind");

  private final String wire;

  TransferMode(String wire) {
    this.wire = wire;
  }

  String wire() {
    return wire;
  }

  static Optional<TransferMode> fromWire(String text) {
    for (TransferMode m : values()) {
      if (m.wire.equalsIgnoreCase(text.trim())) {
        return Optional.of(m);
      }
    }
    return Optional.empty();
  }
}
