package io.baton.sbc;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;
import java.util.Optional;

/**
 * Whom a transfer's new leg presents as the caller (docs "Transfers that always finish"): the
 * redirect server's Contact parameter {@code cid}, or {@code transfer.callerId} for SIP URI
 * targets.
 */
public enum CallerId {
  /** The caller's own From, as on every other leg. */
  KEEP,
  /** The DID the caller dialled, which is transferring the call. */
  DID;

  @JsonValue
  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  static Optional<CallerId> fromWire(String text) {
    for (CallerId c : values()) {
      if (c.wire().equalsIgnoreCase(text.trim())) {
        return Optional.of(c);
      }
    }
    return Optional.empty();
  }

  /**
   * @throws IllegalArgumentException naming the key for anything but keep or did
   */
  @JsonCreator
  public static CallerId parse(String text) {
    return fromWire(text)
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "transfer.callerId: '" + text + "' is not keep or did"));
  }
}
