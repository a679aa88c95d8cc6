package io.baton.sbc;

/**
 * Whether an SBC anchors media in its RTP relay, and where (the {@code media:} block of an SBC).
 *
 * @param anchor relay RTP through this SBC (required for SBC-edge, which moves the caller's media
 *     on transfer); off, SDP passes through untouched
 * @param address the address relay ports bind and SDP advertises
 * @param ports the relay's port range, written {@code 20000-29999}
 */
public record MediaConfig(boolean anchor, String address, String ports) {

  public MediaConfig {
    if (anchor) {
      if (address == null || address.isBlank()) {
        throw new IllegalArgumentException("media.address: required when media.anchor is true");
      }
      if (ports == null) {
        throw new IllegalArgumentException("media.ports: required when media.anchor is true");
      }
    }
    if (ports != null) {
      range(ports);
    }
  }

  /** No anchoring: SDP passes through. */
  public static MediaConfig passThrough() {
    return new MediaConfig(false, null, null);
  }

  public int firstPort() {
    return range(ports)[0];
  }

  public int lastPort() {
    return range(ports)[1];
  }

  private static int[] range(String ports) {
    String[] parts = ports.trim().split("-", -1);
    try {
      if (parts.length == 2) {
        int first = Integer.parseInt(parts[0].trim());
        int last = Integer.parseInt(parts[1].trim());
        if (first >= 1024 && last <= 65534 && first < last) {
          return new int[] {first, last};
        }
      }
    } catch (NumberFormatException e) {
      // reported below with the key
    }
    throw new IllegalArgumentException(
        "media.ports: '" + ports + "' is not first-last within 1024-65534, e.g. 20000-29999");
  }
}
