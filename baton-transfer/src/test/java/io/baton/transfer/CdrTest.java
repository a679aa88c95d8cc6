package io.baton.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import io.baton.registry.Call;
import io.baton.registry.Leg;
import io.baton.registry.LegState;
import io.baton.routing.Rate;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Pricing a call is plain code: legs, transfers and rates in, a record out. */
class CdrTest {
  private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
  private static final Costs.Tariff RATES =
      Costs.of(
          List.of(
              new Rate("cheapnet", "+1646", new BigDecimal("0.0040")),
              new Rate("cheapnet", "+16465550", new BigDecimal("0.0030")),
              new Rate("pricey", "+1646", new BigDecimal("0.0120"))));

  private static Leg leg(
      String element,
      String peer,
      LegState state,
      int startSecond,
      Integer endSecond,
      String carrier) {
    return new Leg(
        "l-" + element + "-" + peer + "-" + startSecond,
        "c-1",
        element,
        peer,
        element + "@sip",
        state,
        T0.plusSeconds(startSecond),
        endSecond == null ? null : T0.plusSeconds(endSecond),
        "127.0.0.1:5060",
        "a",
        "b",
        state == LegState.FAILED ? 503 : null,
        carrier);
  }

  private static TransferView completedTransfer(int requestedAt, int completedAt) {
    return new TransferView(
        "t-1",
        "c-1",
        "acme",
        "target:sales",
        "tel:+16465550111",
        "make-before-break",
        "completed",
        200,
        null,
        30,
        List.of(new TransferView.TargetView("target:sales", "tel:+16465550111", 30)),
        "stay",
        1,
        T0.plusSeconds(requestedAt),
        T0.plusSeconds(completedAt),
        List.of(
            new TransferView.HistoryEntry("requested", T0.plusSeconds(requestedAt), "requested"),
            new TransferView.HistoryEntry("completed", T0.plusSeconds(completedAt), "NOTIFY")));
  }

  @Test
  void aTransferredCallPricesItsCarrierLegsAndWhatTheReleasedPathWouldHaveCost() {
    Call call =
        new Call(
            "c-1",
            "sip:caller@x",
            "sip:+18005550100@127.0.0.1:5060",
            "+18005550100",
            T0,
            List.of(
                leg("caller", "sbc-edge", LegState.RELEASED, 0, 200, null),
                leg("sbc-edge", "proxy", LegState.RELEASED, 0, 62, null),
                leg("proxy", "sbc-dest", LegState.RELEASED, 0, 62, null),
                leg("sbc-dest", "callcenter", LegState.RELEASED, 0, 62, null),
                // crankback: cheapnet refused, pricey carried the call
                leg("sbc-edge", "sbc-carrier", LegState.FAILED, 61, 61, "cheapnet"),
                leg("sbc-edge", "sbc-carrier", LegState.RELEASED, 61, 200, "pricey"),
                leg("sbc-carrier", "pstn-sales", LegState.RELEASED, 61, 200, null)));

    Cdr cdr =
        Cdr.of(
            call,
            "acme",
            List.of(completedTransfer(60, 62)),
            T0.plusSeconds(200),
            RATES,
            new BigDecimal("0.0100"));

    assertThat(cdr.outcome()).isEqualTo(Cdr.ANSWERED);
    assertThat(cdr.durationSeconds()).isEqualTo(200);
    assertThat(cdr.legs())
        .extracting(Cdr.CdrLeg::path)
        .containsExactly("caller", "first", "first", "first", "rerouted", "rerouted", "rerouted");
    Cdr.CdrLeg failed = cdr.legs().get(4);
    assertThat(failed.billedSeconds()).as("a failed leg bills nothing").isZero();
    assertThat(failed.cost()).isEqualByComparingTo("0");
    assertThat(failed.ratePerMinute()).as("longest prefix").isEqualByComparingTo("0.0030");
    Cdr.CdrLeg carried = cdr.legs().get(5);
    assertThat(carried.billedSeconds()).isEqualTo(139);
    assertThat(carried.ratePerMinute()).isEqualByComparingTo("0.0120");
    assertThat(carried.dialled()).isEqualTo("+16465550111");
    assertThat(carried.cost()).isEqualByComparingTo("0.027800"); // 0.0120 × 139 / 60
    assertThat(cdr.cost()).isEqualByComparingTo("0.027800");
    assertThat(cdr.reroutedCost()).isEqualByComparingTo("0.027800");
    assertThat(cdr.releasedSeconds()).as("completed at 62 s, ended at 200 s").isEqualTo(138);
    assertThat(cdr.releasedCost()).isEqualByComparingTo("0.023000"); // 0.0100 × 138 / 60
  }

  @Test
  void aCallNobodyAnsweredFailsWithTheCallersStatusAndCostsNothing() {
    Leg caller = leg("caller", "sbc-edge", LegState.FAILED, 0, 3, null).withSipStatus(486);
    Call call =
        new Call(
            "c-1",
            "sip:caller@x",
            "sip:+18005550100@x",
            "+18005550100",
            T0,
            List.of(caller, leg("sbc-edge", "proxy", LegState.FAILED, 0, 3, null)));

    Cdr cdr = Cdr.of(call, null, List.of(), T0.plusSeconds(3), RATES, BigDecimal.ONE);

    assertThat(cdr.outcome()).isEqualTo(Cdr.FAILED);
    assertThat(cdr.sipStatus()).isEqualTo(486);
    assertThat(cdr.cost()).isEqualByComparingTo("0");
    assertThat(cdr.releasedSeconds()).isZero();
    assertThat(cdr.releasedCost()).isEqualByComparingTo("0");
  }

  @Test
  void aLegIsBilledInItsRatesIncrementsWithItsConnectionFeeFromTheDeckRowOfTheCallsDay() {
    Costs.Tariff deck =
        Costs.of(
            List.of(
                new Rate(
                    "pricey",
                    "+1646",
                    LocalDate.of(2026, 1, 1),
                    new BigDecimal("0.0120"),
                    new BigDecimal("0.0500"),
                    60,
                    30),
                new Rate(
                    "pricey",
                    "+1646",
                    LocalDate.of(2026, 4, 1), // after the call: not its rate
                    new BigDecimal("0.9"),
                    BigDecimal.ZERO,
                    1,
                    1)));
    Call call =
        new Call(
            "c-1",
            "sip:caller@x",
            "sip:+16465550111@x",
            "+16465550111",
            T0,
            List.of(
                leg("caller", "sbc-edge", LegState.RELEASED, 0, 61, null),
                leg("sbc-edge", "sbc-carrier", LegState.RELEASED, 0, 61, "pricey")));

    Cdr cdr = Cdr.of(call, "acme", List.of(), T0.plusSeconds(61), deck, BigDecimal.ZERO);

    Cdr.CdrLeg carried = cdr.legs().get(1);
    assertThat(carried.billedSeconds()).as("60 + one 30 s increment").isEqualTo(90);
    assertThat(carried.cost()).isEqualByComparingTo("0.068000"); // 0.05 + 0.0120 × 90 / 60
    assertThat(deck.rate("pricey", "+4420", T0.atOffset(ZoneOffset.UTC).toLocalDate())).isEmpty();
    assertThat(deck.rate("nobody", "+16465550111", LocalDate.of(2026, 5, 1))).isEmpty();
  }

  @Test
  void csvQuotesFieldsThatNeedItAndReadsBackAsWritten() throws Exception {
    Leg caller = leg("caller", "sbc-edge", LegState.FAILED, 0, 3, null).withSipStatus(486);
    String from = "\"Bob, \"\"the\"\" caller\" <sip:bob@x>\r\nX: y";
    Call call = new Call("c-1", from, "sip:+18005550100@x", "+18005550100", T0, List.of(caller));
    Cdr cdr = Cdr.of(call, "acme", List.of(), T0.plusSeconds(3), RATES, BigDecimal.ONE);

    String csv = new String(CdrCsv.write(List.of(cdr)), StandardCharsets.UTF_8);

    assertThat(csv).startsWith(CdrCsv.HEADER + "\r\n").endsWith("\r\n");
    List<List<String>> rows = readCsv(csv);
    assertThat(rows).hasSize(2);
    assertThat(rows.get(1)).hasSize(CdrCsv.COLUMNS.size());
    assertThat(rows.get(1).get(CdrCsv.COLUMNS.indexOf("from"))).isEqualTo(from);
    assertThat(rows.get(1).get(CdrCsv.COLUMNS.indexOf("did"))).isEqualTo("+18005550100");
  }

  @Test
  void cellsASpreadsheetWouldEvaluateAreDefusedButNumbersStay() {
    assertThat(CdrCsv.cell("=HYPERLINK(\"http://x\")")).isEqualTo("'=HYPERLINK(\"http://x\")");
    assertThat(CdrCsv.cell("+cmd|' /C calc'!A0")).isEqualTo("'+cmd|' /C calc'!A0");
    assertThat(CdrCsv.cell("-2+3")).isEqualTo("'-2+3");
    assertThat(CdrCsv.cell("@SUM(A1)")).isEqualTo("'@SUM(A1)");
    assertThat(CdrCsv.cell("\tx")).isEqualTo("'\tx");
    assertThat(CdrCsv.cell("+16465550111")).isEqualTo("+16465550111");
    assertThat(CdrCsv.cell("sip:=1+1@x")).isEqualTo("sip:=1+1@x");
    assertThat(CdrCsv.cell(null)).isEmpty();
  }

  private static List<List<String>> readCsv(String csv) throws Exception {
    CsvMapper mapper = new CsvMapper();
    mapper.enable(CsvParser.Feature.WRAP_AS_ARRAY);
    try (MappingIterator<List<String>> it = mapper.readerForListOf(String.class).readValues(csv)) {
      return it.readAll();
    }
  }
}
