package io.baton.callcenter;

import io.baton.sip.HostPort;

/**
 * The agents' HTTP endpoint (the {@code callcenter.http:} block), e.g. {@code {listen:
 * 127.0.0.1:5105, key: ...}}. Every request must carry the key: whoever reaches the port could
 * otherwise move any agent's caller.
 *
 * @param listen where agents' desktops (and {@code baton agent transfer}) send their requests
 * @param key what they send as {@code Authorization: Bearer}, {@value #MIN_KEY} to 200 printable
 *     ASCII characters without spaces (draw it at random: {@code openssl rand -hex 24})
 */
public record AgentHttpConfig(HostPort listen, String key) {
  public static final int MIN_KEY = 16;

  public AgentHttpConfig {
    if (listen == null) {
      throw new IllegalArgumentException("callcenter.http.listen: missing");
    }
    if (key == null || key.isEmpty()) {
      throw new IllegalArgumentException("callcenter.http.key: missing");
    }
    if (key.length() < MIN_KEY
        || key.length() > 200
        || !key.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
      throw new IllegalArgumentException(
          "callcenter.http.key: must be "
              + MIN_KEY
              + " to 200 printable ASCII characters without spaces");
    }
  }

  @Override
  public String toString() {
    return "AgentHttpConfig[listen=" + listen + ", key=***]";
  }
}
