package io.baton.transfer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.baton.contract.CallerId;
import io.baton.contract.RedirectInfo;
import io.baton.routing.Carrier;
import io.baton.routing.Numbers;
import io.baton.routing.Rate;
import io.baton.routing.RateDeckCsv;
import io.baton.routing.TimeWindow;
import io.baton.routing.Transport;
import io.baton.sip.HostPort;
import io.baton.store.Carriers;
import io.baton.store.Database;
import io.baton.store.Did;
import io.baton.store.Directory;
import io.baton.store.Principal;
import io.baton.store.RateDecks;
import io.baton.store.TransferPolicies;
import io.baton.store.TransferPolicy;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.http.HttpStatus;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The routing data under {@code /v1/admin/...}, for admin keys only (a tenant's key gets 403): DIDs
 * with their schedules, carriers, their rate decks (row by row, or a whole CSV deck at once), named
 * targets and tenants' transfer policies. Numbers are normalised to E.164 as they come in. The
 * redirect server sees changes at its next reload.
 */
final class AdminApi {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(AdminApi.class);
  private static final String BASE = "/v1/admin";
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
  private static final Pattern SIP_URI = Pattern.compile("sips?:[^\\s<>\"]{1,250}");
  private static final int MAX_LIMIT = 10_000;
  private static final String POLICY = "/tenants/{tenant}/transfer-policy";

  /** {@code PUT /dids/{did}}: fields left out take their defaults (enabled, UTC, no schedule). */
  record DidBody(
      String tenant,
      String redirectTo,
      Boolean enabled,
      String timeZone,
      List<ScheduleBody> schedules) {}

  /** One of a DID's schedules: days, start and end as {@link TimeWindow#parse} reads them. */
  record ScheduleBody(String days, String start, String end, String redirectTo) {}

  /** {@code PUT /carriers/{carrier}}. */
  record CarrierBody(
      List<String> gateways,
      String transport,
      Boolean enabled,
      Integer weight,
      Integer maxCalls,
      String callerId,
      String redirectInfo) {}

  /** {@code POST /carriers/{carrier}/rates}: one row of the deck, checked as a CSV line is. */
  record RateBody(
      String prefix,
      BigDecimal rate,
      BigDecimal connectionFee,
      Integer incrementFirst,
      Integer incrementNext,
      String effectiveDate) {}

  /** {@code PUT /tenants/{tenant}/targets/{name}}. */
  record TargetBody(String destination) {}

  /**
   * Binds request bodies to records field by field, coercing nothing: {@code "60"} is no number,
   * {@code 1.5} no whole number, {@code "US"} no list.
   */
  private static final ObjectMapper STRICT =
      JsonMapper.builder()
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
          .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
          .build();

  private final Directory directory;
  private final Carriers carriers;
  private final RateDecks decks;
  private final TransferPolicies policies;
  private final Numbers numbers;
  private final ObjectMapper json;

  AdminApi(Database db, Numbers numbers, ObjectMapper json) {
    this.directory = new Directory(db);
    this.carriers = new Carriers(db);
    this.decks = new RateDecks(db);
    this.policies = new TransferPolicies(db);
    this.numbers = numbers;
    this.json = json;
  }

  /** The routes, every one for admin keys only (described in the OpenAPI document). */
  List<TransferApi.Route> routes() {
    return List.of(
        route(HandlerType.GET, "/dids", this::listDids),
        route(HandlerType.GET, "/dids/{did}", this::getDid),
        route(HandlerType.PUT, "/dids/{did}", this::putDid),
        route(HandlerType.DELETE, "/dids/{did}", this::deleteDid),
        route(HandlerType.GET, "/carriers", this::listCarriers),
        route(HandlerType.GET, "/carriers/{carrier}", this::getCarrier),
        route(HandlerType.PUT, "/carriers/{carrier}", this::putCarrier),
        route(HandlerType.DELETE, "/carriers/{carrier}", this::deleteCarrier),
        route(HandlerType.GET, "/carriers/{carrier}/rates", this::listRates),
        route(HandlerType.POST, "/carriers/{carrier}/rates", this::postRate),
        route(HandlerType.PUT, "/carriers/{carrier}/rates", this::importDeck),
        route(HandlerType.DELETE, "/carriers/{carrier}/rates/{prefix}", this::deleteRate),
        route(HandlerType.GET, "/targets", this::listTargets),
        route(HandlerType.PUT, "/tenants/{tenant}/targets/{name}", this::putTarget),
        route(HandlerType.DELETE, "/tenants/{tenant}/targets/{name}", this::deleteTarget),
        route(HandlerType.GET, POLICY, this::getTransferPolicy),
        route(HandlerType.PUT, POLICY, this::putTransferPolicy),
        route(HandlerType.DELETE, POLICY, this::deleteTransferPolicy));
  }

  private static TransferApi.Route route(
      HandlerType method, String path, TransferApi.ApiHandler handler) {
    return new TransferApi.Route(
        method,
        BASE + path,
        true,
        (ctx, who) -> {
          if (!who.admin()) {
            throw new TransferApi.ProblemException(
                ProblemType.ADMIN_REQUIRED, "routing data is for admin keys only");
          }
          handler.handle(ctx, who);
        });
  }

  // ---- DIDs

  private void listDids(Context ctx, Principal who) throws JsonProcessingException {
    items(ctx, directory.dids(), Did::tenantId, AdminApi::view);
  }

  /** {@code {"items": [...]}} of {@code all}, only the {@code ?tenant=}'s if one is given. */
  private <T> void items(
      Context ctx, List<T> all, Function<T, String> tenantOf, Function<T, Object> view)
      throws JsonProcessingException {
    String tenant = ctx.queryParam("tenant");
    respond(
        ctx,
        HttpStatus.OK,
        Map.of(
            "items",
            all.stream()
                .filter(item -> tenant == null || tenant.equals(tenantOf.apply(item)))
                .map(view)
                .toList()));
  }

  private void getDid(Context ctx, Principal who) throws JsonProcessingException {
    String did = number("did", ctx.pathParam("did"));
    respond(ctx, HttpStatus.OK, view(found(directory.did(did), "DID " + did)));
  }

  private void putDid(Context ctx, Principal who) throws JsonProcessingException {
    String did = number("did", ctx.pathParam("did"));
    DidBody body = bind(ctx, DidBody.class);
    String tenant = required("tenant", body.tenant());
    if (!directory.tenantExists(tenant)) {
      TransferApi.badField("tenant: no tenant '" + tenant + "'");
    }
    List<Did.Schedule> schedules = new ArrayList<>();
    List<ScheduleBody> asked = body.schedules() == null ? List.of() : body.schedules();
    for (int i = 0; i < asked.size(); i++) {
      String at = "schedules[" + i + "]";
      ScheduleBody s = asked.get(i);
      if (s == null) {
        TransferApi.badField(at + ": must be an object");
      }
      try {
        schedules.add(
            new Did.Schedule(
                TimeWindow.parse(s.days(), s.start(), s.end()),
                destination(at + ".redirectTo", required(at + ".redirectTo", s.redirectTo()))));
      } catch (IllegalArgumentException e) {
        TransferApi.badField(at + "." + e.getMessage());
      }
    }
    Did put =
        new Did(
            did,
            tenant,
            destination("redirectTo", required("redirectTo", body.redirectTo())),
            body.enabled() == null || body.enabled(),
            zone(body.timeZone()),
            schedules);
    boolean created = directory.putDid(put);
    respond(ctx, created ? HttpStatus.CREATED : HttpStatus.OK, view(put));
  }

  private void deleteDid(Context ctx, Principal who) {
    String did = number("did", ctx.pathParam("did"));
    gone(ctx, directory.deleteDid(did), "DID " + did);
  }

  private static Map<String, Object> view(Did d) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("did", d.did());
    out.put("tenant", d.tenantId());
    out.put("redirectTo", d.redirectTo());
    out.put("enabled", d.enabled());
    out.put("timeZone", d.timeZone().getId());
    out.put(
        "schedules",
        d.schedules().stream()
            .map(
                s ->
                    Map.of(
                        "days", s.window().daysText(),
                        "start", s.window().startText(),
                        "end", s.window().endText(),
                        "redirectTo", s.redirectTo()))
            .toList());
    return out;
  }

  // ---- carriers

  private void listCarriers(Context ctx, Principal who) throws JsonProcessingException {
    respond(ctx, HttpStatus.OK, Map.of("items", carriers.carriers()));
  }

  private void getCarrier(Context ctx, Principal who) throws JsonProcessingException {
    String name = ctx.pathParam("carrier");
    respond(ctx, HttpStatus.OK, found(carriers.carrier(name), "carrier " + name));
  }

  private void putCarrier(Context ctx, Principal who) throws JsonProcessingException {
    String name = name("carrier", ctx.pathParam("carrier"));
    CarrierBody body = bind(ctx, CarrierBody.class);
    List<String> asked = body.gateways();
    if (asked == null || asked.isEmpty() || asked.size() > 10) {
      TransferApi.badField("gateways: must be an array of 1 to 10 host:port");
    }
    List<String> gateways = new ArrayList<>();
    for (int i = 0; i < asked.size(); i++) {
      String text = asked.get(i);
      try {
        gateways.add(HostPort.parse(text).toString());
      } catch (IllegalArgumentException | NullPointerException e) {
        TransferApi.badField("gateways[" + i + "]: '" + text + "' is not host:port");
      }
    }
    Carrier carrier =
        new Carrier(
            name,
            gateways,
            choice("transport", body.transport(), Transport.UDP, Transport::fromWire, "udp or tcp"),
            body.enabled() == null || body.enabled(),
            within("weight", body.weight(), Carrier.DEFAULT_WEIGHT, 0, 1_000_000),
            body.maxCalls() == null ? null : within("maxCalls", body.maxCalls(), 0, 0, 1_000_000),
            choice("callerId", body.callerId(), CallerId.KEEP, CallerId::fromWire, "keep or did"),
            choice(
                "redirectInfo",
                body.redirectInfo(),
                RedirectInfo.NONE,
                RedirectInfo::fromWire,
                "none, diversion or history-info"));
    boolean created = carriers.put(carrier);
    respond(ctx, created ? HttpStatus.CREATED : HttpStatus.OK, carrier);
  }

  private void deleteCarrier(Context ctx, Principal who) {
    String name = ctx.pathParam("carrier");
    gone(ctx, carriers.delete(name), "carrier " + name);
  }

  // ---- rate decks

  private void listRates(Context ctx, Principal who) throws JsonProcessingException {
    String carrier = existingCarrier(ctx);
    String prefix = ctx.queryParam("prefix");
    if (prefix != null && !prefix.matches("\\+?[0-9]{0,15}")) {
      throw invalidParameter("prefix: '" + prefix + "' is not digits");
    }
    int offset = queryInt(ctx, "offset", 0, 0, Integer.MAX_VALUE);
    int limit = queryInt(ctx, "limit", 100, 1, MAX_LIMIT);
    String start = prefix == null ? null : prefix.startsWith("+") ? prefix : "+" + prefix;
    Map<String, Object> page = new LinkedHashMap<>();
    page.put("total", decks.count(carrier));
    page.put(
        "items", decks.rows(carrier, start, offset, limit).stream().map(AdminApi::view).toList());
    respond(ctx, HttpStatus.OK, page);
  }

  private void postRate(Context ctx, Principal who) throws JsonProcessingException {
    String carrier = existingCarrier(ctx);
    RateBody body = bind(ctx, RateBody.class);
    // one row is checked as one CSV record would be: the same rules and messages
    List<String> fields =
        List.of(
            required("prefix", body.prefix()),
            csv(body.rate()),
            csv(body.connectionFee()),
            csv(body.incrementFirst()),
            csv(body.incrementNext()),
            Optional.ofNullable(body.effectiveDate()).orElse(""));
    Rate rate =
        switch (RateDeckCsv.parse(carrier, fields)) {
          case RateDeckCsv.Parsed.Row row -> row.rate();
          case RateDeckCsv.Parsed.Bad bad -> throw fieldProblem(bad.problem());
        };
    boolean created = decks.put(rate);
    respond(ctx, created ? HttpStatus.CREATED : HttpStatus.OK, view(rate));
  }

  /** A number as a CSV field: empty when absent. */
  private static String csv(Number value) {
    if (value instanceof BigDecimal decimal) {
      return decimal.toPlainString();
    }
    return value == null ? "" : value.toString();
  }

  /**
   * {@code PUT .../rates} with a CSV body: the carrier's whole deck, replaced all or nothing; the
   * body is read as it streams in, never held whole.
   */
  private void importDeck(Context ctx, Principal who) throws IOException {
    String carrier = existingCarrier(ctx);
    RateDecks.ImportResult result;
    try (Reader deck = new InputStreamReader(ctx.req().getInputStream(), StandardCharsets.UTF_8)) {
      result = decks.importCsv(carrier, deck, lines -> {});
    }
    if (result.committed()) {
      respond(ctx, HttpStatus.OK, Map.of("carrier", carrier, "rows", result.rows()));
      Thread.ofVirtual().name("purge-deck-" + carrier).start(() -> purge(carrier));
      return;
    }
    Map<String, Object> errors = new LinkedHashMap<>();
    errors.put("errorCount", result.errorCount());
    errors.put("errors", result.errors());
    TransferApi.problem(
        ctx,
        json,
        ProblemType.INVALID_RATE_DECK.at(
            ctx.path(),
            result.errorCount()
                + " bad line(s): nothing was imported (the first "
                + result.errors().size()
                + " are listed in errors)"),
        errors);
  }

  /** Removes the rows of the deck an import replaced, after its answer. */
  private void purge(String carrier) {
    try {
      long removed = decks.purgeReplaced(carrier);
      LOG.info("carrier {}: {} rows of its replaced rate deck removed", carrier, removed);
    } catch (RuntimeException e) {
      LOG.warn("carrier {}: cannot remove its replaced rate deck yet: {}", carrier, e.toString());
    }
  }

  private void deleteRate(Context ctx, Principal who) {
    String carrier = existingCarrier(ctx);
    String prefix = ctx.pathParam("prefix");
    String date = ctx.queryParam("effectiveDate");
    LocalDate effective;
    try {
      effective = date == null ? Rate.ALWAYS : LocalDate.parse(date);
    } catch (DateTimeException e) {
      throw invalidParameter("effectiveDate: '" + date + "' is not a date yyyy-mm-dd");
    }
    String e164 = prefix.startsWith("+") ? prefix : "+" + prefix;
    gone(
        ctx,
        decks.delete(carrier, e164, effective),
        "rate " + e164 + " from " + effective + " of " + carrier);
  }

  private static Map<String, Object> view(Rate r) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("prefix", r.prefix());
    out.put("rate", r.perMinute());
    out.put("connectionFee", r.connectionFee());
    out.put("incrementFirst", r.incrementFirst());
    out.put("incrementNext", r.incrementNext());
    out.put("effectiveDate", r.effective().toString());
    return out;
  }

  private String existingCarrier(Context ctx) {
    String name = ctx.pathParam("carrier");
    return found(carriers.carrier(name), "carrier " + name).name();
  }

  // ---- named targets

  private void listTargets(Context ctx, Principal who) throws JsonProcessingException {
    items(
        ctx,
        directory.targets(),
        Directory.Target::tenantId,
        t -> Map.of("tenant", t.tenantId(), "name", t.name(), "destination", t.destination()));
  }

  private void putTarget(Context ctx, Principal who) throws JsonProcessingException {
    String name = name("name", ctx.pathParam("name"));
    String tenant = existingTenant(ctx);
    TargetBody body = bind(ctx, TargetBody.class);
    String destination = destination("destination", required("destination", body.destination()));
    boolean created = directory.putTarget(new Directory.Target(tenant, name, destination));
    respond(
        ctx,
        created ? HttpStatus.CREATED : HttpStatus.OK,
        Map.of("tenant", tenant, "name", name, "destination", destination));
  }

  private void deleteTarget(Context ctx, Principal who) {
    String tenant = ctx.pathParam("tenant");
    String name = ctx.pathParam("name");
    gone(ctx, directory.deleteTarget(tenant, name), "target " + name + " of " + tenant);
  }

  // ---- transfer policies

  private void getTransferPolicy(Context ctx, Principal who) throws JsonProcessingException {
    respond(ctx, HttpStatus.OK, policies.of(existingTenant(ctx)));
  }

  /** The whole policy: fields left out take their defaults (docs/transfers.md). */
  private void putTransferPolicy(Context ctx, Principal who) throws JsonProcessingException {
    String tenant = existingTenant(ctx);
    TransferPolicy policy = bind(ctx, TransferPolicy.class);
    try {
      policy.check("");
    } catch (IllegalArgumentException e) {
      throw fieldProblem(e.getMessage());
    }
    boolean created = policies.put(tenant, policy);
    respond(ctx, created ? HttpStatus.CREATED : HttpStatus.OK, policy);
  }

  private void deleteTransferPolicy(Context ctx, Principal who) {
    String tenant = existingTenant(ctx);
    gone(ctx, policies.delete(tenant), "transfer policy of " + tenant + " (it has the default)");
  }

  private String existingTenant(Context ctx) {
    String tenant = ctx.pathParam("tenant");
    if (!directory.tenantExists(tenant)) {
      throw new TransferApi.ProblemException(ProblemType.NOT_FOUND, "no tenant '" + tenant + "'");
    }
    return tenant;
  }

  /** The request's body as a {@code type}, or a 400 naming the field that does not fit. */
  private static <T> T bind(Context ctx, Class<T> type) {
    JsonNode body = TransferApi.object(STRICT, ctx.body());
    try {
      return STRICT.treeToValue(body, type);
    } catch (UnrecognizedPropertyException e) {
      throw fieldProblem(
          path(e)
              + ": unknown field (expected "
              + String.join(
                  ", ", e.getKnownPropertyIds().stream().map(Object::toString).sorted().toList())
              + ")");
    } catch (MismatchedInputException e) {
      throw fieldProblem(path(e) + ": must be " + expected(e.getTargetType()));
    } catch (JsonProcessingException e) {
      throw new TransferApi.ProblemException(
          ProblemType.MALFORMED_BODY, "the body does not fit: " + e.getOriginalMessage());
    }
  }

  /** {@code allowedNumbers[2]}: where in the body a binding failed. */
  private static String path(JsonMappingException e) {
    StringBuilder out = new StringBuilder();
    for (JsonMappingException.Reference r : e.getPath()) {
      if (r.getFieldName() != null) {
        out.append(out.isEmpty() ? "" : ".").append(r.getFieldName());
      } else {
        out.append('[').append(r.getIndex()).append(']');
      }
    }
    return out.toString();
  }

  private static String expected(Class<?> type) {
    if (type == null) {
      return "of another type";
    }
    if (type == Integer.class || type == int.class) {
      return "a whole number";
    }
    if (type == Boolean.class || type == boolean.class) {
      return "true or false";
    }
    if (BigDecimal.class.isAssignableFrom(type)) {
      return "a number";
    }
    if (List.class.isAssignableFrom(type)) {
      return "a list";
    }
    return type == String.class ? "a string" : "an object";
  }

  // ---- reading requests

  private static String required(String field, String value) {
    if (value == null || value.isBlank()) {
      TransferApi.badField(field + ": missing");
    }
    return value;
  }

  private static int within(String field, Integer value, int absent, int min, int max) {
    if (value == null) {
      return absent;
    }
    if (value < min || value > max) {
      TransferApi.badField(field + ": must be a whole number in " + min + ".." + max);
    }
    return value;
  }

  private static <T> T choice(
      String field, String text, T absent, Function<String, Optional<T>> of, String allowed) {
    if (text == null) {
      return absent;
    }
    return of.apply(text)
        .orElseThrow(() -> fieldProblem(field + ": '" + text + "' is not " + allowed));
  }

  private static ZoneId zone(String text) {
    if (text == null) {
      return java.time.ZoneOffset.UTC;
    }
    try {
      return ZoneId.of(text);
    } catch (DateTimeException e) {
      throw fieldProblem("timeZone: '" + text + "' is not a time zone (e.g. America/New_York)");
    }
  }

  /** A number in E.164 (national forms read in the default region), or 400 naming the field. */
  private String number(String field, String text) {
    return numbers
        .toE164(text)
        .orElseThrow(() -> fieldProblem(field + ": '" + text + "' is not a phone number"));
  }

  /** Where calls may go: a number (normalised to E.164) or a SIP URI. */
  private String destination(String field, String text) {
    if (text.startsWith("sip:") || text.startsWith("sips:")) {
      if (!SIP_URI.matcher(text).matches()) {
        throw fieldProblem(field + ": '" + text + "' is not a SIP URI");
      }
      return text;
    }
    return numbers
        .toE164(text)
        .orElseThrow(
            () ->
                fieldProblem(field + ": '" + text + "' is neither a phone number nor a sip: URI"));
  }

  private static String name(String field, String text) {
    if (!NAME.matcher(text).matches()) {
      throw fieldProblem(
          field + ": '" + text + "' is not a name (letters, digits, _ . -; at most 64)");
    }
    return text;
  }

  private static int queryInt(Context ctx, String name, int absent, int min, int max) {
    String text = ctx.queryParam(name);
    if (text == null) {
      return absent;
    }
    try {
      int value = Integer.parseInt(text);
      if (value >= min && value <= max) {
        return value;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw invalidParameter(name + ": '" + text + "' is not a number in " + min + ".." + max);
  }

  private static TransferApi.ProblemException fieldProblem(String detail) {
    return new TransferApi.ProblemException(ProblemType.INVALID_FIELD, detail);
  }

  private static TransferApi.ProblemException invalidParameter(String detail) {
    return new TransferApi.ProblemException(ProblemType.INVALID_PARAMETER, detail);
  }

  // ---- answers

  private static <T> T found(Optional<T> value, String what) {
    return value.orElseThrow(
        () -> new TransferApi.ProblemException(ProblemType.NOT_FOUND, "no " + what));
  }

  private static void gone(Context ctx, boolean deleted, String what) {
    if (!deleted) {
      throw new TransferApi.ProblemException(ProblemType.NOT_FOUND, "no " + what);
    }
    ctx.status(HttpStatus.NO_CONTENT);
  }

  private void respond(Context ctx, HttpStatus status, Object body) throws JsonProcessingException {
    ctx.status(status).contentType("application/json").result(json.writeValueAsBytes(body));
  }
}
