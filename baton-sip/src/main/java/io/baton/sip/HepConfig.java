package io.baton.sip;

/**
 * The {@code hep:} block: where every captured SIP message is sent as HEP v3 (Homer's
 * encapsulation), over UDP.
 *
 * @param collector the collector's {@code host:port} (Homer's heplify-server listens on 9060)
 * @param id the capture agent id written in every packet, so the collector can tell nodes apart
 */
public record HepConfig(HostPort collector, int id) {
  public HepConfig {
    if (collector == null) {
      throw new IllegalArgumentException("hep.collector: missing (host:port of the HEP collector)");
    }
    if (id < 0) {
      throw new IllegalArgumentException("hep.id: " + id + " is negative");
    }
  }
}
