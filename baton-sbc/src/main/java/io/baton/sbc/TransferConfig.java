package io.baton.sbc;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.baton.contract.CallerId;
import io.baton.contract.RedirectInfo;
import java.time.Duration;
import java.util.function.Function;

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

  /**
   * Binds the YAML: {@code callerId} and {@code redirectInfo} are read as on the wire ({@code did},
   * {@code history-info}; docs/architecture.md, "Wire contract").
   *
   * @throws IllegalArgumentException naming the key for any other spelling
   */
  @JsonCreator
  public static TransferConfig of(
      @JsonProperty("defaultTimeout") Duration defaultTimeout,
      @JsonProperty("maxTimeout") Duration maxTimeout,
      @JsonProperty("callerId") String callerId,
      @JsonProperty("redirectInfo") String redirectInfo) {
    return new TransferConfig(
        defaultTimeout,
        maxTimeout,
        callerId == null ? null : choice("transfer.callerId", callerId, CallerId::parse),
        redirectInfo == null
            ? null
            : choice("transfer.redirectInfo", redirectInfo, RedirectInfo::parse));
  }

  private static <T> T choice(String key, String text, Function<String, T> parse) {
    try {
      return parse.apply(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(key + ": " + e.getMessage());
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
