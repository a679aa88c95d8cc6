package io.baton.sip;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Where one SIP element listens and how its stack is tuned.
 *
 * @param name element name, used as the stack name and in logs
 * @param listen address the element binds and advertises
 * @param transports {@code udp} and/or {@code tcp}
 * @param threads JAIN-SIP THREAD_POOL_SIZE; unset, the stack spawns a thread per datagram
 * @param maxTransactionLifetime backstop against leaked transactions
 */
public record SipConfig(
    String name,
    HostPort listen,
    List<String> transports,
    StackMode mode,
    int threads,
    Duration maxTransactionLifetime) {

  public SipConfig {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(listen, "listen");
    Objects.requireNonNull(mode, "mode");
    transports =
        List.copyOf(transports == null || transports.isEmpty() ? List.of("udp") : transports);
    for (String t : transports) {
      if (!t.equals("udp") && !t.equals("tcp")) {
        throw new IllegalArgumentException("transport '" + t + "' is not udp or tcp");
      }
    }
    if (threads < 1 || threads > 512) {
      throw new IllegalArgumentException("threads " + threads + " is not in 1..512");
    }
    if (maxTransactionLifetime == null) {
      maxTransactionLifetime = Duration.ofMinutes(5);
    }
  }

  public static SipConfig of(String name, HostPort listen, StackMode mode) {
    return new SipConfig(name, listen, List.of("udp", "tcp"), mode, 16, Duration.ofMinutes(5));
  }
}
