package io.baton.proxy;

import io.baton.contract.BatonHeaders;
import io.baton.contract.ReferVerifier;
import io.baton.registry.CallRegistry;
import io.baton.registry.Leg;
import io.baton.registry.LegState;
import io.baton.sip.Admission;
import io.baton.sip.HostPort;
import io.baton.sip.InboundRequest;
import io.baton.sip.InboundResponse;
import io.baton.sip.Messages;
import io.baton.sip.NextHop;
import io.baton.sip.OutboundTransaction;
import io.baton.sip.PeerNames;
import io.baton.sip.PrefixRoute;
import io.baton.sip.SipEndpoint;
import io.baton.sip.SipHandler;
import io.baton.sip.StackMode;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.ListIterator;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import javax.sip.ServerTransaction;
import javax.sip.SipException;
import javax.sip.address.Address;
import javax.sip.address.SipURI;
import javax.sip.header.ContactHeader;
import javax.sip.header.FromHeader;
import javax.sip.header.RecordRouteHeader;
import javax.sip.header.ToHeader;
import javax.sip.message.Message;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stateful, record-routing proxy between SBC-edge and SBC-dest (docs/architecture.md, "Call
 * setup" step 4): routes new requests by the longest prefix of the Request-URI user, stays on each
 * dialog's path, tracks confirmed INVITE dialogs and publishes its leg, and turns trusted
 * out-of-band REFERs into in-dialog REFERs towards the caller side ({@link OutOfBandRefers}).
 */
public final class ProxyServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ProxyServer.class);

  /** Requests that may create a dialog the proxy should stay on (RFC 3261 §16.6 item 4). */
  private static final Set<String> RECORD_ROUTED = Set.of(Request.INVITE, Request.SUBSCRIBE);

  /** Requests whose 2xx replaces the remote targets (RFC 3261 §12.2.1.2). */
  private static final Set<String> TARGET_REFRESH = Set.of(Request.INVITE, Request.UPDATE);

  private static final Duration MAX_SWEEP_PERIOD = Duration.ofMinutes(1);

  private final String name;
  private final ProxyConfig config;
  private final PeerNames peers;
  private final Clock clock;
  private final SipEndpoint endpoint;
  private final Forwarding forwarding;
  private final DialogTable dialogs = new DialogTable();
  private final OutOfBandRefers refers;
  private final LegPublisher publisher;
  private final ScheduledFuture<?> sweep;

  private ProxyServer(
      String name,
      ProxyConfig config,
      CallRegistry registry,
      PeerNames peers,
      Clock clock,
      ScheduledExecutorService scheduler,
      Optional<ReferVerifier> referSignatures,
      SipEndpoint endpoint) {
    this.name = name;
    this.config = config;
    this.peers = peers;
    this.clock = clock;
    this.endpoint = endpoint;
    this.forwarding = new Forwarding(endpoint);
    this.refers = new OutOfBandRefers(endpoint, dialogs, referSignatures);
    this.publisher = new LegPublisher(registry);
    long period = sweepPeriod(config.dialogMaxAge()).toMillis();
    this.sweep =
        scheduler.scheduleAtFixedRate(
            this::expireOldDialogs, period, period, TimeUnit.MILLISECONDS);
  }

  /**
   * Starts the proxy listening on {@code config.sip()}.
   *
   * @param name the element name its legs are published under (e.g. {@code proxy})
   * @param peers names of next hops for the published legs' {@code peer}
   * @param scheduler runs the sweep that forgets dialogs older than {@code dialogMaxAge}
   */
  public static ProxyServer start(
      String name,
      ProxyConfig config,
      CallRegistry registry,
      PeerNames peers,
      Clock clock,
      ScheduledExecutorService scheduler)
      throws SipException {
    // read before anything listens: a key that cannot be read stops the start cleanly
    Optional<ReferVerifier> referSignatures =
        config.referSigning().verifier("proxy.referSigning", clock);
    Handler handler = new Handler();
    SipEndpoint endpoint =
        SipEndpoint.start(
            name, StackMode.PROXY, config.sip().trusting(config.trust().peerAddresses()), handler);
    endpoint.checkTrustOnArrival(config.trust());
    ProxyServer proxy =
        new ProxyServer(name, config, registry, peers, clock, scheduler, referSignatures, endpoint);
    handler.proxy = proxy;
    return proxy;
  }

  /** Where the proxy listens: its Via, Record-Route and the {@code holder} of its legs. */
  public HostPort address() {
    return endpoint.address();
  }

  /**
   * Where a transfer server sends the REFER for one of its legs: over TLS when the proxy speaks it
   * ({@code host:port;transport=tls}, a {@link NextHop}), else its address.
   */
  private String holder() {
    return endpoint.config().tls() != null
        ? new NextHop(endpoint.address("tls"), "tls").toString()
        : endpoint.address().toString();
  }

  /** Out-of-band REFERs accepted from trusted transfer servers and sent to a caller side. */
  public long refersRelayed() {
    return refers.relayed();
  }

  /** Dialogs tracked now (confirmed, or ended but kept for a REFER subscription). */
  public int dialogs() {
    return dialogs.size();
  }

  /**
   * Dialogs tracked now by state: {@code confirmed}, or {@code subscription_only} (the BYE went, an
   * injected REFER's subscription has not ended yet).
   */
  public Map<String, Long> dialogStates() {
    return dialogs.countByState();
  }

  @Override
  public void close() {
    sweep.cancel(false);
    endpoint.close();
    publisher.close();
  }

  /**
   * Requests reach the proxy only once it is built; the stack may deliver one in the instant
   * between binding and then, and that one is refused as a starting server would.
   */
  private static final class Handler implements SipHandler {
    private volatile ProxyServer proxy;

    @Override
    public void onRequest(InboundRequest request) {
      ProxyServer p = proxy;
      if (p == null) {
        request.respond(Response.SERVICE_UNAVAILABLE, "Starting");
        return;
      }
      p.onRequest(request);
    }

    @Override
    public void onStrayResponse(InboundResponse response) {
      ProxyServer p = proxy;
      if (p != null) {
        p.onStrayResponse(response);
      }
    }
  }

  /**
   * checkTrust ({@code proxy.trust}: only its neighbours reach the dialogs it forwards, only
   * transfer servers move calls), then: ACK and CANCEL have their own rules; then in-dialog,
   * out-of-band REFER, new requests.
   */
  private void onRequest(InboundRequest request) {
    if (Admission.check(config.trust(), request).isEmpty()) {
      return;
    }
    String method = request.method();
    if (Request.ACK.equals(method)) {
      forwardAck(request);
    } else if (Request.CANCEL.equals(method)) {
      cancel(request);
    } else if (request.inDialog()) {
      inDialog(request);
    } else if (Request.REFER.equals(method)) {
      refers.onRefer(request);
    } else {
      outOfDialog(request);
    }
  }

  /**
   * A new request (RFC 3261 §16.3–16.6): rejectedByMaxForwards → rejectedAsLoop → route → retarget
   * → recordRoute → forward, an INVITE with its dialog tracked.
   */
  private void outOfDialog(InboundRequest request) {
    if (rejectedByMaxForwards(request) || rejectedAsLoop(request)) {
      return;
    }
    Optional<NextHop> nextHop = route(request);
    if (nextHop.isEmpty()) {
      return;
    }
    Request forward = forwarding.copyToForward(request.request());
    Forwarding.retarget(forward, nextHop.get());
    if (RECORD_ROUTED.contains(request.method())) {
      forwarding.recordRoute(forward, request.sender().transport());
    }
    forwarding.addVia(forward);
    if (Request.INVITE.equals(request.method())) {
      trackInvite(request, forward, nextHop.get());
    } else {
      forwarding.relay(request, forward, r -> {}, r -> {});
    }
  }

  private boolean rejectedByMaxForwards(InboundRequest request) {
    if (Forwarding.tooManyHops(request.request())) {
      request.respond(Response.TOO_MANY_HOPS, "Too Many Hops");
      return true;
    }
    return false;
  }

  private boolean rejectedAsLoop(InboundRequest request) {
    if (forwarding.looped(request.request())) {
      request.respond(Response.LOOP_DETECTED, "Loop Detected");
      return true;
    }
    return false;
  }

  /** The next hop by the longest prefix of the Request-URI user ({@code proxy.routes}). */
  private Optional<NextHop> route(InboundRequest request) {
    if (!(request.request().getRequestURI() instanceof SipURI uri)) {
      request.respond(Response.UNSUPPORTED_URI_SCHEME); // RFC 3261 §16.3 item 3
      return Optional.empty();
    }
    Optional<NextHop> nextHop =
        PrefixRoute.longestMatch(config.routes(), Messages.userOf(uri)).map(PrefixRoute::to);
    if (nextHop.isEmpty()) {
      request.respond(Response.NOT_FOUND, "No Route");
    }
    return nextHop;
  }

  /**
   * Forwards an INVITE and follows its dialog: 100 Trying at once (RFC 3261 §16.2), the leg
   * published as trying, and the dialog machine fed with every response.
   */
  private void trackInvite(InboundRequest invite, Request forward, NextHop nextHop) {
    invite.respond(Response.TRYING);
    Request request = invite.request();
    LegContext leg = new LegContext(invite, nextHop);
    TrackedDialog dialog =
        new TrackedDialog(
            leg,
            Messages.callId(request),
            new TrackedDialog.Party(
                ((FromHeader) request.getHeader(FromHeader.NAME)).getAddress(),
                Messages.fromTag(request),
                contactOf(request)),
            recordRouteSet(request),
            ((ToHeader) request.getHeader(ToHeader.NAME)).getAddress());
    OutboundTransaction out =
        forwarding.relay(
            invite,
            forward,
            r -> dialog.on(new TrackedDialog.Provisional(r.getStatusCode())),
            r -> onInviteAnswer(dialog, r));
    leg.bind(out);
    invite.transaction().setApplicationData(dialog);
  }

  private void onInviteAnswer(TrackedDialog dialog, Response response) {
    if (response.getStatusCode() < 300) {
      dialog.on(
          new TrackedDialog.Answered(
              Messages.toTag(response),
              contactOf(response),
              clock.instant(),
              sessionExpiresOf(response)));
    } else {
      dialog.on(new TrackedDialog.Rejected(response.getStatusCode()));
    }
  }

  /** RFC 3261 §16.10: CANCEL is answered here and cancels the INVITE forwarded downstream. */
  private void cancel(InboundRequest cancel) {
    ServerTransaction invite = cancel.canceledInvite();
    if (invite == null) {
      cancel.respond(Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST);
      return;
    }
    cancel.respond(Response.OK);
    if (invite.getApplicationData() instanceof TrackedDialog dialog) {
      dialog.on(new TrackedDialog.CancelRequested());
    }
  }

  /**
   * A request inside a dialog: rejectedByMaxForwards → rejectedAsLoop → match its dialog →
   * rejectedAsUnknown → interceptNotify (NOTIFYs for a REFER the proxy injected) → loose routing
   * (§16.4) with the callee side's CSeq shifted → forward.
   */
  private void inDialog(InboundRequest request) {
    if (rejectedByMaxForwards(request) || rejectedAsLoop(request)) {
      return;
    }
    Optional<DialogTable.Match> match = dialogs.match(request.request());
    if (rejectedAsUnknown(request, match)) {
      return;
    }
    if (match.isPresent() && refers.interceptNotify(request, match.get())) {
      return;
    }
    Request forward = forwarding.copyToForward(request.request());
    match.ifPresent(m -> shiftTowardsCaller(m, forward));
    forwarding.addVia(forward);
    forwarding.relay(request, forward, r -> {}, r -> afterInDialogAnswer(request, match, r));
  }

  /**
   * An in-dialog request addressed to the proxy itself (no Route onward, its own Request-URI) for a
   * dialog it does not know: the proxy is its UAS, and has no such dialog (RFC 3261 §12.2.2).
   * Forwarding it would only send it back to the proxy (482).
   */
  private boolean rejectedAsUnknown(InboundRequest request, Optional<DialogTable.Match> match) {
    if (match.isEmpty() && forwarding.addressedToSelf(request.request())) {
      request.respond(Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST);
      return true;
    }
    return false;
  }

  /** An ACK for a 2xx is its own transaction end to end: forwarded statelessly (§16.11). */
  private void forwardAck(InboundRequest ack) {
    if (Forwarding.tooManyHops(ack.request())) {
      return; // an ACK cannot be answered
    }
    Request forward = forwarding.copyToForward(ack.request());
    dialogs.match(ack.request()).ifPresent(m -> shiftTowardsCaller(m, forward));
    forwarding.addVia(forward);
    forwarding.sendStateless(forward);
  }

  private static void shiftTowardsCaller(DialogTable.Match match, Request forward) {
    if (match.fromCallee()) {
      Forwarding.setCseq(forward, match.dialog().shiftTowardsCaller(Messages.cseq(forward)));
    }
  }

  private void afterInDialogAnswer(
      InboundRequest request, Optional<DialogTable.Match> match, Response response) {
    if (match.isEmpty()) {
      return;
    }
    TrackedDialog dialog = match.get().dialog();
    if (Request.BYE.equals(request.method())) {
      dialog.on(new TrackedDialog.ByeCompleted());
    } else if (TARGET_REFRESH.contains(request.method()) && response.getStatusCode() / 100 == 2) {
      dialog.refreshTargets(
          match.get().fromCallee(), contactOf(request.request()), contactOf(response));
      dialog.refreshed(clock.instant(), sessionExpiresOf(response));
    }
  }

  /**
   * The session interval a 2xx sets (RFC 4028 §4 {@code Session-Expires: <seconds>;...}); null if
   * it sets none or one that does not parse.
   */
  private static Duration sessionExpiresOf(Response response) {
    String value = Messages.headerValue(response, "Session-Expires");
    if (value == null) {
      return null;
    }
    try {
      return Duration.ofSeconds(Long.parseLong(value.split(";", 2)[0].trim()));
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** A retransmitted 2xx whose transaction is gone: back upstream statelessly (§16.7). */
  private void onStrayResponse(InboundResponse stray) {
    Response response = (Response) stray.response().clone();
    dialogs
        .match(response)
        .filter(DialogTable.Match::fromCallee)
        .ifPresent(m -> Forwarding.setCseq(response, m.dialog().unshift(Messages.cseq(response))));
    forwarding.relayStray(response);
  }

  private void expireOldDialogs() {
    try {
      dialogs.expire(clock.instant(), config.dialogMaxAge());
    } catch (RuntimeException e) {
      LOG.error("{}: dialog sweep failed", name, e); // and runs again next period
    }
  }

  /** A quarter of the maximum age, at most a minute: dialogs live at most that much longer. */
  static Duration sweepPeriod(Duration maxAge) {
    Duration quarter = maxAge.dividedBy(4);
    if (quarter.compareTo(MAX_SWEEP_PERIOD) > 0) {
      return MAX_SWEEP_PERIOD;
    }
    return quarter.toMillis() < 1 ? Duration.ofMillis(1) : quarter;
  }

  private static Address contactOf(Message message) {
    ContactHeader contact = (ContactHeader) message.getHeader(ContactHeader.NAME);
    return contact == null ? null : contact.getAddress();
  }

  /** The Record-Route values the request arrived with, in order. */
  private static List<Address> recordRouteSet(Request request) {
    List<Address> routes = new ArrayList<>();
    for (ListIterator<?> it = request.getHeaders(RecordRouteHeader.NAME); it.hasNext(); ) {
      routes.add(((RecordRouteHeader) it.next()).getAddress());
    }
    return routes;
  }

  /** The leg {@code proxy → next hop} of one forwarded INVITE, and the dialog's way out. */
  private final class LegContext implements TrackedDialog.Context {
    private volatile OutboundTransaction invite;
    private Leg leg; // written under the dialog's lock

    LegContext(InboundRequest request, NextHop nextHop) {
      String batonCallId = request.header(BatonHeaders.CALL_ID);
      String sipCallId = Messages.callId(request.request());
      leg =
          new Leg(
              LegPublisher.newLegId(),
              batonCallId != null ? batonCallId : sipCallId,
              name,
              peers.nameOf(nextHop.address()),
              sipCallId,
              LegState.TRYING,
              clock.instant(),
              null,
              holder(),
              Messages.fromTag(request.request()),
              null,
              null,
              null);
      publisher.put(leg);
    }

    void bind(OutboundTransaction forwardedInvite) {
      this.invite = forwardedInvite;
    }

    @Override
    public void publish(LegState state, String uasTag, Integer sipStatus) {
      Leg next = leg.withState(state, clock.instant());
      if (uasTag != null) {
        next = next.withUasTag(uasTag);
      }
      if (sipStatus != null) {
        next = next.withSipStatus(sipStatus);
      }
      leg = next;
      publisher.put(next);
    }

    @Override
    public void sendCancel() {
      try {
        endpoint.send(invite.transaction().createCancel());
      } catch (SipException | RuntimeException e) {
        LOG.debug("{}: cannot CANCEL the forwarded INVITE: {}", name, e.toString());
      }
    }

    @Override
    public void track(TrackedDialog dialog) {
      dialogs.add(dialog);
    }

    @Override
    public void forget(TrackedDialog dialog) {
      dialogs.remove(dialog);
    }
  }
}
