package io.baton.sip;

import gov.nist.javax.sip.ResponseEventExt;
import gov.nist.javax.sip.Utils;
import gov.nist.javax.sip.message.SIPMessage;
import io.baton.sip.internal.EndpointGuard;
import io.baton.sip.internal.GuardedNetworkLayer;
import java.net.InetSocketAddress;
import java.text.ParseException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.function.Predicate;
import javax.sip.ClientTransaction;
import javax.sip.Dialog;
import javax.sip.DialogTerminatedEvent;
import javax.sip.IOExceptionEvent;
import javax.sip.InvalidArgumentException;
import javax.sip.ListeningPoint;
import javax.sip.ObjectInUseException;
import javax.sip.RequestEvent;
import javax.sip.ResponseEvent;
import javax.sip.ServerTransaction;
import javax.sip.SipException;
import javax.sip.SipFactory;
import javax.sip.SipListener;
import javax.sip.SipProvider;
import javax.sip.SipStack;
import javax.sip.TimeoutEvent;
import javax.sip.TransactionAlreadyExistsException;
import javax.sip.TransactionTerminatedEvent;
import javax.sip.address.Address;
import javax.sip.address.AddressFactory;
import javax.sip.address.SipURI;
import javax.sip.address.URI;
import javax.sip.header.HeaderFactory;
import javax.sip.header.MaxForwardsHeader;
import javax.sip.header.ToHeader;
import javax.sip.header.ViaHeader;
import javax.sip.message.MessageFactory;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One SIP element on the wire: a JAIN-SIP stack listening on UDP and/or TCP at one address, with
 * Baton's threading and logging set up as {@code shared/notes/jain-sip.md} recommends. Element code
 * receives requests through a {@link SipHandler} and sends through {@link #send(Request)}; it never
 * sees the stack's internals.
 */
public final class SipEndpoint implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SipEndpoint.class);

  private final String name;
  private final StackMode mode;
  private final SipConfig config;
  private final SipStack stack;
  private final SipProvider provider;
  private final SipHandler handler;
  private final EndpointGuard guard;
  private final Messages messages;
  private volatile Predicate<InboundRequest> outsider = request -> false;

  private SipEndpoint(
      String name,
      StackMode mode,
      SipConfig config,
      SipStack stack,
      SipProvider provider,
      SipHandler handler,
      EndpointGuard guard) {
    this.name = name;
    this.mode = mode;
    this.config = config;
    this.stack = stack;
    this.provider = provider;
    this.handler = handler;
    this.guard = guard;
    this.messages = Messages.get();
  }

  /**
   * Starts the stack, binds every configured transport and begins delivering requests.
   *
   * @param name the element's name, used in logs, traces and default From headers
   * @param mode how much dialog state the stack keeps for this kind of element
   */
  public static SipEndpoint start(String name, StackMode mode, SipConfig config, SipHandler handler)
      throws SipException {
    return start(name, mode, config, handler, Clock.systemUTC());
  }

  /**
   * As {@link #start(String, StackMode, SipConfig, SipHandler)}, with the clock the request rate
   * limit ({@link Pike}) reads.
   */
  public static SipEndpoint start(
      String name, StackMode mode, SipConfig config, SipHandler handler, Clock clock)
      throws SipException {
    SipLimits limits = config.limits();
    EndpointGuard guard =
        EndpointGuard.register(
            stackName(name, config),
            limits,
            new Pike(limits, TrustList.of(limits.exempt()), clock),
            clock,
            mode != StackMode.PROXY,
            config.tls() == null ? null : config.tls().context());
    SipFactory factory = SipFactory.getInstance();
    factory.setPathName("gov.nist");
    SipStack stack;
    try {
      stack = factory.createSipStack(stackProperties(name, mode, config, guard));
    } catch (javax.sip.PeerUnavailableException e) {
      guard.release();
      throw new SipException("cannot create SIP stack for " + name, e);
    }
    List<ListeningPoint> points = new ArrayList<>();
    SipProvider provider = null;
    try {
      for (String transport : config.transports()) {
        HostPort at = transport.equals("tls") ? config.tls().listen() : config.listen();
        ListeningPoint lp = stack.createListeningPoint(at.host(), at.port(), transport);
        points.add(lp);
        if (provider == null) {
          provider = stack.createSipProvider(lp);
        } else {
          provider.addListeningPoint(lp);
        }
      }
      SipEndpoint endpoint = new SipEndpoint(name, mode, config, stack, provider, handler, guard);
      provider.addSipListener(endpoint.new Listener());
      stack.start();
      SipCapture.local(config.listen());
      if (config.tls() != null) {
        SipCapture.local(config.tls().listen());
      }
      LOG.info(
          "{} listening on {} ({}){}",
          name,
          config.listen(),
          config.transports(),
          config.tls() == null ? "" : ", TLS on " + config.tls().listen());
      return endpoint;
    } catch (Exception e) {
      stack.stop();
      guard.release();
      throw new SipException(
          name + " cannot listen on " + config.listen() + ": " + e.getMessage(), e);
    }
  }

  private static String stackName(String name, SipConfig config) {
    return name + "@" + config.listen();
  }

  private static Properties stackProperties(
      String name, StackMode mode, SipConfig config, EndpointGuard guard) {
    Properties p = new Properties();
    // sip.limits are enforced on the sockets, in the parser and in the valve, which find them here.
    p.setProperty(EndpointGuard.PROPERTY, guard.id());
    p.setProperty("gov.nist.javax.sip.NETWORK_LAYER", GuardedNetworkLayer.class.getName());
    p.setProperty("javax.sip.STACK_NAME", stackName(name, config));
    p.setProperty("gov.nist.javax.sip.STACK_LOGGER", "io.baton.sip.internal.Slf4jStackLogger");
    p.setProperty("gov.nist.javax.sip.SERVER_LOGGER", "io.baton.sip.internal.Slf4jServerLogger");
    p.setProperty("gov.nist.javax.sip.THREAD_POOL_SIZE", Integer.toString(config.threads()));
    p.setProperty("gov.nist.javax.sip.REENTRANT_LISTENER", "true");
    p.setProperty(
        "gov.nist.javax.sip.TIMER_CLASS_NAME",
        "gov.nist.javax.sip.stack.timers.ScheduledExecutorSipTimer");
    p.setProperty("gov.nist.javax.sip.RELEASE_REFERENCES_STRATEGY", "Normal");
    p.setProperty("gov.nist.javax.sip.RECEIVE_UDP_BUFFER_SIZE", "1048576");
    p.setProperty("gov.nist.javax.sip.SEND_UDP_BUFFER_SIZE", "1048576");
    // Malformed messages are sorted out before the stack acts on them: answered 400 where the
    // sender can get the answer, dropped where not (CheckedMessageParser).
    p.setProperty(
        "gov.nist.javax.sip.MESSAGE_PARSER_FACTORY",
        "io.baton.sip.internal.CheckedMessageParser$Factory");
    p.setProperty(
        "gov.nist.javax.sip.SIP_MESSAGE_VALVE", "io.baton.sip.internal.MalformedRequestValve");
    // The NIO TCP processor of 1.3.0-91 loses the first request on a new connection ("old socket
    // different than new socket"): the default processor, a thread per connection, does not.
    // TLS: the sockets come from GuardedNetworkLayer, made with sip.tls (mutual, TLS 1.3/1.2 only);
    // these say the same to the stack, which sets them on every socket too.
    p.setProperty("gov.nist.javax.sip.TLS_CLIENT_AUTH_TYPE", "Enabled");
    p.setProperty("gov.nist.javax.sip.TLS_CLIENT_PROTOCOLS", String.join(",", SipTls.PROTOCOLS));
    long lifetime = Math.max(1, config.maxTransactionLifetime().toSeconds());
    p.setProperty("gov.nist.javax.sip.MAX_TX_LIFETIME_INVITE", Long.toString(lifetime));
    p.setProperty("gov.nist.javax.sip.MAX_TX_LIFETIME_NON_INVITE", Long.toString(lifetime));
    switch (mode) {
      case USER_AGENT -> p.setProperty("javax.sip.AUTOMATIC_DIALOG_SUPPORT", "on");
      case B2BUA -> {
        p.setProperty("javax.sip.AUTOMATIC_DIALOG_SUPPORT", "on");
        p.setProperty("gov.nist.javax.sip.IS_BACK_TO_BACK_USER_AGENT", "true");
        p.setProperty("gov.nist.javax.sip.AUTOMATIC_DIALOG_ERROR_HANDLING", "false");
      }
      case TRANSACTIONS_ONLY, PROXY -> {
        p.setProperty("javax.sip.AUTOMATIC_DIALOG_SUPPORT", "off");
        p.setProperty("gov.nist.javax.sip.AUTOMATIC_DIALOG_ERROR_HANDLING", "false");
      }
    }
    return p;
  }

  public String name() {
    return name;
  }

  /**
   * From now on, every response to a request {@code outsider} names (its sender is outside the
   * network) goes out through {@link TopologyHiding#scrub}: one place, whichever path answered.
   */
  public void hideTopologyFrom(Predicate<InboundRequest> outsider) {
    this.outsider = outsider;
  }

  boolean outsider(InboundRequest request) {
    return outsider.test(request);
  }

  public SipConfig config() {
    return config;
  }

  /**
   * Has {@code policy} asked about every request as it arrives, before a transaction or dialog
   * exists for it: what it refuses gets {@code 403} there (an ACK is dropped) and changes no
   * dialog's state. The element still asks it for what gets through ({@link Admission}).
   */
  public void checkTrustOnArrival(TrustPolicy policy) {
    guard.trust(policy);
  }

  /**
   * As {@link #checkTrustOnArrival(TrustPolicy)}, and then has {@code owners} say which host a
   * dialog's requests from sources that are not peers must come from.
   */
  public void checkTrustOnArrival(TrustPolicy policy, DialogOwners owners) {
    guard.trust(policy);
    guard.dialogOwners(owners);
  }

  /** What {@code config().limits()} refused so far and what the endpoint holds now. */
  public LimitCounters limitCounters() {
    return guard.counters();
  }

  /** The address this element listens on and advertises. */
  public HostPort address() {
    return config.listen();
  }

  /** Where this element listens for {@code transport}: its TLS address for {@code tls}. */
  public HostPort address(String transport) {
    return "tls".equalsIgnoreCase(transport) && config.tls() != null
        ? config.tls().listen()
        : config.listen();
  }

  /** Building blocks for requests and responses from this element. */
  public Messages messages() {
    return messages;
  }

  public MessageFactory messageFactory() {
    return messages.messageFactory();
  }

  public HeaderFactory headerFactory() {
    return messages.headerFactory();
  }

  public AddressFactory addressFactory() {
    return messages.addressFactory();
  }

  /** Starts a request from this element outside any dialog. */
  public RequestBuilder request(String method, URI requestUri) {
    return new RequestBuilder(this, method, requestUri);
  }

  /** A fresh Call-ID value for a new dialog or out-of-dialog request. */
  public String newCallId() {
    return provider.getNewCallId().getCallId();
  }

  /** A fresh From/To tag (RFC 3261 §19.3: at least 32 bits of randomness). */
  public static String newTag() {
    return Utils.getInstance().generateTag();
  }

  /** A fresh RFC 3261 branch id, starting with the magic cookie {@code z9hG4bK}. */
  public static String newBranch() {
    return Utils.getInstance().generateBranchId();
  }

  /**
   * This element's Via, with a new branch, for stateless forwarding and hand-built requests; over
   * TLS it names the TLS address, where a response goes if the connection is gone (RFC 3261
   * §18.2.2).
   */
  public ViaHeader newVia(String transport) {
    HostPort at = address(transport);
    try {
      return headerFactory().createViaHeader(at.host(), at.port(), transport, newBranch());
    } catch (ParseException | InvalidArgumentException e) {
      throw new IllegalStateException("cannot build Via", e);
    }
  }

  /**
   * Sends a request in a new client transaction. If the request belongs to {@code dialog} (built
   * with {@code dialog.createRequest}), it is sent through the dialog so its CSeq and route set are
   * tracked.
   */
  public OutboundTransaction send(Request request, Dialog dialog) {
    OutboundTransaction out = new OutboundTransaction(this, request);
    try {
      ClientTransaction ct = provider.getNewClientTransaction(request);
      out.bind(ct);
      ct.setApplicationData(out);
      if (dialog != null) {
        dialog.sendRequest(ct);
      } else {
        ct.sendRequest();
      }
    } catch (SipException | RuntimeException e) {
      LOG.debug("{}: cannot send {}: {}", name(), request.getMethod(), e.toString());
      out.failLocally(Response.SERVICE_UNAVAILABLE, "cannot send: " + e.getMessage());
    }
    return out;
  }

  /** Sends a request outside any dialog in a new client transaction. */
  public OutboundTransaction send(Request request) {
    return send(request, null);
  }

  /** Sends a request without a transaction (ACK for 2xx, stateless proxying). */
  public void sendStateless(Request request) throws SipException {
    provider.sendRequest(request);
  }

  /** Sends a response without a transaction (forwarding stray 2xx retransmissions). */
  public void sendStateless(Response response) throws SipException {
    provider.sendResponse(response);
  }

  /** The ACK for a 2xx, sent through the dialog (RFC 3261 §13.2.2.4). */
  public void ack(Dialog dialog, Response ok) throws SipException {
    try {
      long cseq = ((javax.sip.header.CSeqHeader) ok.getHeader("CSeq")).getSeqNumber();
      Request ack = dialog.createAck(cseq);
      dialog.sendAck(ack);
    } catch (InvalidArgumentException e) {
      throw new SipException("cannot build ACK", e);
    }
  }

  /** Who sent a request from {@code source} on {@code channel} ({@link EndpointGuard#source}). */
  TrustPolicy.Source sender(
      InetSocketAddress source, gov.nist.javax.sip.stack.MessageChannel channel) {
    return guard.source(source, channel);
  }

  /** Where a received message came from: the packet's source, not what its Via claims. */
  static InetSocketAddress sourceOf(javax.sip.message.Message message) {
    SIPMessage m = (SIPMessage) message;
    if (m.getPeerPacketSourceAddress() != null) {
      return new InetSocketAddress(m.getPeerPacketSourceAddress(), m.getPeerPacketSourcePort());
    }
    if (m.getRemoteAddress() != null) {
      return new InetSocketAddress(m.getRemoteAddress(), m.getRemotePort());
    }
    return InetSocketAddress.createUnresolved("unknown", 1);
  }

  @Override
  public void close() {
    try {
      for (ListeningPoint lp : provider.getListeningPoints()) {
        try {
          provider.removeListeningPoint(lp);
          stack.deleteListeningPoint(lp);
        } catch (ObjectInUseException | RuntimeException e) {
          // RuntimeException: JAIN-SIP's UDP processor fills its channel list on its own thread
          // after start, so a close right after start can throw ConcurrentModificationException.
          LOG.debug("{}: cannot delete listening point: {}", name(), e.toString());
        }
      }
      stack.deleteSipProvider(provider);
    } catch (ObjectInUseException e) {
      LOG.debug("{}: provider still in use: {}", name(), e.toString());
    } finally {
      SipCapture.gone(config.listen());
      if (config.tls() != null) {
        SipCapture.gone(config.tls().listen());
      }
      stack.stop();
      guard.release();
      LOG.info("{} stopped", name());
    }
  }

  /**
   * The stack's callbacks, translated into Baton's and kept from ever throwing into the stack. They
   * run on the stack's own threads, and JAIN-SIP 1.3.0-91 lets any {@link Error} end such a thread
   * for good (a UDP processor thread catches only {@link Exception}): an element's recursion gone
   * too deep costs the one message, never one of the stack's few threads.
   */
  private final class Listener implements SipListener {

    @Override
    public void processRequest(RequestEvent event) {
      Request request = event.getRequest();
      ServerTransaction st = event.getServerTransaction();
      if (st == null && !Request.ACK.equals(request.getMethod())) {
        try {
          st = newServerTransaction(request);
        } catch (TransactionAlreadyExistsException e) {
          return; // a retransmission the transaction layer already absorbs
        } catch (SipException e) {
          refuse(request, e);
          return;
        }
      }
      InboundRequest inbound =
          new InboundRequest(SipEndpoint.this, request, st, event.getDialog(), sourceOf(request));
      try {
        handler.onRequest(inbound);
      } catch (RuntimeException | StackOverflowError e) {
        LOG.error("{}: handler failed on {}", name(), request.getMethod(), e);
        inbound.respondIfPending(Response.SERVER_INTERNAL_ERROR);
      }
    }

    /**
     * JAIN-SIP 1.3.0-91 makes a server transaction only for a request with Max-Forwards, which RFC
     * 3261 does not ask of a request a UAS takes (§8.2) and which a proxy must add itself (§16.6
     * step 3): the stack is lent one for its check and the element gets the request as it came.
     */
    private ServerTransaction newServerTransaction(Request request) throws SipException {
      if (request.getHeader(MaxForwardsHeader.NAME) != null) {
        return provider.getNewServerTransaction(request);
      }
      try {
        request.setHeader(messages.headerFactory().createMaxForwardsHeader(70));
      } catch (InvalidArgumentException e) {
        throw new IllegalStateException(e);
      }
      try {
        return provider.getNewServerTransaction(request);
      } finally {
        request.removeHeader(MaxForwardsHeader.NAME);
      }
    }

    /**
     * A request the stack will not take a transaction for because a header field it requires is
     * missing (a NOTIFY's Subscription-State, an INVITE's Contact): {@code 400} naming it, sent
     * statelessly, rather than silence (RFC 3261 §8.2.2 ... §21.4.1).
     */
    private void refuse(Request request, SipException e) {
      if (!(e.getCause() instanceof ParseException missing)) {
        LOG.debug(
            "{}: no server transaction for {}: {}", name(), request.getMethod(), e.toString());
        return;
      }
      String reason = missing.getMessage().replace("Missing a required header : ", "Missing ");
      try {
        Response bad = messages.messageFactory().createResponse(Response.BAD_REQUEST, request);
        bad.setReasonPhrase(reason.contains("Missing") ? reason + " header field" : reason);
        ToHeader to = (ToHeader) bad.getHeader(ToHeader.NAME);
        if (to.getTag() == null) {
          to.setTag(newTag());
        }
        provider.sendResponse(bad);
      } catch (ParseException | SipException | RuntimeException failed) {
        LOG.debug("{}: cannot refuse {}: {}", name(), request.getMethod(), failed.toString());
      }
    }

    @Override
    public void processResponse(ResponseEvent event) {
      Response response = event.getResponse();
      ClientTransaction ct = event.getClientTransaction();
      try {
        if (ct != null && ct.getApplicationData() instanceof OutboundTransaction out) {
          if (event instanceof ResponseEventExt ext && ext.isRetransmission()) {
            // With dialogs the stack re-sends the ACK for a retransmitted 2xx itself (RFC 3261
            // §13.2.2.4); a proxy must forward it upstream statelessly (§16.7 step 10).
            if (mode == StackMode.TRANSACTIONS_ONLY || mode == StackMode.PROXY) {
              handler.onStrayResponse(
                  new InboundResponse(response, event.getDialog(), sourceOf(response)));
            }
            return;
          }
          out.onResponse(response, event.getDialog());
        } else {
          handler.onStrayResponse(
              new InboundResponse(response, event.getDialog(), sourceOf(response)));
        }
      } catch (RuntimeException | StackOverflowError e) {
        LOG.error("{}: response handling failed", name(), e);
      }
    }

    @Override
    public void processTimeout(TimeoutEvent event) {
      if (!event.isServerTransaction()
          && event.getClientTransaction().getApplicationData() instanceof OutboundTransaction out) {
        out.failLocally(Response.REQUEST_TIMEOUT, "no response (timer " + event.getTimeout() + ")");
      }
    }

    @Override
    public void processIOException(IOExceptionEvent event) {
      LOG.debug(
          "{}: transport error towards {}:{}/{}",
          name(),
          event.getHost(),
          event.getPort(),
          event.getTransport());
    }

    @Override
    public void processTransactionTerminated(TransactionTerminatedEvent event) {}

    @Override
    public void processDialogTerminated(DialogTerminatedEvent event) {
      try {
        handler.onDialogTerminated(event.getDialog());
      } catch (RuntimeException | StackOverflowError e) {
        LOG.error("{}: dialog termination handling failed", name(), e);
      }
    }
  }

  /** The endpoint's own address as a SIP URI, e.g. for Record-Route or Contact. */
  public SipURI uri(String user) {
    return messages.uri(user, address());
  }

  /** {@code <sip:user@host:port>} naming this endpoint. */
  public Address contact(String user) {
    return messages.address(uri(user));
  }

  /**
   * This endpoint as reached over {@code transport}: {@code <sip:user@host:port;transport=tcp>},
   * over TLS its TLS address with {@code transport=tls}, so requests in the dialog come back over
   * the same transport (RFC 3261 §12.1.1, §8.1.1.8).
   */
  public Address contact(String user, String transport) {
    SipURI uri = messages.uri(user, address(transport));
    if ("tcp".equalsIgnoreCase(transport) || "tls".equalsIgnoreCase(transport)) {
      try {
        uri.setTransportParam(transport.toLowerCase(java.util.Locale.ROOT));
      } catch (ParseException e) {
        throw new IllegalStateException(e);
      }
    }
    return messages.address(uri);
  }
}
