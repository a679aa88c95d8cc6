package io.baton.callcenter;

import io.baton.media.MediaPorts;
import io.baton.sip.SipConfig;

/**
 * The destination server of the lab (the {@code callcenter:} block), e.g. {@code sip: {listen:
 * 127.0.0.1:5100}} and {@code media: {address: 127.0.0.1, ports: 30000-30999}}.
 */
public record CallCenterConfig(SipConfig sip, MediaPorts media) {

  public CallCenterConfig {
    if (sip == null) {
      throw new IllegalArgumentException("callcenter.sip: missing");
    }
    if (media == null) {
      throw new IllegalArgumentException("callcenter.media: missing");
    }
  }
}
