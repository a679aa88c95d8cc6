package io.baton.redirect;

import io.baton.routing.Numbers;
import io.baton.sip.InboundRequest;
import io.baton.sip.Messages;
import io.baton.sip.SipEndpoint;
import io.baton.sip.StackMode;
import io.baton.store.Carriers;
import io.baton.store.Database;
import io.baton.store.Directory;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
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
 * <p>It answers from an immutable in-memory {@link RoutingSnapshot} that the scheduler re-reads
 * from the database every {@code reload}: a SIP thread never touches the database. A failed reload
 * keeps the last good snapshot; with none at all, INVITEs get {@code 503} with {@code Retry-After}.
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
  private final Clock clock;
  private volatile RoutingSnapshot snapshot;
  private volatile SipEndpoint endpoint;
  private volatile ScheduledFuture<?> reloading;

  private RedirectServer(String name, RedirectConfig config, Database db, Clock clock) {
    this.name = name;
    this.config = config;
    this.numbers = new Numbers(config.defaultRegion());
    this.directory = new Directory(db);
    this.carriers = new Carriers(db);
    this.clock = clock;
  }

  /**
   * Loads the routing data, starts listening and re-reads the data every {@code config.reload()} on
   * {@code scheduler}. It starts even if the database cannot be read (answering 503 until it can).
   *
   * @throws SipException if it cannot listen on {@code config.sip().listen()}
   */
  public static RedirectServer start(
      String name,
      RedirectConfig config,
      Database db,
      Clock clock,
      ScheduledExecutorService scheduler)
      throws SipException {
    RedirectServer server = new RedirectServer(name, config, db, clock);
    server.reload();
    server.endpoint =
        SipEndpoint.start(name, StackMode.TRANSACTIONS_ONLY, config.sip(), server::onRequest);
    long every = config.reload().toMillis();
    server.reloading =
        scheduler.scheduleWithFixedDelay(server::reload, every, every, TimeUnit.MILLISECONDS);
    return server;
  }

  /** Re-reads DIDs, carriers and rates; on failure keeps what it had. Runs on the scheduler. */
  private void reload() {
    RoutingSnapshot previous = snapshot;
    try {
      snapshot =
          RoutingSnapshot.of(
              directory.dids(), carriers.carriers(), carriers.rates(), clock.instant());
      if (previous == null) {
        LOG.info(
            "{}: routing data loaded ({} DIDs, {} carriers, {} rates)",
            name,
            snapshot.dids().size(),
            snapshot.carriers().size(),
            snapshot.rates().size());
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

  private void onRequest(InboundRequest request) {
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
      case Request.INVITE -> onInvite(request);
      case Request.OPTIONS -> request.respond(withAllow(request.createResponse(Response.OK)));
      default -> request.respond(withAllow(request.createResponse(Response.METHOD_NOT_ALLOWED)));
    }
  }

  /** normalise → lookup → redirect. */
  private void onInvite(InboundRequest invite) {
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
    List<String> contacts = routes.lookup(number.get(), config.coreProxy());
    if (contacts.isEmpty()) {
      LOG.debug("{}: no route to {}", name, number.get());
      invite.respond(Response.NOT_FOUND);
      return;
    }
    redirect(invite, contacts);
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
    reloading.cancel(false);
    endpoint.close();
  }
}
