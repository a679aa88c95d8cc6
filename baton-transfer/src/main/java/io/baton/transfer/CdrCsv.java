package io.baton.transfer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Call detail records as CSV (RFC 4180, written by Jackson's CSV module): a header line, then one
 * line per call, CRLF ended. Cells a caller controls ({@code from}, {@code to}) are made safe for
 * spreadsheets: one that a spreadsheet would read as a formula gets a leading {@code '} (OWASP's
 * "CSV injection" advice), except a plain E.164 number, which stays as it is.
 */
final class CdrCsv {
  static final List<String> COLUMNS =
      List.of(
          "call_id",
          "tenant",
          "did",
          "from",
          "to",
          "outcome",
          "sip_status",
          "started_at",
          "ended_at",
          "duration_seconds",
          "transfers",
          "carriers",
          "cost",
          "released_seconds",
          "released_cost",
          "rerouted_cost");

  static final String HEADER = String.join(",", COLUMNS);

  /** What a spreadsheet may take for the start of a formula or a command (OWASP). */
  private static final String FORMULA_STARTS = "=+-@\t\r";

  private static final Pattern E164 = Pattern.compile("\\+[1-9][0-9]{1,14}");

  private static final CsvMapper MAPPER = new CsvMapper();
  private static final CsvSchema SCHEMA =
      CsvSchema.emptySchema().withLineSeparator("\r\n").withoutEscapeChar();

  private CdrCsv() {}

  static byte[] write(List<Cdr> cdrs) {
    StringBuilder out = new StringBuilder(HEADER).append("\r\n");
    try {
      var writer = MAPPER.writer(SCHEMA);
      for (Cdr c : cdrs) {
        out.append(writer.writeValueAsString(row(c)));
      }
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static String[] row(Cdr c) {
    String carriers =
        c.legs().stream()
            .map(Cdr.CdrLeg::carrier)
            .filter(Objects::nonNull)
            .distinct()
            .collect(Collectors.joining(";"));
    String transfers =
        c.transfers().stream().map(t -> t.id() + ":" + t.state()).collect(Collectors.joining(";"));
    return new String[] {
      c.callId(),
      cell(c.tenant()),
      cell(c.did()),
      cell(c.from()),
      cell(c.to()),
      c.outcome().toString(),
      text(c.sipStatus()),
      c.startedAt().toString(),
      c.endedAt().toString(),
      String.valueOf(c.durationSeconds()),
      transfers,
      carriers,
      c.cost().toPlainString(),
      String.valueOf(c.releasedSeconds()),
      c.releasedCost().toPlainString(),
      c.reroutedCost().toPlainString()
    };
  }

  private static String text(Object value) {
    return value == null ? "" : value.toString();
  }

  /** A cell whose text came from outside, defused if a spreadsheet would evaluate it. */
  static String cell(Object value) {
    String text = text(value);
    if (text.isEmpty() || FORMULA_STARTS.indexOf(text.charAt(0)) < 0) {
      return text;
    }
    return E164.matcher(text).matches() ? text : "'" + text;
  }
}
