package io.baton.sip;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The network's elements by name and address (the {@code network:} block of the configuration), so
 * a leg can say it goes to {@code proxy} rather than {@code 127.0.0.1:5080}.
 */
public final class PeerNames {
  private final Map<String, HostPort> byName;
  private final Map<HostPort, String> byAddress = new LinkedHashMap<>();

  public PeerNames(Map<String, HostPort> byName) {
    this.byName = Map.copyOf(byName);
    byName.forEach((name, address) -> byAddress.put(address, name));
  }

  public static PeerNames none() {
    return new PeerNames(Map.of());
  }

  /** The element's name at {@code address}, or the address itself written {@code host:port}. */
  public String nameOf(HostPort address) {
    String name = byAddress.get(address);
    return name != null ? name : address.toString();
  }
}
