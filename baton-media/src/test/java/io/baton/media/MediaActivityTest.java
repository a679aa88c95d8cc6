package io.baton.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** Silence is a packet count that did not move for the whole timeout, on an injected clock. */
class MediaActivityTest {
  private Instant now = Instant.parse("2026-01-01T00:00:00Z");

  private final Clock clock =
      new Clock() {
        @Override
        public Instant instant() {
          return now;
        }

        @Override
        public ZoneId getZone() {
          return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
          return this;
        }
      };

  private void advance(int seconds) {
    now = now.plusSeconds(seconds);
  }

  @Test
  void aCallWithoutAnyPacketIsSilentOnceTheTimeoutPassed() {
    MediaActivity activity = new MediaActivity(Duration.ofSeconds(120), clock);
    advance(119);
    assertThat(activity.silent(0)).isFalse();
    advance(1);
    assertThat(activity.silent(0)).isTrue();
  }

  @Test
  void everyNewPacketRestartsTheTimeout() {
    MediaActivity activity = new MediaActivity(Duration.ofSeconds(120), clock);
    advance(100);
    assertThat(activity.silent(50)).isFalse();
    advance(100);
    assertThat(activity.silent(50)).isFalse();
    advance(20);
    assertThat(activity.silent(50)).isTrue();
    assertThat(activity.silent(51)).as("one packet is enough").isFalse();
  }

  @Test
  void itIsCheckedFourTimesPerTimeout() {
    assertThat(new MediaActivity(Duration.ofSeconds(120), clock).checkEvery())
        .isEqualTo(Duration.ofSeconds(30));
    assertThatThrownBy(() -> new MediaActivity(Duration.ZERO, clock))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
