package io.baton.transfer;

import java.util.Optional;

/** What happens to the caller when every target of a transfer failed ({@code X-Baton-On-Fail}). */
public enum OnFail {
  /** The caller stays with (or, after a blind transfer, returns to) the first destination. */
  STAY("stay"),
  /** The caller is released. */
  HANGUP("hangup");

  private final String wire;

  OnFail(String wire) {
    this.wire = wire;
  }

  /** The spelling in the API and in {@code X-Baton-On-Fail}. */
  public String wire() {
    return wire;
  }

  public static Optional<OnFail> fromWire(String text) {
    for (OnFail f : values()) {
      if (f.wire.equals(text)) {
        return Optional.of(f);
      }
    }
    return Optional.empty();
  }
}
