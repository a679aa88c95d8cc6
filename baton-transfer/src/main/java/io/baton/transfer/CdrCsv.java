package io.baton.transfer;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/** Call detail records as CSV (RFC 4180): a header line, then one line per call, CRLF ended. */
final class CdrCsv {
  static final String HEADER =
      "call_id,tenant,did,from,to,outcome,sip_status,started_at,ended_at,duration_seconds,"
          + "transfers,carriers,cost,released_seconds,released_cost,rerouted_cost";

  private CdrCsv() {}

  static byte[] write(List<Cdr> cdrs) {
    StringBuilder out = new StringBuilder(HEADER).append("\r\n");
    for (Cdr c : cdrs) {
      String carriers =
          c.legs().stream()
              .map(Cdr.CdrLeg::carrier)
              .filter(Objects::nonNull)
              .distinct()
              .collect(Collectors.joining(";"));
      String transfers =
          c.transfers().stream()
              .map(t -> t.id() + ":" + t.state())
              .collect(Collectors.joining(";"));
      List<Object> fields =
          List.of(
              c.callId(),
              text(c.tenant()),
              text(c.did()),
              text(c.from()),
              text(c.to()),
              c.outcome(),
              text(c.sipStatus()),
              c.startedAt(),
              c.endedAt(),
              c.durationSeconds(),
              transfers,
              carriers,
              c.cost().toPlainString(),
              c.releasedSeconds(),
              c.releasedCost().toPlainString(),
              c.reroutedCost().toPlainString());
      out.append(fields.stream().map(f -> field(f.toString())).collect(Collectors.joining(",")))
          .append("\r\n");
    }
    return out.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static String text(Object value) {
    return value == null ? "" : value.toString();
  }

  /** A field quoted when it holds a comma, quote or line break (RFC 4180 §2.6, §2.7). */
  static String field(String value) {
    if (value.indexOf(',') < 0
        && value.indexOf('"') < 0
        && value.indexOf('\n') < 0
        && value.indexOf('\r') < 0) {
      return value;
    }
    return "\"" + value.replace("\"", "\"\"") + "\"";
  }
}
