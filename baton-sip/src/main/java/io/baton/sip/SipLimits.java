package io.baton.sip;

import java.time.Duration;
import java.util.List;

/**
 * What one element's SIP endpoint spends on a peer at most (the {@code sip.limits:} block of an
 * element's configuration; docs/architecture.md "Limits"). Past a limit the endpoint stops the work
 * at once: a stream is closed, a datagram dropped, a request refused.
 *
 * @param maxMessageBytes largest message, header fields and body; a datagram over it is dropped
 *     (counted), a TCP connection carrying one is closed before the stack parses any of it
 * @param maxHeaders most header field lines a request may carry; more is answered {@code 400}
 * @param tcpConnectionsPerSource open TCP connections one source address may hold; past it a new
 *     one is closed as soon as it is accepted
 * @param tcpConnections open TCP connections in all (accepted and opened by this endpoint)
 * @param tcpIdleTimeout a connection with no message in progress is closed after this long silent
 * @param tcpReadTimeout a message begun on a stream must be complete (header fields and body)
 *     within this, or the connection is closed
 * @param requestsPerSecond requests one source address may send per second on average (token
 *     bucket); past it the source is banned
 * @param requestBurst requests above the average one source may send at once
 * @param banFor how long a banned source's requests are dropped
 * @param trackedSources sources whose rate is remembered at once (least recently seen forgotten
 *     first), so the table stays bounded under a spoofed flood
 * @param exempt sources never rate-limited ({@code host} or {@code host:port}), besides the
 *     element's own trusted peers
 */
public record SipLimits(
    int maxMessageBytes,
    int maxHeaders,
    int tcpConnectionsPerSource,
    int tcpConnections,
    Duration tcpIdleTimeout,
    Duration tcpReadTimeout,
    int requestsPerSecond,
    int requestBurst,
    Duration banFor,
    int trackedSources,
    List<String> exempt) {

  /** The defaults of {@code templates.sip.limits} in baton-defaults.yaml. */
  public static final SipLimits DEFAULTS =
      new SipLimits(
          65536,
          256,
          64,
          1024,
          Duration.ofSeconds(120),
          Duration.ofSeconds(5),
          500,
          1000,
          Duration.ofSeconds(60),
          10000,
          List.of());

  public SipLimits {
    // 4096: the smallest the RFC 3261 §18.1.1 path-MTU rule lets an element refuse.
    within("maxMessageBytes", maxMessageBytes, 4096, 16 * 1024 * 1024);
    within("maxHeaders", maxHeaders, 10, 10000);
    within("tcpConnectionsPerSource", tcpConnectionsPerSource, 1, 1_000_000);
    within("tcpConnections", tcpConnections, 1, 1_000_000);
    if (tcpConnectionsPerSource > tcpConnections) {
      throw new IllegalArgumentException(
          "tcpConnectionsPerSource: "
              + tcpConnectionsPerSource
              + " is more than tcpConnections "
              + tcpConnections);
    }
    positive("tcpIdleTimeout", tcpIdleTimeout);
    positive("tcpReadTimeout", tcpReadTimeout);
    within("requestsPerSecond", requestsPerSecond, 1, 10_000_000);
    within("requestBurst", requestBurst, 1, 10_000_000);
    positive("banFor", banFor);
    within("trackedSources", trackedSources, 16, 10_000_000);
    exempt = exempt == null ? List.of() : List.copyOf(exempt);
    try {
      TrustList.of(exempt);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("exempt: " + e.getMessage(), e);
    }
  }

  /** These limits with {@code more} sources exempt from the rate limit. */
  public SipLimits exempting(List<String> more) {
    List<String> all = new java.util.ArrayList<>(exempt);
    all.addAll(more);
    return new SipLimits(
        maxMessageBytes,
        maxHeaders,
        tcpConnectionsPerSource,
        tcpConnections,
        tcpIdleTimeout,
        tcpReadTimeout,
        requestsPerSecond,
        requestBurst,
        banFor,
        trackedSources,
        all);
  }

  private static void within(String key, int value, int min, int max) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(key + ": " + value + " is not in " + min + ".." + max);
    }
  }

  private static void positive(String key, Duration value) {
    if (value == null || value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(key + ": " + value + " is not a positive duration");
    }
  }
}
