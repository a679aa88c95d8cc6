package io.baton.transfer;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A clock a test can stop and move: real time by default, frozen on request. */
final class TestClock extends Clock {
  private volatile Instant frozenAt;

  static TestClock running() {
    return new TestClock();
  }

  static TestClock frozen() {
    TestClock clock = new TestClock();
    clock.freeze();
    return clock;
  }

  void freeze() {
    frozenAt = Instant.now();
  }

  void thaw() {
    frozenAt = null;
  }

  /** Moves a frozen clock forward. */
  void advance(Duration d) {
    if (frozenAt == null) {
      throw new IllegalStateException("only a frozen clock can be advanced");
    }
    frozenAt = frozenAt.plus(d);
  }

  @Override
  public Instant instant() {
    Instant at = frozenAt;
    return at != null ? at : Instant.now();
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    throw new UnsupportedOperationException("a test clock stays in UTC");
  }
}
