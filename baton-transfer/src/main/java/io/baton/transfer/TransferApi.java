package io.baton.transfer;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.baton.contract.SecretRef;
import io.baton.routing.Numbers;
import io.baton.sip.HostPort;
import io.baton.store.ApiKeys;
import io.baton.store.Principal;
import io.baton.store.WebhookSeed;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.http.HttpResponseException;
import io.javalin.http.HttpStatus;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The REST API (README "The API", docs/transfers.md) on Javalin. Handlers stay thin: parse the
 * request, ask the {@link TransferService}, map its outcome to a status. Every error is an RFC 9457
 * problem; no stack trace or HTML page ever leaves the server.
 */
final class TransferApi {
  private static final Logger LOG = LoggerFactory.getLogger(TransferApi.class);
  private static final String JSON = "application/json";
  private static final Set<String> CALL_STATES = Set.of("trying", "ringing", "active", "ended");
  private static final int DEFAULT_LIMIT = 100;
  private static final int MAX_LIMIT = 1000;
  static final String IDEMPOTENCY_KEY = "Idempotency-Key";
  static final String ACCESS_TOKEN = "access_token";
  private static final String EVENTS = "/v1/events";
  private static final int MAX_IDEMPOTENCY_KEY = 200;
  private static final Pattern PRINTABLE = Pattern.compile("[\\x20-\\x7e]+");
  private static final Set<String> WEBHOOK_FIELDS = Set.of("url", "secret");
  private static final SecureRandom RANDOM = new SecureRandom();

  /** One endpoint; {@code authenticated} ones need a Bearer key and count against its rate. */
  record Route(HandlerType method, String path, boolean authenticated, ApiHandler handler) {}

  /**
   * The request limits, checked in this order: per client address (every request), failed
   * authentications per client address (before a key is looked up), per API key (after).
   */
  record Limits(RateLimiter clients, RateLimiter failedAuth, RateLimiter keys) {}

  /** A handler that knows who is asking (null on public routes). */
  @FunctionalInterface
  interface ApiHandler {
    void handle(Context ctx, Principal who) throws Exception;
  }

  /** Ends a request early with a problem (bad key, rate limit, bad input). */
  static final class ProblemException extends RuntimeException {
    private final ProblemType type;

    ProblemException(ProblemType type, String detail) {
      super(detail, null, false, false);
      this.type = type;
    }
  }

  private final TransferService service;
  private final ApiKeys keys;
  private final Limits limits;
  private final Numbers numbers;
  private final TransferServerConfig config;
  private final Webhooks webhooks;
  private final WebhookTargets webhookTargets;
  private final EventStreams streams;
  private final OperatorApi operator;
  private final AdminApi admin;
  private final ObjectMapper json;
  private final byte[] openApi = openApiDocument();
  private volatile ServerConnector plain;
  private volatile ServerConnector secured;

  TransferApi(
      TransferService service,
      ApiKeys keys,
      Limits limits,
      Numbers numbers,
      TransferServerConfig config,
      Webhooks webhooks,
      WebhookTargets webhookTargets,
      EventStreams streams,
      OperatorApi operator,
      AdminApi admin,
      ObjectMapper json) {
    this.service = service;
    this.keys = keys;
    this.limits = limits;
    this.numbers = numbers;
    this.config = config;
    this.webhooks = webhooks;
    this.webhookTargets = webhookTargets;
    this.streams = streams;
    this.operator = operator;
    this.admin = admin;
    this.json = json;
  }

  /** Every route the API serves; the OpenAPI document lists each one. */
  List<Route> routes() {
    return java.util.stream.Stream.of(own(), operator.routes(), admin.routes())
        .flatMap(List::stream)
        .toList();
  }

  private List<Route> own() {
    return List.of(
        new Route(HandlerType.POST, "/v1/calls/{callId}/transfer", true, this::postTransfer),
        new Route(HandlerType.GET, "/v1/transfers/{transferId}", true, this::getTransfer),
        new Route(HandlerType.GET, "/v1/calls", true, this::listCalls),
        new Route(HandlerType.GET, "/v1/calls/{callId}", true, this::getCall),
        new Route(HandlerType.GET, EVENTS, true, this::getEvents),
        new Route(HandlerType.PUT, "/v1/webhook", true, this::putWebhook),
        new Route(HandlerType.GET, "/v1/webhook", true, this::getWebhook),
        new Route(HandlerType.DELETE, "/v1/webhook", true, this::deleteWebhook),
        new Route(HandlerType.GET, "/v1/openapi.json", false, this::getOpenApi),
        new Route(HandlerType.GET, "/health", false, this::getHealth));
  }

  /**
   * A server with every route and error mapping, not yet started, listening on {@code
   * transfer.http} and (over TLS) on {@code transfer.https}, whichever are set.
   */
  Javalin create() {
    SslContextFactory.Server tls = config.https() == null ? null : tls(config.https());
    return Javalin.create(
        cfg -> {
          cfg.startup.showJavalinBanner = false;
          cfg.concurrency.useVirtualThreads = true;
          cfg.jetty.modifyServer(server -> server.setErrorHandler(new ProblemErrorHandler(json)));
          if (config.http() != null) {
            cfg.jetty.addConnector(
                (server, http) -> {
                  plain =
                      listen(
                          new ServerConnector(server, new HttpConnectionFactory(http)),
                          config.http());
                  return plain;
                });
          }
          if (tls != null) {
            cfg.jetty.addConnector(
                (server, http) -> {
                  HttpConfiguration secure = new HttpConfiguration(http);
                  secure.addCustomizer(new SecureRequestCustomizer());
                  secured =
                      listen(
                          new ServerConnector(
                              server,
                              new SslConnectionFactory(tls, HttpVersion.HTTP_1_1.asString()),
                              new HttpConnectionFactory(secure)),
                          config.https().listen());
                  return secured;
                });
          }
          for (Route route :
              java.util.stream.Stream.concat(routes().stream(), operator.pages().stream())
                  .toList()) {
            cfg.routes.addHttpHandler(
                route.method(), route.path(), ctx -> route.handler().handle(ctx, who(route, ctx)));
          }
          cfg.routes.exception(
              ProblemException.class, (e, ctx) -> problem(ctx, e.type, e.getMessage()));
          // Javalin's own answers (no such route: 404; body too large: 413) as problems too.
          cfg.routes.exception(
              HttpResponseException.class,
              (e, ctx) ->
                  write(
                      ctx,
                      e.getStatus() == 404
                          ? ProblemType.NOT_FOUND.at(
                              ctx.path(), "no route " + ctx.method() + " " + ctx.path())
                          : new Problem(
                              "about:blank",
                              HttpStatus.forStatus(e.getStatus()).getMessage(),
                              e.getStatus(),
                              e.getMessage(),
                              ctx.path())));
          cfg.routes.exception(
              Exception.class,
              (e, ctx) -> {
                LOG.error("{} {} failed", ctx.method(), ctx.path(), e);
                problem(
                    ctx, ProblemType.INTERNAL_ERROR, "the server could not handle this request");
              });
        });
  }

  private static ServerConnector listen(ServerConnector connector, HostPort at) {
    connector.setHost(at.host());
    connector.setPort(at.port());
    return connector;
  }

  /** The server's TLS context: its key store, checked here so a problem names its key. */
  private static SslContextFactory.Server tls(TransferServerConfig.Https https) {
    Path keyStore = Path.of(https.keyStore());
    if (!Files.isReadable(keyStore)) {
      throw new IllegalArgumentException(
          "transfer.https.keyStore: cannot read " + keyStore.toAbsolutePath());
    }
    String password =
        new String(
            SecretRef.resolve("transfer.https.password", https.password()), StandardCharsets.UTF_8);
    try (InputStream in = Files.newInputStream(keyStore)) {
      KeyStore.getInstance("PKCS12").load(in, password.toCharArray());
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException(
          "transfer.https.keyStore: "
              + keyStore
              + " does not open with transfer.https.password ("
              + e.getMessage()
              + ")");
    }
    SslContextFactory.Server tls = new SslContextFactory.Server();
    tls.setKeyStorePath(keyStore.toAbsolutePath().toString());
    tls.setKeyStorePassword(password);
    return tls;
  }

  /** Where API keys are looked up (tests count the lookups that reached the database). */
  ApiKeys apiKeys() {
    return keys;
  }

  /** The port plain HTTP is served on, or -1 if none. */
  int httpPort() {
    return plain == null ? -1 : plain.getLocalPort();
  }

  /** The port HTTPS is served on, or -1 if none. */
  int httpsPort() {
    return secured == null ? -1 : secured.getLocalPort();
  }

  /** {@code http://127.0.0.1:8080, https://127.0.0.1:8443}: where the started server listens. */
  String listening() {
    List<String> urls = new java.util.ArrayList<>();
    if (plain != null) {
      urls.add("http://" + new HostPort(plain.getHost(), plain.getLocalPort()));
    }
    if (secured != null) {
      urls.add("https://" + new HostPort(secured.getHost(), secured.getLocalPort()));
    }
    return String.join(", ", urls);
  }

  // ---- handlers: parse → service → outcome

  private void postTransfer(Context ctx, Principal who) throws JsonProcessingException {
    Optional<String> key = idempotencyKey(ctx.header(IDEMPOTENCY_KEY));
    TransferRequest request =
        switch (TransferRequest.parse(ctx.body(), json, numbers, config)) {
          case TransferRequest.Parsed.Valid v -> v.request();
          case TransferRequest.Parsed.Invalid i -> throw new ProblemException(i.type(), i.detail());
        };
    String callRef = ctx.pathParam("callId");
    switch (service.request(who, callRef, request, key)) {
      case TransferService.Outcome.Accepted a -> {
        ctx.header("Location", "/v1/transfers/" + a.transfer().id());
        respond(ctx, HttpStatus.ACCEPTED, a.transfer());
      }
      case TransferService.Outcome.Replayed r -> {
        ctx.header("Location", "/v1/transfers/" + r.transferId());
        ctx.status(HttpStatus.ACCEPTED)
            .contentType(JSON)
            .result(r.body().getBytes(StandardCharsets.UTF_8));
      }
      case TransferService.Outcome.KeyReused r ->
          problem(
              ctx,
              ProblemType.IDEMPOTENCY_KEY_REUSED,
              IDEMPOTENCY_KEY
                  + ": '"
                  + r.key()
                  + "' was used for a different request within the last "
                  + human(config.idempotencyWindow()));
      case TransferService.Outcome.CallNotFound n ->
          problem(ctx, ProblemType.CALL_NOT_FOUND, "no call '" + n.callRef() + "'");
      case TransferService.Outcome.CallEnded e ->
          problem(ctx, ProblemType.CALL_ENDED, "call " + e.callId() + " has ended");
      case TransferService.Outcome.CallNotAnswered n ->
          problem(
              ctx,
              ProblemType.CALL_NOT_ANSWERED,
              "call " + n.callId() + " is " + n.state() + ": only an answered call can move");
      case TransferService.Outcome.InFlight f ->
          problem(
              ctx,
              ProblemType.TRANSFER_IN_FLIGHT,
              "call " + f.callId() + " is already being transferred by " + f.transferId());
      case TransferService.Outcome.TargetNotAllowed t ->
          problem(
              ctx,
              ProblemType.TARGET_NOT_ALLOWED,
              t.field() + ": target:" + t.name() + " is not one of your targets");
      case TransferService.Outcome.PolicyRefused r ->
          problem(
              ctx,
              ProblemType.TRANSFER_POLICY,
              r.detail(),
              Map.of("rule", r.rule().wire())); // which rule, for clients (RFC 9457 §3.2)
      case TransferService.Outcome.TargetUnusable u -> {
        LOG.error(
            "target {} leads to '{}', neither a number nor a SIP URI", u.name(), u.destination());
        problem(
            ctx,
            ProblemType.INTERNAL_ERROR,
            "target:" + u.name() + " is configured with an unusable destination");
      }
    }
  }

  private void getTransfer(Context ctx, Principal who) throws JsonProcessingException {
    String id = ctx.pathParam("transferId");
    Optional<TransferView> transfer = service.transfer(who, id);
    if (transfer.isEmpty()) {
      problem(ctx, ProblemType.TRANSFER_NOT_FOUND, "no transfer '" + id + "'");
      return;
    }
    respond(ctx, HttpStatus.OK, transfer.get());
  }

  private void getCall(Context ctx, Principal who) throws JsonProcessingException {
    String ref = ctx.pathParam("callId");
    Optional<CallView> call = service.call(who, ref);
    if (call.isEmpty()) {
      problem(ctx, ProblemType.CALL_NOT_FOUND, "no call '" + ref + "'");
      return;
    }
    respond(ctx, HttpStatus.OK, call.get());
  }

  private void listCalls(Context ctx, Principal who) throws JsonProcessingException {
    Optional<String> state = Optional.ofNullable(ctx.queryParam("state"));
    if (state.isPresent() && !CALL_STATES.contains(state.get())) {
      throw new ProblemException(
          ProblemType.INVALID_PARAMETER,
          "state: '" + state.get() + "' is not trying, ringing, active or ended");
    }
    int limit = limit(ctx.queryParam("limit"));
    respond(ctx, HttpStatus.OK, Map.of("items", service.calls(who, state, limit)));
  }

  /**
   * {@code GET /v1/events}: Server-Sent Events (HTML Living Standard §9.2), one per state change
   * the principal may see, {@code id:} the event id, {@code event:} its type, {@code data:} the
   * resource. A comment line every {@code eventHeartbeat} keeps an idle stream open. The handler
   * runs on its own virtual thread until the client leaves or the server closes.
   */
  private void getEvents(Context ctx, Principal who) {
    HttpServletResponse res = ctx.res();
    res.setStatus(HttpStatus.OK.getCode());
    res.setContentType("text/event-stream;charset=utf-8");
    res.setHeader("Cache-Control", "no-store");
    try (EventStreams.Subscription subscription = streams.subscribe(who)) {
      OutputStream out = res.getOutputStream();
      send(out, ": events of " + (who.admin() ? "every tenant" : who.tenantId()) + "\n\n");
      while (true) {
        Event e = subscription.next(config.eventHeartbeat());
        send(
            out,
            e == null
                ? ":\n\n"
                : "id: " + e.id() + "\nevent: " + e.type() + "\ndata: " + e.data() + "\n\n");
      }
    } catch (EventStreams.Ended | IOException e) {
      // the server is closing, this client fell too far behind, or it went away
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void send(OutputStream out, String text) throws IOException {
    out.write(text.getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  /**
   * {@code PUT /v1/webhook {"url", "secret"}}: sets the tenant's webhook. Without a secret one is
   * generated and shown in this answer only.
   */
  private void putWebhook(Context ctx, Principal who) throws JsonProcessingException {
    String tenant = tenantOf(who);
    JsonNode body = object(ctx.body());
    for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!WEBHOOK_FIELDS.contains(name)) {
        throw new ProblemException(
            ProblemType.INVALID_FIELD, name + ": unknown field (expected url, secret)");
      }
    }
    String url = text(body, "url");
    webhookTargets.problem(url).ifPresent(TransferApi::badField);
    String given = text(body, "secret");
    String secret = given == null ? newSecret() : given;
    WebhookSeed.secretProblem(secret).ifPresent(p -> badField("secret: " + p));
    webhooks.put(tenant, url, secret);
    Map<String, String> answer = new LinkedHashMap<>();
    answer.put("url", url);
    if (given == null) {
      answer.put("secret", secret);
    }
    respond(ctx, HttpStatus.OK, answer);
  }

  private void getWebhook(Context ctx, Principal who) throws JsonProcessingException {
    String tenant = tenantOf(who);
    Optional<Webhooks.Webhook> webhook = webhooks.find(tenant);
    if (webhook.isEmpty()) {
      problem(ctx, ProblemType.WEBHOOK_NOT_FOUND, tenant + " has no webhook");
      return;
    }
    respond(ctx, HttpStatus.OK, Map.of("url", webhook.get().url()));
  }

  private void deleteWebhook(Context ctx, Principal who) {
    String tenant = tenantOf(who);
    if (webhooks.delete(tenant)) {
      ctx.status(HttpStatus.NO_CONTENT);
    } else {
      problem(ctx, ProblemType.WEBHOOK_NOT_FOUND, tenant + " has no webhook");
    }
  }

  private static String tenantOf(Principal who) {
    if (who.tenantId() == null) {
      throw new ProblemException(
          ProblemType.TENANT_REQUIRED, "a webhook belongs to a tenant: use one of its API keys");
    }
    return who.tenantId();
  }

  private JsonNode object(String body) {
    return object(json, body);
  }

  /** {@code body} as a JSON object, or a 400 problem saying why not. */
  static JsonNode object(ObjectMapper json, String body) {
    try {
      JsonNode root = body == null || body.isBlank() ? null : json.readTree(body);
      if (root != null && root.isObject()) {
        return root;
      }
    } catch (JacksonException e) {
      throw new ProblemException(ProblemType.MALFORMED_BODY, "the body is not valid JSON");
    }
    throw new ProblemException(ProblemType.MALFORMED_BODY, "the body must be a JSON object");
  }

  /** The string {@code field} of {@code object}; null if absent or null. */
  static String text(JsonNode object, String field) {
    JsonNode node = object.path(field);
    if (node.isMissingNode() || node.isNull()) {
      return null;
    }
    if (!node.isTextual()) {
      badField(field + ": must be a string");
    }
    return node.asText();
  }

  static void badField(String detail) {
    throw new ProblemException(ProblemType.INVALID_FIELD, detail);
  }

  private static String newSecret() {
    byte[] bytes = new byte[24];
    RANDOM.nextBytes(bytes);
    return "whsec_" + HexFormat.of().formatHex(bytes);
  }

  /** The {@code Idempotency-Key} header: 1 to 200 printable ASCII characters, if present. */
  private static Optional<String> idempotencyKey(String header) {
    if (header == null) {
      return Optional.empty();
    }
    if (header.isBlank()
        || header.length() > MAX_IDEMPOTENCY_KEY
        || !PRINTABLE.matcher(header).matches()) {
      throw new ProblemException(
          ProblemType.INVALID_HEADER,
          IDEMPOTENCY_KEY
              + ": must be 1 to "
              + MAX_IDEMPOTENCY_KEY
              + " printable ASCII characters");
    }
    return Optional.of(header);
  }

  /** {@code 24 h}, {@code 90 min}, {@code 45 s}. */
  private static String human(Duration d) {
    if (d.toSeconds() % 3600 == 0) {
      return d.toHours() + " h";
    }
    return d.toSeconds() % 60 == 0 ? d.toMinutes() + " min" : d.toSeconds() + " s";
  }

  private void getOpenApi(Context ctx, Principal who) {
    ctx.contentType(JSON).result(openApi);
  }

  private void getHealth(Context ctx, Principal who) throws JsonProcessingException {
    respond(ctx, HttpStatus.OK, Map.of("status", "up"));
  }

  // ---- authentication, rate limit, writing

  /**
   * The principal behind the request's Bearer key (RFC 6750 §3), within the limits: the client
   * address's rate first, so a flood is turned away before it costs a key lookup; then, on routes
   * that need a key, the address's failed authentications, so guessing keys stays slow however many
   * are tried; then the key's own rate.
   */
  private Principal who(Route route, Context ctx) {
    String client = ClientAddress.key(ctx.req().getRemoteAddr());
    limit(
        ctx,
        limits.clients().acquire(client),
        "requests from " + client + " are limited to " + rate(config.clients().requests()));
    if (!route.authenticated()) {
      return null;
    }
    limit(
        ctx,
        limits.failedAuth().check(client),
        "too many failed authentications from "
            + client
            + ", limited to "
            + rate(config.clients().failedAuth()));
    String key = bearerKey(ctx.header("Authorization"));
    String token = key == null ? ctx.queryParam(ACCESS_TOKEN) : null;
    boolean byToken = token != null && route.path().equals(EVENTS);
    Optional<Principal> who =
        byToken
            ? operator.tokens().redeem(token)
            : key == null ? Optional.empty() : keys.authenticate(key);
    if (who.isEmpty()) {
      if (key != null || byToken) {
        limits.failedAuth().acquire(client);
      }
      if (byToken) {
        throw new ProblemException(
            ProblemType.UNAUTHORIZED,
            "access_token: unknown, expired or already used; get a new one with POST"
                + " /v1/event-tokens");
      }
      ctx.header(
          "WWW-Authenticate",
          key == null
              ? "Bearer realm=\"baton\""
              : "Bearer realm=\"baton\", error=\"invalid_token\"");
      throw new ProblemException(
          ProblemType.UNAUTHORIZED,
          key == null ? "send Authorization: Bearer <API key>" : "the API key is not known");
    }
    if (key != null) {
      limit(
          ctx,
          limits.keys().acquire(ApiKeys.hash(key)),
          "this API key is limited to " + rate(config.rateLimit()));
    }
    return who.get();
  }

  /** Ends the request with {@code 429} and {@code Retry-After} if it has to {@code wait}. */
  private static void limit(Context ctx, Optional<Duration> wait, String limited) {
    if (wait.isPresent()) {
      long seconds = Math.max(1, (wait.get().toMillis() + 999) / 1000);
      ctx.header("Retry-After", Long.toString(seconds));
      throw new ProblemException(
          ProblemType.RATE_LIMITED, limited + "; retry in " + seconds + " s");
    }
  }

  /** {@code 20/s (bursts of 40)}; below one a second, per minute. */
  private static String rate(TransferServerConfig.RateLimit limit) {
    String rate =
        limit.perSecond() >= 1
            ? trim(limit.perSecond()) + "/s"
            : trim(limit.perSecond() * 60) + "/min";
    return rate + " (bursts of " + limit.burst() + ")";
  }

  private static String trim(double d) {
    return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
  }

  static String bearerKey(String authorization) {
    if (authorization == null) {
      return null;
    }
    String[] parts = authorization.strip().split("\\s+", 2);
    if (parts.length != 2 || !parts[0].equalsIgnoreCase("Bearer") || parts[1].isBlank()) {
      return null;
    }
    return parts[1];
  }

  static int limit(String text) {
    if (text == null) {
      return DEFAULT_LIMIT;
    }
    try {
      int limit = Integer.parseInt(text);
      if (limit >= 1 && limit <= MAX_LIMIT) {
        return limit;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new ProblemException(
        ProblemType.INVALID_PARAMETER, "limit: '" + text + "' is not a number in 1.." + MAX_LIMIT);
  }

  private void respond(Context ctx, HttpStatus status, Object body) throws JsonProcessingException {
    ctx.status(status).contentType(JSON).result(json.writeValueAsBytes(body));
  }

  private void problem(Context ctx, ProblemType type, String detail) {
    write(ctx, type.at(ctx.path(), detail));
  }

  /** A problem with extension members after the standard ones (RFC 9457 §3.2). */
  static void problem(
      Context ctx, ObjectMapper json, Problem problem, Map<String, Object> extensions)
      throws JsonProcessingException {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("type", problem.type());
    body.put("title", problem.title());
    body.put("status", problem.status());
    body.put("detail", problem.detail());
    body.put("instance", problem.instance());
    body.putAll(extensions);
    ctx.status(problem.status())
        .contentType(Problem.MEDIA_TYPE)
        .result(json.writeValueAsBytes(body));
  }

  private void problem(Context ctx, ProblemType type, String detail, Map<String, Object> extensions)
      throws JsonProcessingException {
    problem(ctx, json, type.at(ctx.path(), detail), extensions);
  }

  private void write(Context ctx, Problem problem) {
    try {
      ctx.status(problem.status())
          .contentType(Problem.MEDIA_TYPE)
          .result(json.writeValueAsBytes(problem));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write a problem", e);
    }
  }

  /**
   * JSON as the API writes it: ISO-8601 UTC timestamps, nulls kept (field names are the contract).
   */
  static ObjectMapper objectMapper() {
    return new ObjectMapper()
        .registerModule(new JavaTimeModule())
        .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
  }

  private static byte[] openApiDocument() {
    try (InputStream in = TransferApi.class.getResourceAsStream("openapi.json")) {
      if (in == null) {
        throw new IllegalStateException("openapi.json missing from the classpath");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new IllegalStateException("cannot read openapi.json", e);
    }
  }
}
