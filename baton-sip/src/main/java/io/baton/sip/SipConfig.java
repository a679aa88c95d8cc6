package io.baton.sip;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Where one SIP element listens and how its stack is tuned (the {@code sip:} block of an element's
 * configuration).
 *
 * @param listen address the element binds and advertises
 * @param transports {@code udp}, {@code tcp} and/or {@code tls} (which needs {@code tls})
 * @param threads JAIN-SIP THREAD_POOL_SIZE (unset, the stack would spawn a thread per datagram)
 * @param maxTransactionLifetime backstop against leaked transactions
 * @param limits what a peer may cost the element at most (message size, connections, rates); TLS
 *     connections count as TCP ones
 * @param tls where and with which certificates it speaks SIP over TLS (null: it does not)
 */
public record SipConfig(
    HostPort listen,
    List<String> transports,
    int threads,
    Duration maxTransactionLifetime,
    SipLimits limits,
    SipTls tls) {

  public SipConfig {
    Objects.requireNonNull(listen, "listen");
    transports =
        List.copyOf(transports == null || transports.isEmpty() ? List.of("udp") : transports);
    for (String t : transports) {
      if (!t.equals("udp") && !t.equals("tcp") && !t.equals("tls")) {
        throw new IllegalArgumentException("transports: '" + t + "' is not udp, tcp or tls");
      }
    }
    if (transports.contains("tls") && tls == null) {
      throw new IllegalArgumentException("tls: required when transports list tls");
    }
    if (!transports.contains("tls") && tls != null) {
      throw new IllegalArgumentException("transports: tls is configured but not listed");
    }
    if (threads < 1 || threads > 512) {
      throw new IllegalArgumentException("threads: " + threads + " is not in 1..512");
    }
    if (maxTransactionLifetime == null) {
      maxTransactionLifetime = Duration.ofMinutes(5);
    }
    if (limits == null) {
      limits = SipLimits.DEFAULTS;
    }
  }

  /** Without TLS. */
  public SipConfig(
      HostPort listen,
      List<String> transports,
      int threads,
      Duration maxTransactionLifetime,
      SipLimits limits) {
    this(listen, transports, threads, maxTransactionLifetime, limits, null);
  }

  /** With the default limits, without TLS. */
  public SipConfig(
      HostPort listen, List<String> transports, int threads, Duration maxTransactionLifetime) {
    this(listen, transports, threads, maxTransactionLifetime, null, null);
  }

  /**
   * The same endpoint with the element's trusted peers ({@code host} or {@code host:port}) exempt
   * from the request rate limit, as its {@code limits.exempt} sources are.
   */
  public SipConfig trusting(List<String> peers) {
    return withLimits(limits.exempting(peers));
  }

  /** The same endpoint with other limits. */
  public SipConfig withLimits(SipLimits limits) {
    return new SipConfig(listen, transports, threads, maxTransactionLifetime, limits, tls);
  }

  /** The same endpoint speaking TLS as well, as {@code tls} says. */
  public SipConfig withTls(SipTls tls) {
    List<String> all = new java.util.ArrayList<>(transports);
    if (!all.contains("tls")) {
      all.add("tls");
    }
    return new SipConfig(listen, all, threads, maxTransactionLifetime, limits, tls);
  }

  /** UDP and TCP on {@code listen}, 16 stack threads. */
  public static SipConfig at(HostPort listen) {
    return new SipConfig(listen, List.of("udp", "tcp"), 16, Duration.ofMinutes(5));
  }

  /** UDP and TCP on {@code host:port}, 16 stack threads. */
  public static SipConfig at(String hostPort) {
    return at(HostPort.parse(hostPort));
  }
}
