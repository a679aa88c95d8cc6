package io.baton.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class BillingTest {
  private static Rate rate(String perMinute, String fee, int first, int next) {
    return new Rate(
        "c", "+1", Rate.ALWAYS, new BigDecimal(perMinute), new BigDecimal(fee), first, next);
  }

  @Test
  void everySecondBegunCounts() {
    assertThat(Billing.seconds(Duration.ofMillis(61_001))).isEqualTo(62);
    assertThat(Billing.seconds(Duration.ofSeconds(61))).isEqualTo(61);
    assertThat(Billing.seconds(Duration.ZERO)).isZero();
    assertThat(Billing.seconds(Duration.ofSeconds(-3))).isZero();
  }

  @Test
  void theFirstIncrementIsTheLeastBilledThenWholeNextIncrements() {
    // 60/60
    assertThat(Billing.billedSeconds(1, 60, 60)).isEqualTo(60);
    assertThat(Billing.billedSeconds(60, 60, 60)).isEqualTo(60);
    assertThat(Billing.billedSeconds(61, 60, 60)).isEqualTo(120);
    // 30/6
    assertThat(Billing.billedSeconds(29, 30, 6)).isEqualTo(30);
    assertThat(Billing.billedSeconds(31, 30, 6)).isEqualTo(36);
    assertThat(Billing.billedSeconds(36, 30, 6)).isEqualTo(36);
    assertThat(Billing.billedSeconds(37, 30, 6)).isEqualTo(42);
    // 1/1
    assertThat(Billing.billedSeconds(37, 1, 1)).isEqualTo(37);
    // unanswered
    assertThat(Billing.billedSeconds(0, 60, 60)).isZero();
  }

  @Test
  void aCallCostsItsConnectionFeePlusTheRateOverItsBilledTime() {
    // 0.05 + 0.012/min × 36 s
    assertThat(Billing.cost(rate("0.012", "0.05", 30, 6), 31))
        .isEqualByComparingTo("0.0572")
        .hasScaleOf(6);
    assertThat(Billing.cost(rate("0.012", "0.05", 30, 6), 0)).isEqualByComparingTo("0");
    assertThat(Billing.cost(rate("0.0040", "0", 1, 1), 90)).isEqualByComparingTo("0.006");
  }

  @Test
  void theIndexsIntegerCostAgreesWithTheDecimalOne() {
    for (long seconds : new long[] {1, 7, 29, 31, 59, 61, 3601}) {
      Rate r = rate("0.013457", "0.000333", 30, 6);
      long micros = Billing.costMicros(13_457, 333, 30, 6, seconds);
      assertThat(BigDecimal.valueOf(micros, 6)).isEqualByComparingTo(Billing.cost(r, seconds));
    }
  }
}
