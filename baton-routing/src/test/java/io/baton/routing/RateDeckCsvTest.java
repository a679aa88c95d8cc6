package io.baton.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringReader;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RateDeckCsvTest {
  /** The records of {@code csv}, each as its line number and what it parsed to. */
  private static List<RateDeckCsv.Line> read(String csv) throws IOException {
    List<RateDeckCsv.Line> lines = new ArrayList<>();
    try (RateDeckCsv.Lines in = RateDeckCsv.read("cheapnet", new StringReader(csv))) {
      for (RateDeckCsv.Line l = in.next(); l != null; l = in.next()) {
        lines.add(l);
      }
    }
    return lines;
  }

  private static RateDeckCsv.Parsed parse(String line) throws IOException {
    List<RateDeckCsv.Line> lines = read(line + "\n");
    assertThat(lines).hasSize(1);
    return lines.get(0).parsed();
  }

  @Test
  void aFullLine() throws IOException {
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
  void emptyOptionalFieldsTakeTheirDefaults() throws IOException {
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
  void eachBadFieldIsNamed() throws IOException {
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
  void theHeaderIsRecognisedOnTheFirstLineOnly() throws IOException {
    assertThat(
            read(
                "prefix, Rate,connection_fee,increment_first,increment_next,effective_date\n"
                    + "1646,0.004,,,,\n"))
        .extracting(RateDeckCsv.Line::number)
        .containsExactly(2L);
    assertThat(read("1646,0.004,,,,\n" + RateDeckCsv.HEADER + "\n").get(1).parsed())
        .isEqualTo(bad("prefix: 'prefix' is not 1 to 15 digits"));
  }

  @Test
  void quotedFieldsAByteOrderMarkCrlfAndBlankLinesAreCsvAsSpreadsheetsWriteIt() throws IOException {
    List<RateDeckCsv.Line> lines =
        read(
            "\uFEFF"
                + RateDeckCsv.HEADER
                + "\r\n\"1646\",\"0.0040\",\"\",60,6,\"2026-01-01\"\r\n\r\n  \r\n44,0.05,,,,\r\n");

    assertThat(lines).extracting(RateDeckCsv.Line::number).containsExactly(2L, 5L);
    assertThat(lines.get(0).parsed())
        .isEqualTo(
            new RateDeckCsv.Parsed.Row(
                new Rate(
                    "cheapnet",
                    "+1646",
                    LocalDate.of(2026, 1, 1),
                    new BigDecimal("0.004000"),
                    new BigDecimal("0.000000"),
                    60,
                    6)));
  }

  @Test
  void aCommaInsideQuotesIsPartOfTheFieldAndAQuoteNeverClosedEndsTheDeck() throws IOException {
    assertThat(parse("\"1646,1\",0.004,,,,"))
        .isEqualTo(bad("prefix: '1646,1' is not 1 to 15 digits"));
    List<RateDeckCsv.Line> lines = read("1646,0.004,,,,\n\"44,0.05,,,,\n1212,0.002,,,,\n");
    assertThat(lines).hasSize(2);
    assertThat(lines.get(1).number()).isEqualTo(2);
    assertThat(lines.get(1).parsed()).isInstanceOf(RateDeckCsv.Parsed.Bad.class);
    assertThat(((RateDeckCsv.Parsed.Bad) lines.get(1).parsed()).problem()).startsWith("not CSV");
  }

  private static RateDeckCsv.Parsed bad(String problem) {
    return new RateDeckCsv.Parsed.Bad(problem);
  }
}
