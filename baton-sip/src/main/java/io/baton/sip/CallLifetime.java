package io.baton.sip;

import java.time.Duration;

/**
 * How long a call may live at an element that answers or places calls (the {@code lifetime:} block
 * of an SBC, the call center and the simulated endpoints): every call ends by itself when its peer
 * goes silent, whatever messages were lost (docs/architecture.md "Call lifetimes").
 *
 * @param ackTimeout a 2xx answered but never ACKed is ended with BYE after this (RFC 3261
 *     §13.3.1.4, Timer H: 64·T1 = 32s)
 * @param maxDuration no answered call lasts longer: BYE both ways (default 4h)
 * @param mediaTimeout an answered call through which no RTP packet came from either side this long
 *     is ended with BYE (default 120s; 0s turns it off)
 * @param sessionExpires SBCs: the longest session interval (RFC 4028 {@code Session-Expires}) an
 *     SBC grants a caller that supports session timers; a caller that does not refresh within it is
 *     hung up (default 1800s)
 * @param minSE SBCs: the shortest session interval accepted; a smaller {@code Session-Expires} gets
 *     {@code 422} with this {@code Min-SE} (RFC 4028 §5, at least 90s)
 * @param stuckLegMargin SBCs: a leg still trying or ringing this long after its dial gave up is
 *     published failed and its media released (default 30s)
 */
public record CallLifetime(
    Duration ackTimeout,
    Duration maxDuration,
    Duration mediaTimeout,
    Duration sessionExpires,
    Duration minSE,
    Duration stuckLegMargin) {

  /** RFC 4028 §4: no Min-SE may be below 90 seconds. */
  public static final Duration SMALLEST_MIN_SE = Duration.ofSeconds(90);

  public CallLifetime {
    ackTimeout = positive("ackTimeout", ackTimeout, Duration.ofSeconds(32));
    maxDuration = positive("maxDuration", maxDuration, Duration.ofHours(4));
    mediaTimeout = mediaTimeout == null ? Duration.ofSeconds(120) : mediaTimeout;
    if (mediaTimeout.isNegative()) {
      throw new IllegalArgumentException(
          "mediaTimeout: " + mediaTimeout + " is negative (0s turns it off)");
    }
    minSE = minSE == null ? SMALLEST_MIN_SE : minSE;
    if (minSE.compareTo(SMALLEST_MIN_SE) < 0) {
      throw new IllegalArgumentException(
          "minSE: " + minSE + " is below 90s, the least RFC 4028 §4 allows");
    }
    sessionExpires = sessionExpires == null ? Duration.ofSeconds(1800) : sessionExpires;
    if (sessionExpires.compareTo(minSE) < 0) {
      throw new IllegalArgumentException(
          "sessionExpires: " + sessionExpires + " is below minSE " + minSE);
    }
    stuckLegMargin = positive("stuckLegMargin", stuckLegMargin, Duration.ofSeconds(30));
  }

  /** Every default: Timer H, 4 hours, 120 seconds of silence, 1800/90 seconds, 30 seconds. */
  public static CallLifetime defaults() {
    return new CallLifetime(null, null, null, null, null, null);
  }

  /** True if calls with no RTP for {@link #mediaTimeout} are ended. */
  public boolean watchesMedia() {
    return !mediaTimeout.isZero();
  }

  private static Duration positive(String key, Duration value, Duration otherwise) {
    if (value == null) {
      return otherwise;
    }
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(key + ": " + value + " is not positive");
    }
    return value;
  }
}
