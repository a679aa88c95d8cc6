package io.baton.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ExpiringMapTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  @Test
  void anEntryReadsAsAbsentOnceExpired() {
    ExpiringMap<String, String> map = new ExpiringMap<>(10);
    map.put("a", "1", T0.plusSeconds(10), T0);

    assertThat(map.get("a", T0.plusSeconds(9))).isEqualTo("1");
    assertThat(map.get("a", T0.plusSeconds(10))).isNull();
    assertThat(map.size()).isZero();
  }

  @Test
  void aFloodOfNewKeysEvictsTheLeastRecentlyUsedAndStaysWithinCapacity() {
    ExpiringMap<String, Integer> map = new ExpiringMap<>(100);
    map.put("kept", 0, T0.plus(Duration.ofDays(1)), T0);

    for (int i = 0; i < 1_000_000; i++) {
      map.put("k" + i, i, T0.plus(Duration.ofDays(1)), T0);
      if (i % 50 == 0) {
        map.get("kept", T0);
      }
    }

    assertThat(map.size()).isEqualTo(100);
    assertThat(map.get("kept", T0)).as("used recently enough to stay").isZero();
    assertThat(map.get("k999999", T0)).isEqualTo(999_999);
    assertThat(map.get("k0", T0)).isNull();
  }

  @Test
  void writesDropExpiredEntriesBeforeLiveOnesHaveToGo() {
    ExpiringMap<String, Integer> map = new ExpiringMap<>(3);
    map.put("short", 1, T0.plusSeconds(1), T0);
    map.put("long", 2, T0.plusSeconds(100), T0);
    map.put("b", 3, T0.plusSeconds(100), T0.plusSeconds(5));

    assertThat(map.size()).as("the expired eldest went").isEqualTo(2);
    map.put("c", 4, T0.plusSeconds(100), T0.plusSeconds(5));
    assertThat(map.get("long", T0.plusSeconds(5)))
        .as("room enough: nothing live evicted")
        .isEqualTo(2);
  }

  @Test
  void updateSeesTheLiveValueAndReplacesItAtomically() {
    ExpiringMap<String, Integer> map = new ExpiringMap<>(10);
    for (int i = 0; i < 3; i++) {
      map.update("n", T0, v -> Map.entry(v == null ? 1 : v + 1, T0.plusSeconds(1)));
    }
    assertThat(map.get("n", T0)).isEqualTo(3);
    assertThat(
            map.update(
                "n", T0.plusSeconds(1), v -> Map.entry(v == null ? 1 : v + 1, T0.plusSeconds(9))))
        .as("expired: starts again")
        .isEqualTo(1);
    assertThat(map.remove("n", T0.plusSeconds(2))).isEqualTo(1);
    assertThat(map.remove("n", T0.plusSeconds(2))).isNull();
  }
}
