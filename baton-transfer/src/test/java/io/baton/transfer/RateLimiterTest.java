package io.baton.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RateLimiterTest {
  private final TestClock clock = TestClock.frozen();
  private final RateLimiter limiter =
      new RateLimiter(new TransferServerConfig.RateLimit(2, 3), clock);

  @Test
  void burstThenWaitForTheRefill() {
    for (int i = 0; i < 3; i++) {
      assertThat(limiter.acquire("k")).isEmpty();
    }
    assertThat(limiter.acquire("k")).contains(Duration.ofMillis(500));

    clock.advance(Duration.ofMillis(500));
    assertThat(limiter.acquire("k")).isEmpty();
    assertThat(limiter.acquire("k")).isPresent();
  }

  @Test
  void keysHaveTheirOwnBuckets() {
    for (int i = 0; i < 3; i++) {
      limiter.acquire("a");
    }
    assertThat(limiter.acquire("a")).isPresent();
    assertThat(limiter.acquire("b")).isEmpty();
  }

  @Test
  void aLongPauseRefillsNoMoreThanTheBurst() {
    clock.advance(Duration.ofHours(1));
    for (int i = 0; i < 3; i++) {
      assertThat(limiter.acquire("k")).isEmpty();
    }
    assertThat(limiter.acquire("k")).isPresent();
  }
}
