package io.baton.callcenter;

import io.baton.sip.SipConfig;

/**
 * One simulated agent (an entry of {@code callcenter.agents:}), e.g. {@code {name: alice, sip:
 * {listen: 127.0.0.1:5101}}}: a user agent that answers the calls its queues give it and talks.
 */
public record AgentConfig(String name, SipConfig sip) {
  public AgentConfig {
    if (name == null || !name.matches("[A-Za-z0-9._~-]+")) {
      throw new IllegalArgumentException(
          "callcenter.agents.name: '" + name + "' is not a name of letters, digits and . _ ~ -");
    }
    if (sip == null) {
      throw new IllegalArgumentException("callcenter.agents[" + name + "].sip: missing");
    }
  }
}
