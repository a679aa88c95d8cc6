package io.baton.transfer;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.baton.contract.ReferKeys;
import io.baton.registry.CallRegistry;
import io.baton.routing.Numbers;
import io.baton.sip.HostPort;
import io.baton.sip.PeerNames;
import io.baton.store.ApiKeys;
import io.baton.store.Carriers;
import io.baton.store.Database;
import io.baton.store.Directory;
import io.baton.store.RateDecks;
import io.baton.store.TransferPolicies;
import io.javalin.Javalin;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import javax.sip.SipException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The transfer server (docs/design.md, "The network"): the REST API on {@code transfer.http}, the
 * SIP user agent on {@code transfer.sip} that sends each transfer's out-of-dialog REFER and follows
 * its NOTIFYs, and the publication of every transfer and call state change (event streams,
 * webhooks).
 */
public final class TransferServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(TransferServer.class);

  /** How often old idempotency keys and forgotten calls are cleared. */
  static final Duration HOUSEKEEPING = Duration.ofMinutes(1);

  private final TransferUserAgent userAgent;
  private final TransferService service;
  private final EventStreams streams;
  private final CallEvents callEvents;
  private final CallWatch watch;
  private final Metrics metrics;
  private final Ladders ladders;
  private final WebhookDeliverer deliverer;
  private final ScheduledFuture<?> housekeeping;
  private final Javalin http;
  private final TransferApi api;
  private final List<String> routes;

  private TransferServer(
      TransferUserAgent userAgent,
      TransferService service,
      EventStreams streams,
      CallEvents callEvents,
      CallWatch watch,
      Metrics metrics,
      Ladders ladders,
      WebhookDeliverer deliverer,
      ScheduledFuture<?> housekeeping,
      Javalin http,
      TransferApi api,
      List<String> routes) {
    this.userAgent = userAgent;
    this.service = service;
    this.streams = streams;
    this.callEvents = callEvents;
    this.watch = watch;
    this.metrics = metrics;
    this.ladders = ladders;
    this.deliverer = deliverer;
    this.housekeeping = housekeeping;
    this.http = http;
    this.api = api;
    this.routes = routes;
  }

  /**
   * Starts every part. Transfers a previous run left unfinished are taken up (their NOTIFYs
   * followed again, and ended as the call's legs show; {@link TransferRecovery}), and webhook
   * deliveries it left are resumed.
   *
   * @param name the element's name in logs and SIP traces
   * @param registry where the elements publish calls and legs; its changes become {@code
   *     call.updated} events
   * @param db tenants, API keys, DIDs, targets, webhooks, and the transfers, keys and outbox
   * @param numbers reads phone numbers in {@code to} and in targets
   * @param clock stamps every transition and event, refills rate limits, times retries
   * @param scheduler runs each transfer's timers, webhook retries and housekeeping (never blocked:
   *     the work itself runs on virtual threads)
   * @throws SipException if the SIP address cannot be bound
   */
  public static TransferServer start(
      String name,
      TransferServerConfig config,
      CallRegistry registry,
      Database db,
      Numbers numbers,
      Clock clock,
      ScheduledExecutorService scheduler)
      throws SipException {
    return start(name, config, registry, db, numbers, Map.of(), clock, scheduler);
  }

  /**
   * Starts every part, naming the elements of SIP messages in ladder diagrams by {@code network}
   * and refusing transfers to any of them but {@code transfer.policy.outsideNetwork}.
   *
   * @param network the {@code network:} block: every element's name and address
   * @throws IllegalArgumentException if {@code transfer.policy.outsideNetwork} names something
   *     {@code network} does not
   */
  public static TransferServer start(
      String name,
      TransferServerConfig config,
      CallRegistry registry,
      Database db,
      Numbers numbers,
      Map<String, HostPort> network,
      Clock clock,
      ScheduledExecutorService scheduler)
      throws SipException {
    if (config.secrets() == null) {
      throw new IllegalArgumentException("transfer.secrets: missing");
    }
    Optional<ReferKeys> referSigner = config.referSigning().keyRing("transfer.referSigning");
    PeerNames peers = new PeerNames(network);
    NetworkElements elements =
        NetworkElements.of(withOwnApi(network, config), config.policy(), NetworkElements.SYSTEM);
    ObjectMapper json = TransferApi.objectMapper();
    TransferStore store = new TransferStore(db);
    Directory directory = new Directory(db);
    Webhooks webhooks = new Webhooks(db, config.secrets().cipher());
    webhooks.sealStored();
    WebhookTargets targets =
        new WebhookTargets(
            config.webhooks().allowHttpHosts(),
            config.webhooks().allowPrivate(),
            ownAddresses(config),
            WebhookTargets.systemResolver());
    WebhookOutbox outbox = new WebhookOutbox(db);
    WebhookDeliverer deliverer =
        new WebhookDeliverer(outbox, webhooks, config.webhooks(), targets, clock, scheduler);
    EventStreams streams = new EventStreams();
    Events events = new Events(db, webhooks, outbox, streams, deliverer::wake, json, clock);
    TransferUserAgent userAgent = new TransferUserAgent(referSigner, clock);
    Metrics metrics = new Metrics(clock);
    if (config.capture().enabled()) {
      metrics.start();
    }
    TransferService service =
        new TransferService(
            registry,
            directory,
            store,
            new IdempotencyKeys(db),
            events,
            numbers,
            new PolicyCheck(
                new TransferPolicies(db),
                new RoutingData(directory, new Carriers(db), new RateDecks(db), clock),
                elements),
            new TransferCounters(clock),
            userAgent,
            metrics,
            config,
            json,
            clock,
            scheduler);
    deliverer.start();
    CallEvents callEvents = new CallEvents(registry, directory, store, events, clock);
    CdrStore cdrs = new CdrStore(db, store);
    CallWatch watch =
        new CallWatch(registry)
            // before the CDR writer: a recovered transfer ends before its call's record is written
            .observe(service::callChanged)
            .observe(callEvents)
            .observe(metrics)
            .observe(
                new CdrWriter(
                    registry,
                    directory,
                    store,
                    cdrs,
                    new RateDecks(db),
                    config.cdrs(),
                    clock,
                    scheduler));
    watch.start();
    int recovered = service.recover(); // after watch.start(): no change of their calls is missed
    if (recovered > 0) {
      LOG.warn("{}: took up {} transfers left unfinished by the previous run", name, recovered);
    }
    Ladders ladders = new Ladders(config.capture());
    if (config.capture().enabled()) {
      ladders.start();
    }
    long every = HOUSEKEEPING.toMillis();
    ScheduledFuture<?> housekeeping =
        scheduler.scheduleWithFixedDelay(
            () ->
                Thread.ofVirtual()
                    .name("transfer-housekeeping")
                    .start(() -> tidy(service, callEvents)),
            every,
            every,
            TimeUnit.MILLISECONDS);
    try {
      userAgent.start(name, config.sip(), service);
      TransferServerConfig.Clients clients = config.clients();
      TransferApi api =
          new TransferApi(
              service,
              new ApiKeys(db, clock, config.keyCache().ttl(), config.keyCache().size()),
              new TransferApi.Limits(
                  new RateLimiter(clients.requests(), clients.tracked(), clock),
                  new RateLimiter(clients.failedAuth(), clients.tracked(), clock),
                  new RateLimiter(config.rateLimit(), clients.tracked(), clock)),
              numbers,
              config,
              webhooks,
              targets,
              streams,
              new OperatorApi(
                  service,
                  cdrs,
                  ladders,
                  new EventTokens(clock),
                  metrics,
                  peers,
                  directory,
                  json,
                  clock),
              new AdminApi(db, numbers, json),
              json);
      Javalin http = api.create().start();
      List<String> routes = api.routes().stream().map(r -> r.method() + " " + r.path()).toList();
      LOG.info("{}: API on {} {}", name, api.listening(), routes);
      return new TransferServer(
          userAgent,
          service,
          streams,
          callEvents,
          watch,
          metrics,
          ladders,
          deliverer,
          housekeeping,
          http,
          api,
          routes);
    } catch (RuntimeException | SipException e) {
      housekeeping.cancel(false);
      watch.close();
      ladders.close();
      metrics.close();
      deliverer.close();
      service.stop();
      userAgent.close();
      throw e;
    }
  }

  /** Where this server listens: a webhook may never point there. */
  /**
   * The network's elements and this server's own API: a {@code sip:} target there would have
   * SBC-edge send SIP at an HTTP server (a cross-protocol request from inside the network).
   */
  private static Map<String, HostPort> withOwnApi(
      Map<String, HostPort> network, TransferServerConfig config) {
    Map<String, HostPort> elements = new java.util.LinkedHashMap<>(network);
    if (config.http() != null) {
      elements.putIfAbsent("transfer API", config.http());
    }
    if (config.https() != null) {
      elements.putIfAbsent("transfer API (HTTPS)", config.https().listen());
    }
    return elements;
  }

  private static List<HostPort> ownAddresses(TransferServerConfig config) {
    List<HostPort> own = new java.util.ArrayList<>();
    own.add(config.sip().listen());
    if (config.http() != null) {
      own.add(config.http());
    }
    if (config.https() != null) {
      own.add(config.https().listen());
    }
    return own;
  }

  private static void tidy(TransferService service, CallEvents callEvents) {
    try {
      int purged = service.purgeKeys();
      if (purged > 0) {
        LOG.info("forgot {} idempotency keys", purged);
      }
      callEvents.prune();
    } catch (RuntimeException e) {
      LOG.error("housekeeping failed", e);
    }
  }

  /**
   * The port the API listens on over plain HTTP (the configured one, or the one picked for port 0),
   * or -1 if it is served over HTTPS only.
   */
  public int httpPort() {
    return api.httpPort();
  }

  /** The port the API listens on over HTTPS, or -1 if it has no {@code transfer.https}. */
  public int httpsPort() {
    return api.httpsPort();
  }

  /** Where the API looks keys up. */
  ApiKeys apiKeys() {
    return api.apiKeys();
  }

  /** Where the SIP user agent listens. */
  public HostPort sipAddress() {
    return userAgent.address();
  }

  /** The metrics served at {@code /metrics}, e.g. to report an SBC's relay ports. */
  public Metrics metrics() {
    return metrics;
  }

  /** Every route the API serves, as {@code METHOD /path}. */
  public List<String> routes() {
    return routes;
  }

  @Override
  public void close() {
    try {
      streams.close(); // event streams end, so the HTTP server stops without waiting for them
      http.stop();
    } finally {
      housekeeping.cancel(false);
      watch.close();
      ladders.close();
      metrics.close();
      deliverer.close();
      service.stop();
      userAgent.close();
    }
  }
}
