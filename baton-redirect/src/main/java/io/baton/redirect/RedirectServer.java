package io.baton.redirect;

import io.baton.contract.BatonHeaders;
import io.baton.contract.CallOrigin;
import io.baton.contract.MaxRate;
import io.baton.registry.CallRegistry;
import io.baton.routing.CarrierStatus;
import io.baton.routing.LeastCostRouter;
import io.baton.routing.Numbers;
import io.baton.sip.Admission;
import io.baton.sip.HostPort;
import io.baton.sip.InboundRequest;
import io.baton.sip.Messages;
import io.baton.sip.SipEndpoint;
import io.baton.sip.StackMode;
import io.baton.sip.TrustPolicy;
import io.baton.store.Carriers;
import io.baton.store.Database;
import io.baton.store.Directory;
import io.baton.store.RateDecks;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sip.InvalidArgumentException;
import javax.sip.SipException;
import javax.sip.header.ContactHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The redirect server (RFC 3261 §8.3): answers an INVITE for a dialled number with {@code 302 Moved
 * Temporarily} and the Contacts to try, best first (docs/architecture.md, call setup step 2).
 *
 * <p>It answers from an immutable in-memory {@link RoutingSnapshot} re-read from the database every
 * {@code reload} on a virtual thread (the rate decks only when their version changed): a SIP thread
 * never touches the database. A failed reload keeps the last good snapshot; with none at all,
 * INVITEs get {@code 503} with {@code Retry-After}. Carriers' gateways are pinged with OPTIONS
 * every {@code healthCheck.interval}; gateways down and carriers at their call limit (counted from
 * the call registry) are left out of routes.
 */
public final class RedirectServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RedirectServer.class);
  private static final List<String> ALLOW =
      List.of(Request.INVITE, Request.ACK, Request.CANCEL, Request.OPTIONS);

  private final String name;
  private final RedirectConfig config;
  private final Numbers numbers;
  private final Directory directory;
  private final Carriers carriers;
  private final RateDecks decks;
  private final Clock clock;
  private final GatewayHealth health;
  private final CarrierStatus status;
  private volatile RoutingSnapshot snapshot;
  private volatile SipEndpoint endpoint;
  private final List<ScheduledFuture<?>> periodic = new ArrayList<>();
  private final AtomicBoolean reloading = new AtomicBoolean();

  private RedirectServer(
      String name, RedirectConfig config, Database db, CallRegistry registry, Clock clock) {
    this.name = name;
    this.config = config;
    this.numbers = new Numbers(config.defaultRegion());
    this.directory = new Directory(db);
    this.carriers = new Carriers(db);
    this.decks = new RateDecks(db);
    this.clock = clock;
    this.health = new GatewayHealth(config.healthCheck().downAfter(), clock);
    CarrierLoad load = registry == null ? null : CarrierLoad.watch(registry);
    this.status =
        new CarrierStatus() {
          @Override
          public boolean up(String gateway) {
            return health.up(gateway);
          }

          @Override
          public int activeCalls(String carrier) {
            return load == null ? 0 : load.activeCalls(carrier);
          }
        };
  }

  /** Starts without counting carriers' calls (no concurrent-call limits). */
  public static RedirectServer start(
      String name,
      RedirectConfig config,
      Database db,
      Clock clock,
      ScheduledExecutorService scheduler)
      throws SipException {
    return start(name, config, db, null, clock, scheduler);
  }

  /**
   * Loads the routing data, starts listening and re-reads the data every {@code config.reload()} on
   * {@code scheduler}; pings the carriers' gateways every {@code healthCheck.interval}. It starts
   * even if the database cannot be read (answering 503 until it can).
   *
   * @param registry where legs through carriers are counted against their limits; null: no limits
   * @throws SipException if it cannot listen on {@code config.sip().listen()}
   */
  public static RedirectServer start(
      String name,
      RedirectConfig config,
      Database db,
      CallRegistry registry,
      Clock clock,
      ScheduledExecutorService scheduler)
      throws SipException {
    RedirectServer server = new RedirectServer(name, config, db, registry, clock);
    server.reload();
    server.endpoint =
        SipEndpoint.start(name, StackMode.TRANSACTIONS_ONLY, config.sip(), server::onRequest);
    server.endpoint.checkTrustOnArrival(config.trust());
    long every = config.reload().toMillis();
    server.periodic.add(
        scheduler.scheduleWithFixedDelay(
            server::reloadInBackground, every, every, TimeUnit.MILLISECONDS));
    if (config.healthCheck().enabled()) {
      long interval = config.healthCheck().interval().toMillis();
      server.periodic.add(
          scheduler.scheduleWithFixedDelay(
              server::pingGateways, interval, interval, TimeUnit.MILLISECONDS));
    }
    return server;
  }

  /**
   * Starts a reload on a virtual thread unless one is running: reading a large rate deck takes
   * seconds, and the scheduler's thread is shared with every element's timers.
   */
  private void reloadInBackground() {
    if (reloading.compareAndSet(false, true)) {
      Thread.ofVirtual()
          .name(name + "-reload")
          .start(
              () -> {
                try {
                  reload();
                } finally {
                  reloading.set(false);
                }
              });
    }
  }

  /** Re-reads DIDs and carriers, and the decks if changed; on failure keeps what it had. */
  private void reload() {
    RoutingSnapshot previous = snapshot;
    try {
      long version = decks.version();
      LeastCostRouter router;
      var all = carriers.carriers();
      long typical = config.typicalCall().toSeconds();
      if (previous != null && previous.deckVersion() == version) {
        router = new LeastCostRouter(all, previous.router().index(), typical);
      } else {
        long started = System.nanoTime();
        router = new LeastCostRouter(all, decks.index(), typical);
        LOG.info(
            "{}: rate decks version {} read: {} rows in {} ms",
            name,
            version,
            router.index().size(),
            (System.nanoTime() - started) / 1_000_000);
      }
      snapshot = RoutingSnapshot.of(directory.dids(), all, router, version, clock.instant());
      if (previous == null) {
        LOG.info(
            "{}: routing data loaded ({} DIDs, {} carriers, {} rates)",
            name,
            snapshot.dids().size(),
            snapshot.carriers().size(),
            router.index().size());
      }
    } catch (RuntimeException e) {
      if (previous == null) {
        LOG.error("{}: cannot read routing data; answering 503 until it can", name, e);
      } else {
        LOG.warn(
            "{}: cannot reload routing data ({}); still routing with data from {} ago",
            name,
            e.toString(),
            Duration.between(previous.loadedAt(), clock.instant()));
      }
    }
  }

  /**
   * One round of OPTIONS pings (RFC 3261 §11) to every gateway of every enabled carrier; any answer
   * but 408 counts as alive. Completes when every ping has an outcome.
   */
  CompletableFuture<Void> pingGateways() {
    RoutingSnapshot routes = snapshot;
    if (routes == null || endpoint == null) {
      return CompletableFuture.completedFuture(null);
    }
    Set<String> gateways = GatewayHealth.toPing(routes.carriers());
    health.retain(gateways);
    List<CompletableFuture<?>> pings = new ArrayList<>();
    for (String gateway : gateways) {
      pings.add(
          ping(gateway)
              .handle(
                  (response, failure) -> {
                    health.pinged(
                        gateway,
                        failure == null && response.getStatusCode() != Response.REQUEST_TIMEOUT);
                    return null;
                  }));
    }
    return CompletableFuture.allOf(pings.toArray(CompletableFuture[]::new));
  }

  private CompletableFuture<Response> ping(String gateway) {
    try {
      HostPort to = HostPort.parse(gateway);
      Request options =
          endpoint.request(Request.OPTIONS, endpoint.messages().uri(null, to)).build();
      return endpoint
          .send(options)
          .finalResponse()
          .orTimeout(config.healthCheck().timeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** The status least-cost routing sees now: gateway health and calls per carrier. */
  CarrierStatus status() {
    return status;
  }

  /** checkTrust → ACK, CANCEL, in-dialog, INVITE, OPTIONS. */
  private void onRequest(InboundRequest request) {
    // Routes name the network's inner addresses and carriers: redirect.trust says who may ask.
    Optional<TrustPolicy.Decision> trusted = Admission.check(config.trust(), request);
    if (trusted.isEmpty()) {
      return;
    }
    String method = request.method();
    if (Request.ACK.equals(method)) {
      return; // an ACK for our 3xx/4xx belongs to the INVITE transaction (RFC 3261 §17.2.1)
    }
    if (Request.CANCEL.equals(method)) {
      // every INVITE is answered at once: a CANCEL finds it completed, or finds nothing (§9.2)
      request.respond(
          request.canceledInvite() != null
              ? Response.OK
              : Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST);
      return;
    }
    if (request.inDialog()) {
      // no dialogs here: a mid-dialog request matches nothing (RFC 3261 §12.2.2)
      request.respond(Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST);
      return;
    }
    switch (method) {
      case Request.INVITE -> onInvite(request, trusted.get());
      case Request.OPTIONS -> request.respond(withAllow(request.createResponse(Response.OK)));
      default -> request.respond(withAllow(request.createResponse(Response.METHOD_NOT_ALLOWED)));
    }
  }

  /** normalise → checkOrigin → ceiling → lookup → redirect. */
  private void onInvite(InboundRequest invite, TrustPolicy.Decision trusted) {
    RoutingSnapshot routes = snapshot;
    if (routes == null) {
      unavailable(invite);
      return;
    }
    Optional<String> number = normalise(invite);
    if (number.isEmpty()) {
      invite.respond(Response.ADDRESS_INCOMPLETE);
      return;
    }
    if (!checkOrigin(invite, trusted, routes, number.get())) {
      return;
    }
    BigDecimal maxRate;
    try {
      maxRate = ceiling(invite);
    } catch (IllegalArgumentException e) {
      invite.respond(Response.BAD_REQUEST, e.getMessage());
      return;
    }
    List<String> contacts =
        routes.lookup(number.get(), config.coreProxy(), clock.instant(), status, maxRate);
    if (contacts.isEmpty()) {
      LOG.debug("{}: no route to {}", name, number.get());
      invite.respond(Response.NOT_FOUND);
      return;
    }
    redirect(invite, contacts);
  }

  /**
   * A call from outside the network (the querier may call DIDs only, or says {@code X-Baton-Origin:
   * public}) gets a DID's routes and nothing else: least-cost routes to any other number are toll
   * fraud's way out. The header can only narrow what the querier may have.
   */
  private boolean checkOrigin(
      InboundRequest invite, TrustPolicy.Decision trusted, RoutingSnapshot routes, String number) {
    String header = invite.header(BatonHeaders.ORIGIN);
    Optional<CallOrigin> said =
        header == null ? Optional.of(CallOrigin.DEFAULT) : CallOrigin.fromWire(header);
    if (said.isEmpty()) {
      invite.respond(Response.BAD_REQUEST, "Bad " + BatonHeaders.ORIGIN);
      return false;
    }
    boolean fromOutside = trusted.didsOnly() || said.get() == CallOrigin.PUBLIC;
    if (fromOutside && !routes.servesDid(number)) {
      LOG.info("{}: {} from outside the network is not a DID served here", name, number);
      invite.respond(Response.FORBIDDEN);
      return false;
    }
    return true;
  }

  /**
   * A transfer's rate ceiling, which SBC-edge passes on from the REFER: carriers dearer per minute
   * are no route for it. It can only take routes away, so it is read from whoever sends it.
   *
   * @return null without one
   * @throws IllegalArgumentException for a value that is no rate (the reason phrase of a 400)
   */
  private static BigDecimal ceiling(InboundRequest invite) {
    String value = invite.header(BatonHeaders.MAX_RATE);
    return value == null ? null : MaxRate.read(value);
  }

  /** The Request-URI's user part (or tel number) in E.164, if it is a phone number. */
  private Optional<String> normalise(InboundRequest invite) {
    return numbers.toE164(Messages.userOf(invite.request().getRequestURI()));
  }

  /**
   * 302 with one Contact per route, q 1.0, 0.9, ... so the order survives a peer that sorts by q
   * (RFC 3261 §8.1.3.4; lookup offers at most MAX_CONTACTS, so q never falls below 0.1).
   */
  private void redirect(InboundRequest invite, List<String> contacts) {
    Response moved = invite.createResponse(Response.MOVED_TEMPORARILY);
    Messages messages = Messages.get();
    for (int i = 0; i < contacts.size(); i++) {
      ContactHeader contact =
          messages
              .headerFactory()
              .createContactHeader(messages.address(messages.parseUri(contacts.get(i))));
      try {
        contact.setQValue(
            (RoutingSnapshot.MAX_CONTACTS - i) / (float) RoutingSnapshot.MAX_CONTACTS);
      } catch (InvalidArgumentException e) {
        throw new IllegalStateException("q value out of range", e);
      }
      moved.addHeader(contact);
    }
    LOG.debug("{}: {} -> 302 {}", name, invite.request().getRequestURI(), contacts);
    invite.respond(moved);
  }

  /** 503 with Retry-After: no routing data has been read yet (RFC 3261 §21.5.4). */
  private void unavailable(InboundRequest invite) {
    Response response = invite.createResponse(Response.SERVICE_UNAVAILABLE);
    long seconds = Math.max(1, config.reload().toSeconds());
    response.setHeader(Messages.get().header("Retry-After", Long.toString(seconds)));
    invite.respond(response);
  }

  private Response withAllow(Response response) {
    for (String method : ALLOW) {
      Messages.get().addHeader(response, "Allow", method);
    }
    return response;
  }

  @Override
  public void close() {
    periodic.forEach(p -> p.cancel(false));
    endpoint.close();
  }
}
