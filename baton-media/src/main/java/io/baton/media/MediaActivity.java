package io.baton.media;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Whether a call's media has gone quiet: fed the call's received-packet count now and then, it says
 * "silent" once that count has not moved for the timeout. Plain arithmetic over a clock, so the
 * same rule serves the SBC's relay (packets from either side) and an endpoint's own stream.
 */
public final class MediaActivity {
  private final Duration timeout;
  private final Clock clock;
  private long packets;
  private Instant lastChange;

  /**
   * @param timeout how long no packet may arrive before the call counts as silent
   */
  public MediaActivity(Duration timeout, Clock clock) {
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("media timeout " + timeout + " is not positive");
    }
    this.timeout = timeout;
    this.clock = clock;
    this.lastChange = clock.instant();
  }

  /** How often to look: a quarter of the timeout, so silence is seen within 1¼ timeouts. */
  public Duration checkEvery() {
    Duration quarter = timeout.dividedBy(4);
    return quarter.isZero() ? timeout : quarter;
  }

  /**
   * Records the packet count seen now.
   *
   * @return true if it has not changed for the whole timeout
   */
  public synchronized boolean silent(long packetsNow) {
    Instant now = clock.instant();
    if (packetsNow != packets) {
      packets = packetsNow;
      lastChange = now;
      return false;
    }
    return !now.isBefore(lastChange.plus(timeout));
  }
}
