package io.baton.sbc;

import io.baton.contract.BatonHeaders;
import io.baton.contract.CallOrigin;
import io.baton.contract.ReferVerifier;
import io.baton.media.MediaRelay;
import io.baton.registry.Call;
import io.baton.registry.CallRegistry;
import io.baton.registry.Leg;
import io.baton.routing.Numbers;
import io.baton.sip.Admission;
import io.baton.sip.HostPort;
import io.baton.sip.InboundRequest;
import io.baton.sip.LimitCounters;
import io.baton.sip.Messages;
import io.baton.sip.PeerNames;
import io.baton.sip.PrefixRoute;
import io.baton.sip.SignedRefers;
import io.baton.sip.SipEndpoint;
import io.baton.sip.SipHandler;
import io.baton.sip.StackMode;
import io.baton.sip.TrustPolicy;
import java.net.InetAddress;
import java.text.ParseException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BiConsumer;
import javax.sip.SipException;
import javax.sip.address.Address;
import javax.sip.header.FromHeader;
import javax.sip.header.MaxForwardsHeader;
import javax.sip.header.RequireHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The session border controller: a back-to-back user agent that SBC-edge, SBC-dest and SBC-carrier
 * are configurations of (docs/architecture.md "Call setup" and "The transfer" step 4). It answers
 * the caller itself, opens its own legs onward, anchors media in its relay where configured, and on
 * SBC-edge executes REFERs by moving the caller's media to a new leg: the caller's dialog is never
 * re-INVITEd and a failed transfer leaves the caller where it was.
 */
public final class Sbc implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Sbc.class);
  private static final List<String> ALLOW =
      List.of(
          Request.INVITE,
          Request.ACK,
          Request.BYE,
          Request.CANCEL,
          Request.OPTIONS,
          Request.REFER,
          Request.UPDATE,
          Request.INFO);

  private final String name;
  private final SbcConfig config;
  private final Numbers numbers;
  private final CallRegistry registry;
  private final PeerNames peers;
  private final Clock clock;
  private final ScheduledExecutorService scheduler;
  private final TrustPolicy trust;
  private final MediaRelay relay;
  private final Optional<ReferVerifier> referSignatures;
  private final Map<String, CallSession> bySipCallId = new ConcurrentHashMap<>();

  /** Callers' INVITEs being routed, by Call-ID: no call exists for them yet. */
  private final Map<String, InboundRequest> routing = new ConcurrentHashMap<>();

  private final Object setupLock = new Object();
  private final Set<CallSession> calls = ConcurrentHashMap.newKeySet();
  private volatile SipEndpoint endpoint;

  private Sbc(
      String name,
      SbcConfig config,
      CallRegistry registry,
      PeerNames peers,
      Clock clock,
      ScheduledExecutorService scheduler,
      MediaRelay relay,
      Optional<ReferVerifier> referSignatures) {
    this.name = name;
    this.config = config;
    this.numbers = new Numbers(config.defaultRegion());
    this.registry = registry;
    this.peers = peers;
    this.clock = clock;
    this.scheduler = scheduler;
    this.trust = config.trust();
    this.relay = relay;
    this.referSignatures = referSignatures;
  }

  /**
   * Starts an SBC listening at {@code config.sip()}.
   *
   * @param name the element's name (legs it opens are published with it, e.g. {@code sbc-edge})
   * @param peers element names by address, for the legs' {@code peer}
   * @param scheduler runs no-answer and transfer timers
   * @throws SipException if it cannot listen
   */
  public static Sbc start(
      String name,
      SbcConfig config,
      CallRegistry registry,
      PeerNames peers,
      Clock clock,
      ScheduledExecutorService scheduler)
      throws SipException {
    // read before any port is taken: a key that cannot be read stops the start cleanly
    Optional<ReferVerifier> referSignatures =
        config.referSigning().verifier("sbcs." + name + ".referSigning", clock);
    MediaConfig media = config.media();
    MediaRelay relay = media.anchor() ? new MediaRelay(media.pool()) : null;
    Sbc sbc = new Sbc(name, config, registry, peers, clock, scheduler, relay, referSignatures);
    try {
      sbc.endpoint =
          SipEndpoint.start(
              name,
              StackMode.B2BUA,
              config.sip().trusting(config.trust().peerAddresses()),
              sbc.new Handler());
      // A caller's dialog answers to the caller's host only (RFC 3261 §26.1.4).
      sbc.endpoint.checkTrustOnArrival(sbc.trust, sbc::callerHostOf);
      // Nothing internal reaches a caller or carrier in a response (docs/security.md).
      sbc.endpoint.hideTopologyFrom(r -> sbc.trust.peerOf(r.sender()).isEmpty());
    } catch (SipException e) {
      if (relay != null) {
        relay.close();
      }
      throw e;
    }
    LOG.info("{}: SBC role {} ready", name, config.role().wire());
    return sbc;
  }

  /** The RTP relay, or null when this SBC does not anchor media. */
  public MediaRelay relay() {
    return relay;
  }

  /** Calls this SBC holds now (set up or being set up). */
  public int activeCalls() {
    return calls.size();
  }

  /** Timers this SBC's calls have armed now (a call's lifetime timers, its dials' timeouts). */
  public int armedTimers() {
    return calls.stream().mapToInt(CallSession::armedTimers).sum();
  }

  public String name() {
    return name;
  }

  /** What this SBC's {@code sip.limits} refused so far, and what it holds now. */
  public LimitCounters limitCounters() {
    return endpoint.limitCounters();
  }

  public HostPort address() {
    return config.sip().listen();
  }

  /**
   * Handles what arrives: checkTrust ({@code trust}), then by method. Runs on stack threads, so it
   * only looks up and hands over.
   */
  private final class Handler implements SipHandler {
    @Override
    public void onRequest(InboundRequest request) {
      if (endpoint == null) {
        request.respond(Response.SERVICE_UNAVAILABLE, "Starting");
        return;
      }
      Optional<TrustPolicy.Decision> trusted = Admission.check(trust, request);
      if (trusted.isEmpty()) {
        return;
      }
      switch (request.method()) {
        case Request.INVITE -> {
          if (request.inDialog()) {
            inCall(request, CallSession::onReinvite);
          } else {
            onInvite(request, trusted.get());
          }
        }
        case Request.UPDATE -> inCall(request, CallSession::onReinvite);
        case Request.ACK -> onAck(request);
        case Request.BYE -> inCall(request, CallSession::onBye);
        case Request.INFO -> inCall(request, CallSession::onInfo);
        case Request.CANCEL -> onCancel(request);
        case Request.REFER -> onRefer(request);
        case Request.OPTIONS -> request.respond(Response.OK);
        default -> notAllowed(request);
      }
    }
  }

  /**
   * The host that may send requests in the dialog {@code sipCallId} from outside the network: the
   * caller's, for a caller's dialog or a call being routed; null for a leg's Call-ID or an unknown
   * one (the trust policy alone decides those).
   */
  private InetAddress callerHostOf(String sipCallId) {
    CallSession call = bySipCallId.get(sipCallId);
    if (call != null && call.callerSipCallId().equals(sipCallId)) {
      return call.callerHost();
    }
    InboundRequest routed = routing.get(sipCallId);
    return routed == null ? null : routed.source().getAddress();
  }

  /**
   * A new call: checkRequest → admit → routeCaller → allocate, then (on the call's queue) open.
   * Where it goes is decided before anything is recorded or anchored: a call refused there leaves
   * nothing behind.
   */
  private void onInvite(InboundRequest invite, TrustPolicy.Decision trusted) {
    invite.respond(Response.TRYING);
    if (!checkRequest(invite) || !admit(invite)) {
      return;
    }
    String sipCallId = Messages.callId(invite.request());
    if (bySipCallId.containsKey(sipCallId) || routing.putIfAbsent(sipCallId, invite) != null) {
      // A second INVITE transaction for a dialog this SBC already holds: a loop or a merge.
      invite.respond(Response.LOOP_DETECTED);
      return;
    }
    String believedCallId = believedCallId(invite, trusted);
    String id = believedCallId != null ? believedCallId : newId("c-");
    routeCaller(invite, id, trusted)
        .exceptionally(
            e -> {
              LOG.warn("{}: routing call {} failed: {}", name, id, e.toString());
              return new Destination.Unroutable(Response.SERVER_INTERNAL_ERROR, "Routing failed");
            })
        .thenAccept(destination -> allocate(invite, id, believedCallId == null, destination));
  }

  /** Requests this SBC cannot take get their 4xx here, before any state exists. */
  private boolean checkRequest(InboundRequest invite) {
    Request request = invite.request();
    MaxForwardsHeader maxForwards = (MaxForwardsHeader) request.getHeader(MaxForwardsHeader.NAME);
    if (maxForwards != null && maxForwards.getMaxForwards() <= 0) {
      invite.respond(Response.TOO_MANY_HOPS); // RFC 3261 §16.3 (a B2BUA loops too)
      return false;
    }
    List<String> unsupported = new ArrayList<>();
    for (Iterator<?> it = request.getHeaders(RequireHeader.NAME); it.hasNext(); ) {
      String tag = ((RequireHeader) it.next()).getOptionTag();
      if (!SessionTimer.OPTION.equalsIgnoreCase(tag)) {
        unsupported.add(tag);
      }
    }
    if (!unsupported.isEmpty()) {
      // RFC 3261 §8.2.2.3: the caller requires extensions (100rel...) this UAS lacks.
      Response response = invite.createResponse(Response.BAD_EXTENSION);
      Messages.get().setHeader(response, "Unsupported", String.join(", ", unsupported));
      invite.respond(response);
      return false;
    }
    if (refusesSessionTimer(invite, SessionTimer.of(request, config.lifetime()))) {
      return false;
    }
    if (Messages.userOf(request.getRequestURI()) == null) {
      invite.respond(Response.ADDRESS_INCOMPLETE, "No user to route");
      return false;
    }
    if (request.getRawContent() != null
        && request.getRawContent().length > 0
        && !Messages.hasBody(request, "application", "sdp")) {
      // RFC 3261 §8.2.3: a body this UAS cannot read gets 415 naming what it can.
      Response response = invite.createResponse(Response.UNSUPPORTED_MEDIA_TYPE);
      Messages.get().setHeader(response, "Accept", "application/sdp");
      invite.respond(response);
      return false;
    }
    if (!Messages.hasBody(request, "application", "sdp")) {
      // Late offer (SDP in the 2xx, answer in the ACK) would need the caller's ACK before ours.
      invite.respond(Response.NOT_ACCEPTABLE_HERE, "SDP offer required");
      return false;
    }
    return true;
  }

  /**
   * Call admission control: past {@code admission.maxCalls} (calls held and being routed) a new
   * call gets {@code 503} with {@code Retry-After} (RFC 3261 §21.5.4) and costs nothing more.
   */
  private boolean admit(InboundRequest invite) {
    CallAdmission admission = config.admission();
    if (calls.size() + routing.size() < admission.maxCalls()) {
      return true;
    }
    Response busy = invite.createResponse(Response.SERVICE_UNAVAILABLE);
    Messages.get()
        .setHeader(busy, "Retry-After", Long.toString(admission.retryAfter().toSeconds()));
    invite.respond(busy);
    return false;
  }

  /**
   * The call id a peer (the proxy, SBC-edge) passed on; null when this SBC must mint one. SBC-edge
   * always mints: callers are never believed.
   */
  private String believedCallId(InboundRequest invite, TrustPolicy.Decision trusted) {
    if (config.role() == Role.EDGE || !trusted.fromPeer()) {
      return null;
    }
    String id = invite.header(BatonHeaders.CALL_ID);
    return id == null || id.isBlank() ? null : id;
  }

  /**
   * Where the caller's INVITE goes: SBC-edge asks the redirect server (for a source that may call
   * DIDs only, saying {@code X-Baton-Origin: public}); SBC-dest and SBC-carrier take their static
   * routes. Never blocks.
   */
  private CompletableFuture<Destination> routeCaller(
      InboundRequest invite, String id, TrustPolicy.Decision trusted) {
    Destination destination = route(Messages.userOf(invite.request().getRequestURI()));
    if (destination instanceof Destination.ViaRedirect redirect) {
      Address from =
          (Address) ((FromHeader) invite.request().getHeader(FromHeader.NAME)).getAddress().clone();
      CallOrigin origin = trusted.didsOnly() ? CallOrigin.PUBLIC : CallOrigin.NETWORK;
      return RedirectQuery.ask(this, redirect, from, id, origin);
    }
    return CompletableFuture.completedFuture(destination);
  }

  /**
   * The routed caller becomes a call, unless it cancelled meanwhile (answered 487 already) or has
   * nowhere to go (answered here; nothing was recorded).
   */
  private void allocate(InboundRequest invite, String id, boolean minted, Destination destination) {
    String sipCallId = Messages.callId(invite.request());
    CallSession call;
    synchronized (setupLock) {
      if (routing.remove(sipCallId) == null) {
        return;
      }
      if (destination instanceof Destination.Unroutable nowhere) {
        invite.respond(nowhere.status(), nowhere.reason());
        return;
      }
      call = new CallSession(this, id, minted, invite);
      bySipCallId.put(sipCallId, call);
      calls.add(call);
    }
    call.run(() -> call.open(destination));
  }

  /**
   * An ACK for this SBC's 2xx (RFC 3261 §13.3.1.4): it confirms the caller's dialog and is never
   * answered.
   */
  private void onAck(InboundRequest ack) {
    CallSession call = bySipCallId.get(Messages.callId(ack.request()));
    if (call != null) {
      call.run(() -> call.onAck(ack));
    }
  }

  /**
   * An INVITE, re-INVITE or UPDATE whose session timer this SBC cannot take gets its answer here:
   * {@code 422} with this SBC's {@code Min-SE} for too small an interval (RFC 4028 §9), {@code 400}
   * for one that does not parse.
   *
   * @return true if the request was answered
   */
  static boolean refusesSessionTimer(InboundRequest request, SessionTimer.Decision decision) {
    switch (decision) {
      case SessionTimer.TooSmall small -> {
        Response response = request.createResponse(SessionTimer.TOO_SMALL);
        try {
          response.setReasonPhrase("Session Interval Too Small");
        } catch (ParseException e) {
          throw new IllegalStateException(e);
        }
        Messages.get()
            .setHeader(response, SessionTimer.MIN_SE, Long.toString(small.minSE().toSeconds()));
        request.respond(response);
        return true;
      }
      case SessionTimer.Malformed bad -> {
        request.respond(Response.BAD_REQUEST, "Bad session timer: " + bad.reason());
        return true;
      }
      case SessionTimer.NoTimer none -> {
        return false;
      }
      case SessionTimer.Granted granted -> {
        return false;
      }
    }
  }

  private void onCancel(InboundRequest cancel) {
    cancel.respond(Response.OK);
    synchronized (setupLock) {
      InboundRequest routed = routing.remove(Messages.callId(cancel.request()));
      if (routed != null) {
        routed.respond(Response.REQUEST_TERMINATED); // RFC 3261 §9.2, before any call existed
        return;
      }
    }
    CallSession call = bySipCallId.get(Messages.callId(cancel.request()));
    if (call != null && call.callerSipCallId().equals(Messages.callId(cancel.request()))) {
      call.run(call::onCallerCancel);
    }
  }

  /**
   * A REFER (its sender may move calls: checkTrust): checkSignature, findCall, then (on the call's
   * queue) the transfer.
   */
  private void onRefer(InboundRequest refer) {
    if (config.role() != Role.EDGE) {
      refer.respond(Response.FORBIDDEN, "Transfers run at SBC-edge");
      return;
    }
    if (!checkSignature(refer)) {
      return;
    }
    inCall(refer, CallSession::onRefer);
  }

  /**
   * docs/security.md "Signed REFERs": the proxy is trusted to relay, not to decide. The REFER must
   * carry the transfer server's signature, which the proxy relays unchanged and which covers the
   * dialog this REFER arrives in (Call-ID and tags, which also find the call) and its Refer-To.
   * Refused before any call is looked up; the 403 says nothing of why (the log does).
   */
  private boolean checkSignature(InboundRequest refer) {
    if (referSignatures.isEmpty()) {
      return true;
    }
    ReferVerifier.Verdict verdict =
        SignedRefers.verifyInDialog(referSignatures.get(), refer.request());
    if (verdict == ReferVerifier.Verdict.VALID) {
      return true;
    }
    LOG.warn(
        "{}: REFER from {} in call {} refused: signature {}",
        name,
        refer.source(),
        Messages.callId(refer.request()),
        verdict);
    refer.respond(Response.FORBIDDEN);
    return false;
  }

  private void inCall(InboundRequest request, BiConsumer<CallSession, InboundRequest> action) {
    CallSession call = bySipCallId.get(Messages.callId(request.request()));
    if (call == null) {
      request.respond(Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST);
      return;
    }
    call.run(() -> action.accept(call, request));
  }

  private void notAllowed(InboundRequest request) {
    Response response = request.createResponse(Response.METHOD_NOT_ALLOWED);
    // One Allow per method: JAIN-SIP parses a single header value, never a list.
    ALLOW.forEach(method -> Messages.get().addHeader(response, "Allow", method));
    request.respond(response);
  }

  // ---- what calls share ----------------------------------------------------------------------

  /**
   * Routing policy, no SIP: SBC-edge asks the redirect server for the dialled user; SBC-dest and
   * SBC-carrier take the longest matching prefix of their static routes.
   */
  Destination route(String user) {
    return switch (config.role()) {
      case EDGE -> new Destination.ViaRedirect(user);
      case DEST, CARRIER ->
          PrefixRoute.longestMatch(config.routes(), user)
              .<Destination>map(
                  r ->
                      new Destination.Direct(
                          List.of(Target.of(r.to().uri(user), peers, CallerIdentity.UNCHANGED))))
              .orElse(new Destination.Unroutable(Response.NOT_FOUND, "No route"));
    };
  }

  SipEndpoint endpoint() {
    return endpoint;
  }

  SbcConfig config() {
    return config;
  }

  /** Reads dialled numbers in the configured region. */
  Numbers numbers() {
    return numbers;
  }

  PeerNames peers() {
    return peers;
  }

  Clock clock() {
    return clock;
  }

  ScheduledExecutorService scheduler() {
    return scheduler;
  }

  /** True if {@code X-Baton-*} headers may go to this next hop: it is one of this SBC's peers. */
  boolean trusts(HostPort nextHop) {
    return trust.peerAt(nextHop).isPresent();
  }

  /** Where out-of-band requests about this SBC's legs go. */
  String holder() {
    return address().toString();
  }

  String newLegId() {
    return newId("l-");
  }

  private static String newId(String prefix) {
    return prefix + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
  }

  /** Publishes a leg; a registry outage is logged, never allowed to break the call. */
  void publish(Leg leg) {
    try {
      registry.putLeg(leg);
    } catch (RuntimeException e) {
      LOG.warn("{}: cannot publish leg {}: {}", name, leg.id(), e.toString());
    }
  }

  void createCall(Call call) {
    try {
      registry.createCall(call);
    } catch (RuntimeException e) {
      LOG.warn("{}: cannot record call {}: {}", name, call.id(), e.toString());
    }
  }

  void register(String sipCallId, CallSession call) {
    bySipCallId.put(sipCallId, call);
  }

  void unregister(String sipCallId, CallSession call) {
    bySipCallId.remove(sipCallId, call);
  }

  /** The call ended: its Call-IDs now get 481. */
  void forget(CallSession call, List<String> legSipCallIds) {
    bySipCallId.remove(call.callerSipCallId(), call);
    legSipCallIds.forEach(id -> bySipCallId.remove(id, call));
    calls.remove(call);
  }

  @Override
  public void close() {
    SipEndpoint ep = endpoint;
    if (ep != null) {
      ep.close();
    }
    if (relay != null) {
      relay.close();
    }
  }
}
