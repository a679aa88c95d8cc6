package io.baton.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Silence is a packet count that did not move for the whole timeout. */
class MediaActivityTest {
  private static final Instant ANSWER = Instant.parse("2026-01-01T00:00:00Z");

  private static Instant at(int seconds) {
    return ANSWER.plusSeconds(seconds);
  }

  @Test
  void aCallWithoutAnyPacketIsSilentOnceTheTimeoutPassed() {
    MediaActivity activity = new MediaActivity(Duration.ofSeconds(120), ANSWER);
    assertThat(activity.silent(0, at(119))).isFalse();
    assertThat(activity.silent(0, at(120))).isTrue();
  }

  @Test
  void everyNewPacketRestartsTheTimeout() {
    MediaActivity activity = new MediaActivity(Duration.ofSeconds(120), ANSWER);
    assertThat(activity.silent(50, at(100))).isFalse();
    assertThat(activity.silent(50, at(200))).isFalse();
    assertThat(activity.silent(50, at(220))).isTrue();
    assertThat(activity.silent(51, at(221))).as("one packet is enough").isFalse();
  }

  @Test
  void itIsCheckedFourTimesPerTimeout() {
    assertThat(new MediaActivity(Duration.ofSeconds(120), ANSWER).checkEvery())
        .isEqualTo(Duration.ofSeconds(30));
    assertThatThrownBy(() -> new MediaActivity(Duration.ZERO, ANSWER))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
