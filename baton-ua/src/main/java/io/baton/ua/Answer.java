package io.baton.ua;

import java.time.Duration;

/**
 * How a simulated endpoint answers an incoming call (the {@code answer:} block of an endpoint).
 *
 * @param status final status: {@code 200} answers, {@code 300}–{@code 699} rejects (e.g. {@code
 *     486} busy), {@code 0} rings and never answers (the caller must CANCEL)
 * @param ringFor how long to ring ({@code 180 Ringing}) before the final status; zero (or absent)
 *     sends the final status at once
 * @param toneHz the tone this endpoint plays while the call is up; absent (0) means 440 Hz
 */
public record Answer(int status, Duration ringFor, double toneHz) {
  public static final double DEFAULT_TONE_HZ = 440;

  /** Answers at once with a 440 Hz tone. */
  public static final Answer AT_ONCE = new Answer(200, Duration.ZERO, DEFAULT_TONE_HZ);

  public Answer {
    if (status != 0 && status != 200 && (status < 300 || status > 699)) {
      throw new IllegalArgumentException(
          "answer.status: " + status + " is not 200, 300-699, or 0 (ring and never answer)");
    }
    if (ringFor == null) {
      ringFor = Duration.ZERO;
    }
    if (ringFor.isNegative()) {
      throw new IllegalArgumentException("answer.ringFor: " + ringFor + " is negative");
    }
    if (toneHz == 0) {
      toneHz = DEFAULT_TONE_HZ;
    }
    // 8 kHz sampling (G.711) carries tones below the Nyquist frequency only.
    if (toneHz < 0 || toneHz >= 4000) {
      throw new IllegalArgumentException("answer.toneHz: " + toneHz + " is not in (0, 4000) Hz");
    }
  }

  /** An endpoint that answers with {@code status} at once. */
  public static Answer with(int status) {
    return new Answer(status, Duration.ZERO, DEFAULT_TONE_HZ);
  }

  /** True for status 0: ring until the caller gives up. */
  public boolean neverAnswers() {
    return status == 0;
  }
}
