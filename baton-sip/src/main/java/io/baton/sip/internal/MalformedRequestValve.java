package io.baton.sip.internal;

import gov.nist.javax.sip.header.RetryAfter;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.message.SIPResponse;
import gov.nist.javax.sip.stack.MessageChannel;
import gov.nist.javax.sip.stack.SIPMessageValve;
import io.baton.sip.DialogOwners;
import io.baton.sip.SipEndpoint;
import io.baton.sip.TrustPolicy;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Locale;
import java.util.Set;
import javax.sip.SipStack;
import javax.sip.header.ToHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sorts out, statelessly and before any transaction exists ({@code SIP_MESSAGE_VALVE}), the
 * requests no Baton element may take, in this order: the request whose arrival put its source over
 * its rate ({@link io.baton.sip.Pike}, counted on the wire) gets {@code 503} with {@code
 * Retry-After} (RFC 3261 §21.5.4; the rest are dropped on the wire for the ban); those {@link
 * CheckedMessageParser} found malformed get {@code 400} with the problem as reason phrase (§21.4.1)
 * or {@code 505} for another SIP version; those whose Request-URI scheme is neither {@code sip},
 * {@code sips} nor {@code tel} get {@code 416} (§8.2.2.1, §16.3 item 3); and a method no RFC
 * defines gets {@code 501} (§8.2.1, §21.5.2), except at a proxy, which forwards it (§16.6); last, a
 * request the element's {@link TrustPolicy} refuses gets {@code 403} (an ACK is dropped) before any
 * transaction or dialog sees it.
 */
public final class MalformedRequestValve implements SIPMessageValve {
  private static final Logger LOG = LoggerFactory.getLogger(MalformedRequestValve.class);
  private static final Set<String> SCHEMES = Set.of("sip", "sips", "tel");

  /** The methods of IANA's SIP Methods registry (RFC 3261, 3262, 3265, 3311, 3428, 3515, 3903). */
  private static final Set<String> METHODS =
      Set.of(
          "INVITE",
          "ACK",
          "BYE",
          "CANCEL",
          "OPTIONS",
          "REGISTER",
          "PRACK",
          "SUBSCRIBE",
          "NOTIFY",
          "PUBLISH",
          "INFO",
          "REFER",
          "MESSAGE",
          "UPDATE");

  private SipStack stack;

  public MalformedRequestValve() {}

  @Override
  public boolean processRequest(SIPRequest request, MessageChannel channel) {
    EndpointGuard guard = EndpointGuard.of(stack);
    if (!withinRate(guard, request, channel)) {
      return false;
    }
    if (request.getApplicationData() instanceof CheckedMessageParser.Malformed malformed) {
      SIPResponse response = request.createResponse(malformed.status(), malformed.reason());
      malformed.placeholders().forEach(response::removeHeader);
      send(response, channel);
      return false;
    }
    String scheme = request.getRequestURI().getScheme().toLowerCase(Locale.ROOT);
    if (!SCHEMES.contains(scheme) && !Request.ACK.equals(request.getMethod())) {
      send(request.createResponse(Response.UNSUPPORTED_URI_SCHEME), channel);
      return false;
    }
    if (guard.answersUnknownMethods() && !METHODS.contains(request.getMethod())) {
      send(request.createResponse(Response.NOT_IMPLEMENTED), channel);
      return false;
    }
    return trusted(guard, request, channel);
  }

  /**
   * Asks the element's trust policy before the stack's dialog layer sees the request: a refused
   * in-dialog request must not move the dialog's remote CSeq, or the peer's next request in it gets
   * {@code 500} (RFC 3261 §12.2.2) and a stranger who knows a dialog could keep its call from
   * ending. The element asks again ({@link io.baton.sip.Admission}), for the requests this lets by.
   */
  private static boolean trusted(EndpointGuard guard, SIPRequest request, MessageChannel channel) {
    TrustPolicy policy = guard.trust();
    if (policy == null) {
      return true;
    }
    TrustPolicy.Source source = guard.source(source(channel), channel);
    boolean inDialog = request.getToTag() != null;
    TrustPolicy.Decision decision = policy.decide(source, request.getMethod(), inDialog);
    if (!decision.allowed()) {
      return refused(guard, request, channel, source, "not trusted for it");
    }
    if (decision.fromPeer() || !(inDialog || isCancelOrAck(request))) {
      return true;
    }
    DialogOwners owners = guard.dialogOwners();
    InetAddress owner = owners == null ? null : owners.hostOf(request.getCallId().getCallId());
    if (owner == null || owner.equals(source.address().getAddress())) {
      return true;
    }
    return refused(guard, request, channel, source, "its dialog is another host's");
  }

  /** Answers {@code 403} (an ACK is dropped) and logs why; always false. */
  private static boolean refused(
      EndpointGuard guard,
      SIPRequest request,
      MessageChannel channel,
      TrustPolicy.Source source,
      String why) {
    LOG.info(
        "{}: {} {} from {} refused: {}",
        guard.id(),
        request.getMethod(),
        request.getRequestURI(),
        source,
        why);
    if (!Request.ACK.equals(request.getMethod())) {
      send(request.createResponse(Response.FORBIDDEN), channel);
    }
    return false;
  }

  private static boolean isCancelOrAck(SIPRequest request) {
    return Request.CANCEL.equals(request.getMethod()) || Request.ACK.equals(request.getMethod());
  }

  /** Where the request came from: the packet's source (not what its Via says). */
  private static InetSocketAddress source(MessageChannel channel) {
    return channel.getPeerPacketSourceAddress() != null
        ? new InetSocketAddress(
            channel.getPeerPacketSourceAddress(), channel.getPeerPacketSourcePort())
        : new InetSocketAddress(channel.getPeerAddress(), channel.getPeerPort());
  }

  /**
   * Answers {@code 503} with {@code Retry-After} the request whose arrival banned its source
   * (counted on the wire by {@link GuardedNetworkLayer}); false if it did.
   */
  private static boolean withinRate(
      EndpointGuard guard, SIPRequest request, MessageChannel channel) {
    InetSocketAddress source = source(channel);
    if (!guard.pike().takeRefusal(source)) {
      return true;
    }
    LOG.info("{}: {} is over its request rate: banned", guard.id(), source);
    if (!Request.ACK.equals(request.getMethod())) {
      SIPResponse busy = request.createResponse(Response.SERVICE_UNAVAILABLE, "Rate limited");
      RetryAfter retryAfter = new RetryAfter();
      try {
        retryAfter.setRetryAfter((int) guard.pike().banSecondsLeft(source));
      } catch (javax.sip.InvalidArgumentException e) {
        throw new IllegalStateException(e);
      }
      busy.setHeader(retryAfter);
      send(busy, channel);
    }
    return false;
  }

  /** Sends on the channel the request came in on; a response with no To tag gets one (§8.2.6.2). */
  private static void send(SIPResponse response, MessageChannel channel) {
    try {
      ToHeader to = (ToHeader) response.getHeader(ToHeader.NAME);
      if (to != null && to.getTag() == null) {
        to.setTag(SipEndpoint.newTag());
      }
      LOG.debug("answering {} from {}", response.getFirstLine().trim(), channel.getPeerAddress());
      channel.sendMessage(response);
    } catch (IOException | java.text.ParseException e) {
      LOG.debug("cannot answer a malformed request: {}", e.toString());
    }
  }

  @Override
  public boolean processResponse(Response response, MessageChannel channel) {
    return true;
  }

  @Override
  public void init(SipStack stack) {
    this.stack = stack;
  }

  @Override
  public void destroy() {}
}
