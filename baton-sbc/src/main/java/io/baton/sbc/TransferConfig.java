package io.baton.sbc;

import java.time.Duration;

/**
 * How SBC-edge runs transfers (the {@code transfer:} block of an SBC): {@code
 * X-Baton-Transfer-Timeout} and each fallback target's {@code timeout} choose ring times within
 * these bounds; a target given as a SIP URI presents the call as {@code callerId} and {@code
 * redirectInfo} say (a number's carriers say it for themselves through the redirect server).
 *
 * @param defaultTimeout when the REFER names no timeout for a target (default 30s)
 * @param maxTimeout the most a REFER may ask for one target (default 300s)
 * @param callerId the caller ID a SIP URI target sees: {@code keep} (the caller's, default) or
 *     {@code did}
 * @param redirectInfo the redirect header a SIP URI target gets: {@code none} (default), {@code
 *     diversion} or {@code history-info}
 */
public record TransferConfig(
    Duration defaultTimeout, Duration maxTimeout, CallerId callerId, RedirectInfo redirectInfo) {

  public TransferConfig {
    defaultTimeout = defaultTimeout == null ? Duration.ofSeconds(30) : defaultTimeout;
    maxTimeout = maxTimeout == null ? Duration.ofSeconds(300) : maxTimeout;
    callerId = callerId == null ? CallerId.KEEP : callerId;
    redirectInfo = redirectInfo == null ? RedirectInfo.NONE : redirectInfo;
    if (defaultTimeout.toSeconds() < 1) {
      throw new IllegalArgumentException(
          "transfer.defaultTimeout: " + defaultTimeout + " is under one second");
    }
    if (maxTimeout.compareTo(defaultTimeout) < 0) {
      throw new IllegalArgumentException(
          "transfer.maxTimeout: " + maxTimeout + " is below defaultTimeout " + defaultTimeout);
    }
  }

  public static TransferConfig defaults() {
    return new TransferConfig(null, null, null, null);
  }

  /** How a SIP URI target presents the call. */
  CallerIdentity sipTargetIdentity() {
    return new CallerIdentity(callerId, redirectInfo);
  }
}
