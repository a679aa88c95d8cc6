package io.baton.sbc;

import io.baton.media.PortPool;

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
      try {
        PortPool.parse(address == null ? "127.0.0.1" : address, ports);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("media." + e.getMessage(), e);
      }
    }
  }

  /** No anchoring: SDP passes through. */
  public static MediaConfig passThrough() {
    return new MediaConfig(false, null, null);
  }

  /** The relay's port pool (anchoring only). */
  public PortPool pool() {
    return PortPool.parse(address, ports);
  }
}
