package io.baton.sbc;

import java.util.Optional;

/** What becomes of the caller when every target of a transfer failed ({@code X-Baton-On-Fail}). */
enum OnFail {
  /** The caller stays with (or, parked, returns to) the first destination (default). */
  STAY("stay"),
  /** The caller is released. */
  HANGUP("hangup");

  private final String wire;

  OnFail(String wire) {
    this.wire = wire;
  }

  static Optional<OnFail> fromWire(String text) {
    for (OnFail f : values()) {
      if (f.wire.equalsIgnoreCase(text.trim())) {
        return Optional.of(f);
      }
    }
    return Optional.empty();
  }
}
