package io.baton.media;

/**
 * Where an element's RTP lives, as configuration writes it ({@code media: {address: 127.0.0.1,
 * ports: 30000-30999}}).
 *
 * @param address the address RTP ports bind and SDP advertises
 * @param ports the port range, written {@code first-last} within 1024-65534
 */
public record MediaPorts(String address, String ports) {
  public MediaPorts {
    if (address == null || address.isBlank()) {
      throw new IllegalArgumentException("address: missing");
    }
    PortPool.parse(address, ports);
  }

  /** A new pool handing out this range's even ports. */
  public PortPool pool() {
    return PortPool.parse(address, ports);
  }
}
