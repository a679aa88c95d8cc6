package io.baton.callcenter;

import io.baton.media.PortPool;

/**
 * Where the call center's RTP lives (the {@code callcenter.media:} block).
 *
 * @param address the address its RTP ports bind and its SDP advertises
 * @param ports the RTP port range, written {@code first-last}, e.g. {@code 30000-30999}
 */
public record MediaConfig(String address, String ports) {

  public MediaConfig {
    if (address == null || address.isBlank()) {
      throw new IllegalArgumentException("callcenter.media.address: missing");
    }
    range(ports);
  }

  /** A pool handing out this range's even ports. */
  public PortPool portPool() {
    int[] range = range(ports);
    return new PortPool(address, range[0], range[1]);
  }

  private static int[] range(String ports) {
    String[] parts = ports == null ? new String[0] : ports.trim().split("-", -1);
    int first;
    int last;
    try {
      if (parts.length != 2) {
        throw new NumberFormatException();
      }
      first = Integer.parseInt(parts[0].trim());
      last = Integer.parseInt(parts[1].trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "callcenter.media.ports: '" + ports + "' is not first-last, e.g. 30000-30999");
    }
    if (first < 1024 || last > 65534 || first >= last) {
      throw new IllegalArgumentException(
          "callcenter.media.ports: " + ports + " is not a range within 1024-65534");
    }
    return new int[] {first, last};
  }
}
