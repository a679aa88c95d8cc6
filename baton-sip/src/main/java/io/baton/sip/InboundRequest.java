package io.baton.sip;

import gov.nist.javax.sip.ServerTransactionExt;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.stack.MessageChannel;
import java.net.InetSocketAddress;
import java.text.ParseException;
import java.util.Set;
import javax.sip.Dialog;
import javax.sip.InvalidArgumentException;
import javax.sip.ServerTransaction;
import javax.sip.SipException;
import javax.sip.address.Address;
import javax.sip.header.ContactHeader;
import javax.sip.header.ToHeader;
import javax.sip.header.ViaHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A request that reached an element, with its server transaction (null only for ACK) and where it
 * came from. Responses go out through {@link #respond}; every response to one request carries the
 * same To tag, so the dialog it creates is stable (RFC 3261 §8.2.6.2).
 */
public final class InboundRequest {
  private static final Logger LOG = LoggerFactory.getLogger(InboundRequest.class);
  private static final Set<String> DIALOG_CREATING =
      Set.of(Request.INVITE, Request.REFER, Request.SUBSCRIBE);

  private final SipEndpoint endpoint;
  private final Request request;
  private final ServerTransaction transaction;
  private final Dialog dialog;
  private final InetSocketAddress source;
  private volatile String localTag;
  private volatile boolean finalSent;

  InboundRequest(
      SipEndpoint endpoint,
      Request request,
      ServerTransaction transaction,
      Dialog dialog,
      InetSocketAddress source) {
    this.endpoint = endpoint;
    this.request = request;
    this.transaction = transaction;
    this.dialog = dialog;
    this.source = source;
  }

  public SipEndpoint endpoint() {
    return endpoint;
  }

  public Request request() {
    return request;
  }

  public String method() {
    return request.getMethod();
  }

  /** The server transaction; null for ACK, which has none (RFC 3261 §17). */
  public ServerTransaction transaction() {
    return transaction;
  }

  /** The dialog the stack matched this request to, or created for it; may be null. */
  public Dialog dialog() {
    if (dialog != null) {
      return dialog;
    }
    return transaction == null ? null : transaction.getDialog();
  }

  /** The packet's source address (for trust decisions: never the Via, which anyone can write). */
  public InetSocketAddress source() {
    return source;
  }

  /**
   * Who sent it, for the element's {@link TrustPolicy}: the packet's source and the transport it
   * really arrived on (the receiving channel's, not the Via's claim), and over TLS the identity the
   * peer's verified certificate carries (that of the connection, not of any header).
   */
  public TrustPolicy.Source sender() {
    if (request instanceof SIPRequest sip && sip.getMessageChannel() instanceof MessageChannel ch) {
      return endpoint.sender(source, ch);
    }
    return new TrustPolicy.Source(source, transport(), null);
  }

  /** The transport it arrived on: {@code udp} or {@code tcp}. */
  public String transport() {
    ViaHeader via = (ViaHeader) request.getHeader(ViaHeader.NAME);
    return via == null ? "udp" : via.getTransport().toLowerCase(java.util.Locale.ROOT);
  }

  /** First value of a header, e.g. {@code header(BatonHeaders.CALL_ID)}; null if absent. */
  public String header(String name) {
    return Messages.headerValue(request, name);
  }

  /** True if this request is inside a dialog (its To carries a tag, RFC 3261 §12.2). */
  public boolean inDialog() {
    return ((ToHeader) request.getHeader(ToHeader.NAME)).getTag() != null;
  }

  /** For a CANCEL: the INVITE transaction it cancels, or null (RFC 3261 §9.2). */
  public ServerTransaction canceledInvite() {
    return transaction instanceof ServerTransactionExt ext
        ? ext.getCanceledInviteTransaction()
        : null;
  }

  /** A response with this request's To tag and, where it creates a dialog, a Contact. */
  public Response createResponse(int status) {
    try {
      Response response = endpoint.messageFactory().createResponse(status, request);
      ToHeader to = (ToHeader) response.getHeader(ToHeader.NAME);
      if (status > 100 && to.getTag() == null) {
        to.setTag(localTag());
      }
      if (DIALOG_CREATING.contains(method()) && status > 100 && status < 300) {
        Address contact = endpoint.contact(null, transport());
        response.setHeader(endpoint.headerFactory().createContactHeader(contact));
      }
      return response;
    } catch (ParseException e) {
      throw new IllegalStateException("cannot build " + status + " response", e);
    }
  }

  /** The To tag this element answers with; generated once per request. */
  public String localTag() {
    String tag = localTag;
    if (tag == null) {
      synchronized (this) {
        if (localTag == null) {
          String existing = ((ToHeader) request.getHeader(ToHeader.NAME)).getTag();
          localTag = existing != null ? existing : SipEndpoint.newTag();
        }
        tag = localTag;
      }
    }
    return tag;
  }

  public boolean respond(int status) {
    return respond(createResponse(status));
  }

  /** Responds with a custom reason phrase, e.g. {@code 403 "Untrusted source"}. */
  public boolean respond(int status, String reason) {
    Response response = createResponse(status);
    try {
      response.setReasonPhrase(reason);
    } catch (ParseException e) {
      throw new IllegalArgumentException("bad reason phrase " + reason, e);
    }
    return respond(response);
  }

  /**
   * Sends a response; false (and logged) if the transaction is already gone. One to a sender
   * outside the network is scrubbed first ({@link SipEndpoint#hideTopologyFrom}).
   */
  public boolean respond(Response response) {
    if (transaction == null) {
      LOG.debug("{}: no transaction to answer {}", endpoint.name(), method());
      return false;
    }
    if (endpoint.outsider(this)) {
      TopologyHiding.scrub(response);
    }
    try {
      transaction.sendResponse(response);
      if (response.getStatusCode() >= 200) {
        finalSent = true;
      }
      return true;
    } catch (SipException | InvalidArgumentException | IllegalStateException e) {
      LOG.debug(
          "{}: cannot send {} to {}: {}",
          endpoint.name(),
          response.getStatusCode(),
          method(),
          e.toString());
      return false;
    }
  }

  /** True once a final response has been sent. */
  public boolean answered() {
    return finalSent;
  }

  void respondIfPending(int status) {
    if (!finalSent && transaction != null) {
      respond(status);
    }
  }

  /** The Contact of this request, or null. */
  public Address contact() {
    ContactHeader c = (ContactHeader) request.getHeader(ContactHeader.NAME);
    return c == null ? null : c.getAddress();
  }

  @Override
  public String toString() {
    return method() + " " + request.getRequestURI() + " from " + source;
  }
}
