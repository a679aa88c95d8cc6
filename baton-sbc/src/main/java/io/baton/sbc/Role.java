package io.baton.sbc;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** Which of the network's SBCs one instance is (docs/architecture.md "Call setup"). */
public enum Role {
  /** Where callers enter: asks the redirect server, anchors media, executes transfers. */
  EDGE,
  /** In front of the destination server: routes by prefix, passes the call id on. */
  DEST,
  /** Egress to second destinations and carriers: routes by prefix. */
  CARRIER;

  /** The YAML spelling: {@code edge}, {@code dest}, {@code carrier}. */
  @JsonValue
  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * @throws IllegalArgumentException naming the key for anything but edge, dest or carrier
   */
  @JsonCreator
  public static Role parse(String text) {
    for (Role r : values()) {
      if (r.wire().equals(text)) {
        return r;
      }
    }
    throw new IllegalArgumentException("role: '" + text + "' is not edge, dest or carrier");
  }
}
