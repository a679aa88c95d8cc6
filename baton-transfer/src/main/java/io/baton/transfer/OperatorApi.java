package io.baton.transfer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.baton.sip.CapturedMessage;
import io.baton.sip.PeerNames;
import io.baton.store.Directory;
import io.baton.store.Principal;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.http.HttpStatus;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * What operators look at: call detail records (JSON or CSV), the savings view, a call's SIP
 * messages for its ladder diagram, the tenant's named targets, event-stream tokens for browsers,
 * and the dashboard's own files and {@code /metrics}. Every record is the principal's own tenant's
 * (an admin's: every tenant's).
 */
final class OperatorApi {
  static final String CSV = "text/csv";
  private static final String JSON = "application/json";
  private static final Pattern E164 = Pattern.compile("\\+[1-9][0-9]{1,14}");
  private static final Set<String> OUTCOMES = Set.of(Cdr.ANSWERED, Cdr.FAILED);
  private static final int MAX_DAYS = 366;
  private static final Map<String, String> ASSETS =
      Map.of(
          "index.html", "text/html; charset=utf-8",
          "app.js", "text/javascript; charset=utf-8",
          "app.css", "text/css; charset=utf-8");

  private final TransferService service;
  private final CdrStore cdrs;
  private final Ladders ladders;
  private final EventTokens tokens;
  private final Metrics metrics;
  private final PeerNames peers;
  private final Directory directory;
  private final ObjectMapper json;
  private final Clock clock;

  OperatorApi(
      TransferService service,
      CdrStore cdrs,
      Ladders ladders,
      EventTokens tokens,
      Metrics metrics,
      PeerNames peers,
      Directory directory,
      ObjectMapper json,
      Clock clock) {
    this.service = service;
    this.cdrs = cdrs;
    this.ladders = ladders;
    this.tokens = tokens;
    this.metrics = metrics;
    this.peers = peers;
    this.directory = directory;
    this.json = json;
    this.clock = clock;
  }

  EventTokens tokens() {
    return tokens;
  }

  /** The API routes (described in the OpenAPI document). */
  List<TransferApi.Route> routes() {
    return List.of(
        new TransferApi.Route(HandlerType.GET, "/v1/cdrs", true, this::listCdrs),
        new TransferApi.Route(HandlerType.GET, "/v1/savings", true, this::getSavings),
        new TransferApi.Route(
            HandlerType.GET, "/v1/calls/{callId}/messages", true, this::getMessages),
        new TransferApi.Route(HandlerType.GET, "/v1/targets", true, this::listTargets),
        new TransferApi.Route(HandlerType.POST, "/v1/event-tokens", true, this::postEventToken));
  }

  /** Pages outside the API: the dashboard and the metrics, no key needed. */
  List<TransferApi.Route> pages() {
    return List.of(
        new TransferApi.Route(HandlerType.GET, "/", false, (ctx, who) -> asset(ctx, "index.html")),
        new TransferApi.Route(
            HandlerType.GET,
            "/dashboard/{file}",
            false,
            (ctx, who) -> asset(ctx, ctx.pathParam("file"))),
        new TransferApi.Route(HandlerType.GET, "/metrics", false, this::getMetrics));
  }

  // ---- call detail records

  private void listCdrs(Context ctx, Principal who) throws IOException {
    boolean csv = wantsCsv(ctx);
    CdrStore.Query query =
        new CdrStore.Query(
            tenantFilter(ctx, who),
            instant(ctx, "from"),
            instant(ctx, "to"),
            did(ctx.queryParam("did")),
            outcome(ctx.queryParam("outcome")),
            TransferApi.limit(ctx.queryParam("limit")));
    List<Cdr> found = cdrs.find(query);
    if (csv) {
      ctx.status(HttpStatus.OK)
          .contentType(CSV + "; charset=utf-8; header=present")
          .header("Content-Disposition", "attachment; filename=\"baton-cdrs.csv\"")
          .result(CdrCsv.write(found));
    } else {
      respond(ctx, Map.of("items", found));
    }
  }

  /** {@code ?format=csv|json}, else the {@code Accept} header. */
  private static boolean wantsCsv(Context ctx) {
    String format = ctx.queryParam("format");
    if (format != null) {
      if (!format.equals("csv") && !format.equals("json")) {
        throw invalid("format: '" + format + "' is not csv or json");
      }
      return format.equals("csv");
    }
    String accept = ctx.header("Accept");
    return accept != null && accept.contains(CSV) && !accept.contains(JSON);
  }

  /** The principal's own tenant; an admin may name one with {@code ?tenant=}, or see all. */
  private static String tenantFilter(Context ctx, Principal who) {
    String asked = ctx.queryParam("tenant");
    if (!who.admin()) {
      if (asked != null && !asked.equals(who.tenantId())) {
        throw new TransferApi.ProblemException(
            ProblemType.TENANT_REQUIRED, "tenant: a tenant's key sees only its own records");
      }
      return who.tenantId();
    }
    return asked;
  }

  private void getSavings(Context ctx, Principal who) throws JsonProcessingException {
    LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
    LocalDate to = date(ctx, "to", today);
    LocalDate from = date(ctx, "from", to.minusDays(29));
    if (from.isAfter(to)) {
      throw invalid("from: " + from + " is after to " + to);
    }
    if (ChronoUnit.DAYS.between(from, to) >= MAX_DAYS) {
      throw invalid("from: at most " + MAX_DAYS + " days from " + from + " to " + to);
    }
    List<Map<String, Object>> days = new ArrayList<>();
    BigDecimal saved = BigDecimal.ZERO;
    for (CdrStore.Day d : cdrs.savings(tenantFilter(ctx, who), from, to)) {
      Map<String, Object> day = new LinkedHashMap<>();
      day.put("day", d.day());
      day.put("calls", d.calls());
      day.put("transferredCalls", d.transferred());
      day.put("releasedMinutes", d.releasedMinutes());
      day.put("releasedCost", d.releasedCost());
      day.put("reroutedCost", d.reroutedCost());
      day.put("cost", d.cost());
      days.add(day);
      saved = saved.add(d.releasedCost());
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("from", from.toString());
    body.put("to", to.toString());
    body.put("releasedCost", saved);
    body.put("items", days);
    respond(ctx, body);
  }

  // ---- a call's SIP messages

  private void getMessages(Context ctx, Principal who) throws JsonProcessingException {
    String ref = ctx.pathParam("callId");
    CallView call =
        service
            .call(who, ref)
            .orElseThrow(
                () ->
                    new TransferApi.ProblemException(
                        ProblemType.CALL_NOT_FOUND, "no call '" + ref + "'"));
    List<String> sipCallIds =
        call.legs().stream().map(CallView.LegView::sipCallId).filter(s -> s != null).toList();
    List<Map<String, Object>> items = new ArrayList<>();
    for (CapturedMessage m : ladders.of(call.id(), sipCallIds)) {
      Map<String, Object> item = new LinkedHashMap<>();
      item.put("seq", m.seq());
      item.put("at", m.at());
      item.put("from", String.valueOf(m.source()));
      item.put("to", String.valueOf(m.destination()));
      item.put("fromName", m.source() == null ? "?" : peers.nameOf(m.source()));
      item.put("toName", m.destination() == null ? "?" : peers.nameOf(m.destination()));
      item.put("transport", m.transport());
      item.put("method", m.method());
      item.put("status", m.status() == 0 ? null : m.status());
      item.put("firstLine", m.firstLine());
      item.put("sipCallId", m.callId());
      item.put("text", m.text());
      items.add(item);
    }
    respond(ctx, Map.of("callId", call.id(), "items", items));
  }

  // ---- targets and tokens

  private void listTargets(Context ctx, Principal who) throws JsonProcessingException {
    List<Directory.Target> targets =
        who.admin() ? directory.targets() : directory.targets(who.tenantId());
    List<Map<String, String>> items =
        targets.stream()
            .map(
                t ->
                    Map.of(
                        "tenant", t.tenantId(),
                        "name", t.name(),
                        "destination", t.destination()))
            .toList();
    respond(ctx, Map.of("items", items));
  }

  private void postEventToken(Context ctx, Principal who) throws JsonProcessingException {
    EventTokens.Token token = tokens.issue(who);
    ctx.status(HttpStatus.CREATED)
        .contentType(JSON)
        .result(
            json.writeValueAsBytes(
                Map.of("token", token.token(), "expiresAt", token.expiresAt().toString())));
  }

  // ---- pages

  private void getMetrics(Context ctx, Principal who) throws IOException {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(32 * 1024);
    metrics.scrape(out);
    ctx.status(HttpStatus.OK).contentType(metrics.contentType()).result(out.toByteArray());
  }

  private static void asset(Context ctx, String file) throws IOException {
    String type = ASSETS.get(file);
    if (type == null) {
      throw new TransferApi.ProblemException(ProblemType.NOT_FOUND, "no page " + ctx.path());
    }
    try (InputStream in = OperatorApi.class.getResourceAsStream("dashboard/" + file)) {
      if (in == null) {
        throw new IllegalStateException("dashboard/" + file + " missing from the classpath");
      }
      ctx.status(HttpStatus.OK)
          .contentType(type)
          .header("Cache-Control", "no-cache")
          .header("X-Content-Type-Options", "nosniff")
          .header(
              "Content-Security-Policy",
              "default-src 'self'; style-src 'self'; script-src 'self'; img-src 'self' data:")
          .result(in.readAllBytes());
    }
  }

  // ---- parameters

  private static Instant instant(Context ctx, String name) {
    String text = ctx.queryParam(name);
    if (text == null) {
      return null;
    }
    try {
      return text.length() == 10
          ? LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant()
          : Instant.parse(text);
    } catch (DateTimeParseException e) {
      throw invalid(
          name + ": '" + text + "' is not a date (2026-01-31) or instant (2026-01-31T12:00:00Z)");
    }
  }

  private static LocalDate date(Context ctx, String name, LocalDate otherwise) {
    String text = ctx.queryParam(name);
    if (text == null) {
      return otherwise;
    }
    try {
      return LocalDate.parse(text);
    } catch (DateTimeParseException e) {
      throw invalid(name + ": '" + text + "' is not a date like 2026-01-31");
    }
  }

  private static String did(String text) {
    if (text != null && !E164.matcher(text).matches()) {
      throw invalid("did: '" + text + "' is not an E.164 number like +18005550100");
    }
    return text;
  }

  private static String outcome(String text) {
    if (text != null && !OUTCOMES.contains(text)) {
      throw invalid(
          "outcome: '" + text + "' is not " + String.join(" or ", new TreeSet<>(OUTCOMES)));
    }
    return text;
  }

  private static TransferApi.ProblemException invalid(String detail) {
    return new TransferApi.ProblemException(ProblemType.INVALID_PARAMETER, detail);
  }

  private void respond(Context ctx, Object body) throws JsonProcessingException {
    ctx.status(HttpStatus.OK).contentType(JSON).result(json.writeValueAsBytes(body));
  }
}
