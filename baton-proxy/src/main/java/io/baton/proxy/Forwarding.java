package io.baton.proxy;

import io.baton.sip.HostPort;
import io.baton.sip.InboundRequest;
import io.baton.sip.Messages;
import io.baton.sip.NextHop;
import io.baton.sip.OutboundTransaction;
import io.baton.sip.SipEndpoint;
import java.text.ParseException;
import java.util.List;
import java.util.ListIterator;
import java.util.Locale;
import java.util.function.Consumer;
import javax.sip.InvalidArgumentException;
import javax.sip.SipException;
import javax.sip.address.SipURI;
import javax.sip.address.URI;
import javax.sip.header.CSeqHeader;
import javax.sip.header.MaxForwardsHeader;
import javax.sip.header.RecordRouteHeader;
import javax.sip.header.RouteHeader;
import javax.sip.header.ToHeader;
import javax.sip.header.ViaHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The proxy's request and response handling of RFC 3261 §16, one step per method: validation
 * (§16.3), Route processing (§16.4), building the forwarded copy (§16.6) and relaying responses
 * (§16.7).
 */
final class Forwarding {
  private static final Logger LOG = LoggerFactory.getLogger(Forwarding.class);
  private static final int DEFAULT_MAX_FORWARDS = 70;

  private final SipEndpoint endpoint;

  Forwarding(SipEndpoint endpoint) {
    this.endpoint = endpoint;
  }

  /** §16.3 item 2: a request that may not be forwarded any further. */
  static boolean tooManyHops(Request request) {
    MaxForwardsHeader mf = (MaxForwardsHeader) request.getHeader(MaxForwardsHeader.NAME);
    return mf != null && mf.getMaxForwards() <= 0;
  }

  /**
   * §16.3 item 4: the request already passed this proxy. The proxy's routing depends only on the
   * Request-URI user, which it never changes, so a request that comes back is a loop, never a
   * spiral.
   */
  boolean looped(Request request) {
    for (ListIterator<?> it = request.getHeaders(ViaHeader.NAME); it.hasNext(); ) {
      if (isOwn((ViaHeader) it.next())) {
        return true;
      }
    }
    return false;
  }

  /**
   * §16.6 items 1, 3: a copy to forward, with Max-Forwards decremented and, §16.4, the proxy's own
   * top Route removed (it record-routes with {@code lr}, so it is a loose router).
   */
  Request copyToForward(Request request) {
    Request copy = (Request) request.clone();
    MaxForwardsHeader mf = (MaxForwardsHeader) copy.getHeader(MaxForwardsHeader.NAME);
    try {
      if (mf == null) {
        copy.setHeader(endpoint.headerFactory().createMaxForwardsHeader(DEFAULT_MAX_FORWARDS));
      } else {
        mf.setMaxForwards(mf.getMaxForwards() - 1);
      }
    } catch (InvalidArgumentException e) {
      throw new IllegalStateException("Max-Forwards", e);
    }
    // its own Routes: two where it record-routed twice, one per transport (RFC 5658 §3.2)
    for (RouteHeader top = (RouteHeader) copy.getHeader(RouteHeader.NAME);
        top != null && isOwn(top.getAddress().getURI());
        top = (RouteHeader) copy.getHeader(RouteHeader.NAME)) {
      copy.removeFirst(RouteHeader.NAME);
    }
    return copy;
  }

  /**
   * §16.4: the request is for this proxy itself, not to be forwarded: its Request-URI names the
   * proxy and no Route names anyone else.
   */
  boolean addressedToSelf(Request request) {
    for (ListIterator<?> it = request.getHeaders(RouteHeader.NAME); it.hasNext(); ) {
      if (!isOwn(((RouteHeader) it.next()).getAddress().getURI())) {
        return false;
      }
    }
    return isOwn(request.getRequestURI());
  }

  /**
   * §16.5/§16.6 item 2: the Request-URI now names the next hop, user part kept, with the hop's
   * transport when it names one.
   */
  static void retarget(Request request, NextHop nextHop) {
    if (!(request.getRequestURI() instanceof SipURI sip)) {
      throw new IllegalArgumentException("not a SIP Request-URI: " + request.getRequestURI());
    }
    SipURI target = (SipURI) sip.clone();
    try {
      target.setHost(nextHop.address().host());
      if (nextHop.transport() != null) {
        target.setTransportParam(nextHop.transport());
      }
    } catch (ParseException e) {
      throw new IllegalArgumentException("bad next hop " + nextHop, e);
    }
    target.setPort(nextHop.address().port());
    request.setRequestURI(target);
  }

  /**
   * §16.6 item 4: {@code Record-Route: <sip:proxy;lr>} keeps the proxy on the dialog's path. A
   * request that arrived over one transport and leaves over another is record-routed twice, each
   * entry naming the address and transport its side reaches the proxy at (RFC 5658 §3.2): the lower
   * one for the caller's side, the top one for the callee's.
   */
  void recordRoute(Request request, String arrivedOver) {
    String leavingOver = transportTowards(request);
    addRecordRoute(request, arrivedOver);
    if (!leavingOver.equalsIgnoreCase(arrivedOver)) {
      addRecordRoute(request, leavingOver);
    }
  }

  private void addRecordRoute(Request request, String transport) {
    SipURI self = (SipURI) endpoint.contact(null, transport).getURI();
    try {
      self.setLrParam();
      RecordRouteHeader rr =
          endpoint.headerFactory().createRecordRouteHeader(endpoint.messages().address(self));
      request.addFirst(rr);
    } catch (SipException e) {
      throw new IllegalStateException("cannot add Record-Route", e);
    }
  }

  /** §16.6 item 8: the proxy's own Via on top, with a fresh branch. */
  void addVia(Request request) {
    try {
      request.addFirst(endpoint.newVia(transportTowards(request)));
    } catch (SipException e) {
      throw new IllegalStateException("cannot add Via", e);
    }
  }

  /**
   * Forwards statefully (§16.6 item 10): one client transaction per server transaction; every
   * provisional response but 100 and the final one go back upstream (§16.7). The hooks see each
   * response before the upstream side does, so state they record (a confirmed dialog) is in place
   * when the next request of the dialog arrives.
   */
  OutboundTransaction relay(
      InboundRequest upstream,
      Request forward,
      Consumer<Response> onProvisional,
      Consumer<Response> onFinal) {
    OutboundTransaction out = endpoint.send(forward);
    out.onProvisional(
        r -> {
          try {
            onProvisional.accept(r);
          } finally {
            if (r.getStatusCode() > 100) {
              upstream.respond(towardsUpstream(r, upstream));
            }
          }
        });
    out.finalResponse()
        .thenAccept(
            r -> {
              try {
                onFinal.accept(r);
              } finally {
                upstream.respond(towardsUpstream(r, upstream));
              }
            })
        .exceptionally(
            e -> {
              LOG.error("{}: handling a response to {} failed", endpoint.name(), upstream, e);
              return null;
            });
    return out;
  }

  /**
   * §16.7 item 9: the response without the proxy's Via. Its CSeq is the upstream request's (it
   * differs where the proxy shifted a callee-side CSeq); a response the proxy made up itself (408,
   * 503) gets the upstream side's To tag.
   */
  private static Response towardsUpstream(Response downstream, InboundRequest upstream) {
    Response response = (Response) downstream.clone();
    response.removeFirst(ViaHeader.NAME);
    try {
      ((CSeqHeader) response.getHeader(CSeqHeader.NAME))
          .setSeqNumber(Messages.cseq(upstream.request()));
      ToHeader to = (ToHeader) response.getHeader(ToHeader.NAME);
      if (to.getTag() == null && response.getStatusCode() > 100) {
        to.setTag(upstream.localTag());
      }
    } catch (InvalidArgumentException | ParseException e) {
      throw new IllegalStateException("cannot relay " + response.getStatusCode(), e);
    }
    return response;
  }

  /** Forwards without a transaction: ACK for 2xx (§16.6 item 10, §13.2.2.4 end to end). */
  void sendStateless(Request request) {
    try {
      endpoint.sendStateless(request);
    } catch (SipException | RuntimeException e) {
      LOG.debug("{}: cannot forward {}: {}", endpoint.name(), request.getMethod(), e.toString());
    }
  }

  /**
   * §16.7 for a response that matches no transaction (a retransmitted 2xx to INVITE): forwarded
   * statelessly without the proxy's Via; one not carrying the proxy's Via on top is dropped.
   */
  boolean relayStray(Response response) {
    ViaHeader top = (ViaHeader) response.getHeader(ViaHeader.NAME);
    if (top == null || !isOwn(top)) {
      return false;
    }
    response.removeFirst(ViaHeader.NAME);
    if (response.getHeader(ViaHeader.NAME) == null) {
      return false; // a response to a request the proxy itself sent
    }
    try {
      endpoint.sendStateless(response);
      return true;
    } catch (SipException | RuntimeException e) {
      LOG.debug("{}: cannot relay a stray {}: {}", endpoint.name(), response.getStatusCode(), e);
      return false;
    }
  }

  /** Sets the CSeq number of a request or response. */
  static void setCseq(javax.sip.message.Message message, long cseq) {
    try {
      ((CSeqHeader) message.getHeader(CSeqHeader.NAME)).setSeqNumber(cseq);
    } catch (InvalidArgumentException e) {
      throw new IllegalArgumentException("bad CSeq " + cseq, e);
    }
  }

  private boolean isOwn(ViaHeader via) {
    HostPort self = endpoint.address();
    int port = via.getPort() > 0 ? via.getPort() : 5060;
    return self.host().equalsIgnoreCase(via.getHost()) && self.port() == port;
  }

  private boolean isOwn(URI uri) {
    if (!(uri instanceof SipURI sip)) {
      return false;
    }
    int port = sip.getPort() > 0 ? sip.getPort() : 5060;
    for (HostPort self : List.of(endpoint.address(), endpoint.address("tls"))) {
      if (self.host().equalsIgnoreCase(sip.getHost()) && self.port() == port) {
        return true;
      }
    }
    return false;
  }

  /** The transport the stack will use: the next Route's, else the Request-URI's, else UDP. */
  private static String transportTowards(Request request) {
    RouteHeader route = (RouteHeader) request.getHeader(RouteHeader.NAME);
    URI next = route != null ? route.getAddress().getURI() : request.getRequestURI();
    if (next instanceof SipURI sip && sip.isSecure()) {
      return "tls";
    }
    if (next instanceof SipURI sip && sip.getTransportParam() != null) {
      return sip.getTransportParam().toLowerCase(Locale.ROOT);
    }
    return "udp";
  }
}
