package io.baton.sbc;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Optional;

/**
 * How a transfer's new leg tells its callee the call was redirected by the DID (docs "Transfers
 * that always finish"): the redirect server's Contact parameter {@code ri}, or {@code
 * transfer.redirectInfo} for SIP URI targets.
 */
public enum RedirectInfo {
  /** No redirect header. */
  NONE("none"),
  /** {@code Diversion} naming the DID (RFC 5806). */
  DIVERSION("diversion"),
  /** {@code History-Info} entries for the DID and the new target (RFC 7044). */
  HISTORY_INFO("history-info");

  private final String wire;

  RedirectInfo(String wire) {
    this.wire = wire;
  }

  @JsonValue
  public String wire() {
    return wire;
  }

  static Optional<RedirectInfo> fromWire(String text) {
    for (RedirectInfo r : values()) {
      if (r.wire.equalsIgnoreCase(text.trim())) {
        return Optional.of(r);
      }
    }
    return Optional.empty();
  }

  /**
   * @throws IllegalArgumentException naming the key for anything but none, diversion or
   *     history-info
   */
  @JsonCreator
  public static RedirectInfo parse(String text) {
    return fromWire(text)
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "transfer.redirectInfo: '"
                        + text
                        + "' is not none, diversion or history-info"));
  }
}
