package io.baton.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;

class RateDeckCsvTest {
  private static RateDeckCsv.Parsed parse(String line) {
    return RateDeckCsv.parse("cheapnet", line);
  }

  @Test
  void aFullLine() {
    assertThat(parse("1646,0.0040,0.01,60,6,2026-01-01"))
        .isEqualTo(
            new RateDeckCsv.Parsed.Row(
                new Rate(
                    "cheapnet",
                    "+1646",
                    LocalDate.of(2026, 1, 1),
                    new BigDecimal("0.004000"),
                    new BigDecimal("0.010000"),
                    60,
                    6)));
  }

  @Test
  void emptyOptionalFieldsTakeTheirDefaults() {
    assertThat(parse("+1646,0.004,,,,"))
        .isEqualTo(
            new RateDeckCsv.Parsed.Row(
                new Rate(
                    "cheapnet",
                    "+1646",
                    Rate.ALWAYS,
                    new BigDecimal("0.004000"),
                    new BigDecimal("0.000000"),
                    1,
                    1)));
  }

  @Test
  void eachBadFieldIsNamed() {
    assertThat(parse("16x6,0.004,0,1,1,")).isEqualTo(bad("prefix: '16x6' is not 1 to 15 digits"));
    assertThat(parse("1646,cheap,0,1,1,")).isEqualTo(bad("rate: 'cheap' is not a number"));
    assertThat(parse("1646,-1,0,1,1,")).isEqualTo(bad("rate: -1 is not in 0..999999.999999"));
    assertThat(parse("1646,0.0000001,0,1,1,"))
        .isEqualTo(bad("rate: 0.0000001 has more than 6 decimals"));
    assertThat(parse("1646,0.004,0,0,1,"))
        .isEqualTo(bad("increment_first: '0' is not whole seconds in 1..3600"));
    assertThat(parse("1646,0.004,0,1,1,2026-13-01"))
        .isEqualTo(bad("effective_date: '2026-13-01' is not a date yyyy-mm-dd"));
    assertThat(parse("1646,0.004"))
        .isEqualTo(
            bad(
                "expected 6 fields (prefix,rate,connection_fee,increment_first,increment_next,effective_date), got 2"));
  }

  @Test
  void theHeaderIsRecognised() {
    assertThat(
            RateDeckCsv.isHeader(
                "prefix, rate,connection_fee,increment_first,increment_next,effective_date"))
        .isTrue();
    assertThat(RateDeckCsv.isHeader("1646,0.004,,,,")).isFalse();
  }

  private static RateDeckCsv.Parsed bad(String problem) {
    return new RateDeckCsv.Parsed.Bad(problem);
  }
}
