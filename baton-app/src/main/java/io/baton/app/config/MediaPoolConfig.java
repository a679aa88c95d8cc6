package io.baton.app.config;

import io.baton.media.PortPool;
import java.util.Objects;

/**
 * RTP ports for the simulated endpoints (the {@code endpointMedia:} block).
 *
 * @param address address bound and advertised in SDP
 * @param ports range written {@code 31000-31999}
 */
public record MediaPoolConfig(String address, String ports) {
  public MediaPoolConfig {
    Objects.requireNonNull(address, "endpointMedia.address: missing");
    Objects.requireNonNull(ports, "endpointMedia.ports: missing");
    PortPool.parse(address, ports);
  }

  public PortPool pool() {
    return PortPool.parse(address, ports);
  }
}
