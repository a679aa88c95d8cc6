package io.baton.transfer;

import io.baton.sip.HostPort;
import io.baton.sip.SipConfig;
import java.time.Duration;

/**
 * The {@code transfer:} block: where the transfer server listens for SIP and HTTP, and the limits
 * of its API. Keys left out take the defaults documented on each component.
 *
 * @param sip the SIP user agent (sends REFERs, receives their NOTIFYs)
 * @param http the REST API's address
 * @param defaultTimeout {@code timeoutSeconds} of a transfer request that names none (30s)
 * @param maxTimeout the largest {@code timeoutSeconds} a request may ask for (300s)
 * @param notifyGrace how long after {@code timeoutSeconds} the final NOTIFY may still arrive before
 *     the transfer fails (10s): SBC-edge needs the timeout itself to give up the new leg
 * @param rateLimit requests allowed per API key
 */
public record TransferServerConfig(
    SipConfig sip,
    HostPort http,
    Duration defaultTimeout,
    Duration maxTimeout,
    Duration notifyGrace,
    RateLimit rateLimit) {

  public TransferServerConfig {
    if (sip == null) {
      throw new IllegalArgumentException("transfer.sip: missing");
    }
    if (http == null) {
      throw new IllegalArgumentException("transfer.http: missing");
    }
    defaultTimeout = defaultTimeout == null ? Duration.ofSeconds(30) : defaultTimeout;
    maxTimeout = maxTimeout == null ? Duration.ofSeconds(300) : maxTimeout;
    notifyGrace = notifyGrace == null ? Duration.ofSeconds(10) : notifyGrace;
    rateLimit = rateLimit == null ? RateLimit.DEFAULT : rateLimit;
    if (maxTimeout.toSeconds() < 1) {
      throw new IllegalArgumentException(
          "transfer.maxTimeout: " + maxTimeout + " is shorter than one second");
    }
    if (defaultTimeout.toSeconds() < 1 || defaultTimeout.compareTo(maxTimeout) > 0) {
      throw new IllegalArgumentException(
          "transfer.defaultTimeout: " + defaultTimeout + " is not in 1s.." + maxTimeout);
    }
    if (notifyGrace.isNegative()) {
      throw new IllegalArgumentException("transfer.notifyGrace: " + notifyGrace + " is negative");
    }
  }

  /**
   * A token bucket per API key: {@code burst} requests at once, refilled at {@code perSecond}.
   *
   * @param perSecond sustained requests per second (20)
   * @param burst requests allowed at once (40)
   */
  public record RateLimit(double perSecond, int burst) {
    public static final RateLimit DEFAULT = new RateLimit(20, 40);

    public RateLimit {
      if (!(perSecond > 0) || Double.isInfinite(perSecond)) {
        throw new IllegalArgumentException(
            "transfer.rateLimit.perSecond: " + perSecond + " is not a positive number");
      }
      if (burst < 1) {
        throw new IllegalArgumentException("transfer.rateLimit.burst: " + burst + " is below 1");
      }
    }
  }
}
