package io.baton.sbc;

import java.time.Duration;

/**
 * Call admission control (the {@code admission:} block of an SBC): how many calls it holds at most.
 * Past the cap a new INVITE gets {@code 503} with {@code Retry-After} (RFC 3261 §21.5.4) before it
 * is routed, anchored or recorded, so an overload or a flood costs the SBC an answer, not a call.
 *
 * @param maxCalls calls held at once, those being routed included (default 1600: an anchored call
 *     holds two RTP ports of the media range, three while it is transferred, and the default range
 *     20000-29999 has 5000 usable ports)
 * @param retryAfter what {@code Retry-After} asks a refused caller to wait (default 5s, whole
 *     seconds)
 */
public record CallAdmission(Integer maxCalls, Duration retryAfter) {

  public CallAdmission {
    maxCalls = maxCalls == null ? 1600 : maxCalls;
    if (maxCalls < 1) {
      throw new IllegalArgumentException("maxCalls: " + maxCalls + " is not positive");
    }
    retryAfter = retryAfter == null ? Duration.ofSeconds(5) : retryAfter;
    if (retryAfter.isNegative() || retryAfter.toSeconds() > 86_400) {
      throw new IllegalArgumentException(
          "retryAfter: " + retryAfter + " is not between 0s and 24h");
    }
  }

  /** 1600 calls, 5 seconds. */
  public static CallAdmission defaults() {
    return new CallAdmission(null, null);
  }
}
