package io.baton.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RateLimiterTest {
  private final TestClock clock = TestClock.frozen();
  private final RateLimiter limiter =
      new RateLimiter(new TransferServerConfig.RateLimit(2, 3), 1000, clock);

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

  @Test
  void checkTellsWithoutTakingAToken() {
    for (int i = 0; i < 5; i++) {
      assertThat(limiter.check("k")).isEmpty();
    }
    for (int i = 0; i < 3; i++) {
      limiter.acquire("k");
    }
    assertThat(limiter.check("k")).contains(Duration.ofMillis(500));
    assertThat(limiter.check("k")).as("checking took nothing").contains(Duration.ofMillis(500));
  }

  @Test
  void aFloodOfNewIdsKeepsTheTableBoundedAndAThrottledIdThrottled() {
    for (int i = 0; i < 3; i++) {
      limiter.acquire("attacker");
    }
    for (int i = 0; i < 1_000_000; i++) {
      limiter.acquire("source-" + i);
      if (i % 100 == 0) {
        assertThat(limiter.acquire("attacker")).isPresent();
      }
    }
    assertThat(limiter.tracked()).isEqualTo(1000);
  }

  @Test
  void aBucketIsForgottenOnceItWouldBeFullAgain() {
    for (int i = 0; i < 100; i++) {
      limiter.acquire("source-" + i);
    }
    assertThat(limiter.tracked()).isEqualTo(100);

    clock.advance(Duration.ofMillis(501)); // the one token taken is back: full
    limiter.acquire("another");

    assertThat(limiter.tracked()).isEqualTo(1);
  }
}
