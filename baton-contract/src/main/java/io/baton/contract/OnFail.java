package io.baton.contract;

import java.util.Optional;

/**
 * What becomes of the caller when every target of a transfer failed: the API's {@code onFail} and
 * {@code X-Baton-On-Fail}.
 */
public enum OnFail implements WireToken {
  /** The caller stays with (or, after a blind transfer, returns to) the first destination. */
  STAY("stay"),
  /** The caller is released. */
  HANGUP("hangup");

  /** When the API or the REFER says nothing. */
  public static final OnFail DEFAULT = STAY;

  private final String wire;

  OnFail(String wire) {
    this.wire = wire;
  }

  @Override
  public String wire() {
    return wire;
  }

  /** By the {@link WireToken} rule; empty for anything else. */
  public static Optional<OnFail> fromWire(String text) {
    return WireToken.read(values(), text);
  }

  /**
   * @throws IllegalArgumentException {@code 'drop' is not stay or hangup}
   */
  public static OnFail parse(String text) {
    return WireToken.parse(values(), text);
  }
}
