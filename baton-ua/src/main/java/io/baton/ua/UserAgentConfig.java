package io.baton.ua;

import io.baton.sip.CallLifetime;
import io.baton.sip.SipConfig;
import java.util.regex.Pattern;

/**
 * One simulated endpoint (an entry of {@code endpoints:}), e.g. {@code {name: pstn-sales, sip:
 * {listen: 127.0.0.1:5130}, answer: {status: 200}}}.
 *
 * @param name the endpoint's name: its From user, SDP origin and log name
 * @param sip where it listens
 * @param answer how it answers calls; absent means {@link Answer#AT_ONCE}
 * @param lifetime how long its answered calls may live: no ACK ({@code ackTimeout}), at most
 *     ({@code maxDuration}), without RTP from the peer ({@code mediaTimeout}); absent means the
 *     defaults
 */
public record UserAgentConfig(String name, SipConfig sip, Answer answer, CallLifetime lifetime) {
  // RFC 3261 §25.1 unreserved characters: the name becomes the user part of a SIP URI.
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._~-]+");

  public UserAgentConfig {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "endpoints.name: '" + name + "' is not a name of letters, digits and . _ ~ -");
    }
    if (sip == null) {
      throw new IllegalArgumentException("endpoints[" + name + "].sip: missing");
    }
    if (answer == null) {
      answer = Answer.AT_ONCE;
    }
    if (lifetime == null) {
      lifetime = CallLifetime.defaults();
    }
  }

  /** An endpoint whose calls have the default lifetime. */
  public UserAgentConfig(String name, SipConfig sip, Answer answer) {
    this(name, sip, answer, null);
  }
}
