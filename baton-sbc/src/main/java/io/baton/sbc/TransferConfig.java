package io.baton.sbc;

import java.time.Duration;

/**
 * How long SBC-edge lets a transfer's new leg ring (the {@code transfer:} block of an SBC): {@code
 * X-Baton-Transfer-Timeout} chooses within these bounds.
 *
 * @param defaultTimeout when the REFER names no timeout (default 30s)
 * @param maxTimeout the most a REFER may ask for (default 300s)
 */
public record TransferConfig(Duration defaultTimeout, Duration maxTimeout) {

  public TransferConfig {
    defaultTimeout = defaultTimeout == null ? Duration.ofSeconds(30) : defaultTimeout;
    maxTimeout = maxTimeout == null ? Duration.ofSeconds(300) : maxTimeout;
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
    return new TransferConfig(null, null);
  }
}
