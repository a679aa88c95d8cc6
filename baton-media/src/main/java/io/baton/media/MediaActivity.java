package io.baton.media;

import java.time.Duration;
import java.time.Instant;

/**
 * Whether a call's media has gone quiet: fed the call's received-packet count now and then, it says
 * "silent" once that count has not moved for the timeout. Plain arithmetic over the instants it is
 * given, so the same rule serves the SBC's relay (packets from either side) and an endpoint's own
 * stream.
 */
public final class MediaActivity {
  private final Duration timeout;
  private long packets;
  private Instant lastChange;

  /**
   * @param timeout how long no packet may arrive before the call counts as silent
   * @param start when the watch begins (the answer): silence is counted from there
   */
  public MediaActivity(Duration timeout, Instant start) {
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("media timeout " + timeout + " is not positive");
    }
    this.timeout = timeout;
    this.lastChange = start;
  }

  /** How often to look: a quarter of the timeout, so silence is seen within 1¼ timeouts. */
  public Duration checkEvery() {
    Duration quarter = timeout.dividedBy(4);
    return quarter.isZero() ? timeout : quarter;
  }

  /**
   * Records the packet count seen at {@code now}.
   *
   * @return true if it has not changed for the whole timeout
   */
  public synchronized boolean silent(long packetsNow, Instant now) {
    if (packetsNow != packets) {
      packets = packetsNow;
      lastChange = now;
      return false;
    }
    return !now.isBefore(lastChange.plus(timeout));
  }
}
