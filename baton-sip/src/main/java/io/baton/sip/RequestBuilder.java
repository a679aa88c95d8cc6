package io.baton.sip;

import java.text.ParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import javax.sip.InvalidArgumentException;
import javax.sip.address.Address;
import javax.sip.address.SipURI;
import javax.sip.address.URI;
import javax.sip.header.CSeqHeader;
import javax.sip.header.CallIdHeader;
import javax.sip.header.FromHeader;
import javax.sip.header.Header;
import javax.sip.header.MaxForwardsHeader;
import javax.sip.header.ToHeader;
import javax.sip.header.ViaHeader;
import javax.sip.message.Request;

/**
 * An out-of-dialog request from one endpoint, read as "what to send": everything left unset gets
 * the RFC 3261 §8.1.1 default (fresh Call-ID and From tag, CSeq 1, Max-Forwards 70, this element's
 * Via and Contact).
 */
public final class RequestBuilder {
  private static final Set<String> WITH_CONTACT =
      Set.of(Request.INVITE, Request.REFER, Request.SUBSCRIBE, Request.NOTIFY, Request.UPDATE);

  private final SipEndpoint endpoint;
  private final Messages messages;
  private final String method;
  private final URI requestUri;
  private Address from;
  private String fromTag;
  private Address to;
  private String callId;
  private long cseq = 1;
  private String transport;
  private Address contact;
  private String body;
  private String bodyType;
  private final List<Header> headers = new ArrayList<>();

  RequestBuilder(SipEndpoint endpoint, String method, URI requestUri) {
    this.endpoint = endpoint;
    this.messages = endpoint.messages();
    this.method = method;
    this.requestUri = requestUri;
  }

  public RequestBuilder from(Address from) {
    this.from = from;
    return this;
  }

  public RequestBuilder fromTag(String tag) {
    this.fromTag = tag;
    return this;
  }

  public RequestBuilder to(Address to) {
    this.to = to;
    return this;
  }

  public RequestBuilder callId(String callId) {
    this.callId = callId;
    return this;
  }

  public RequestBuilder cseq(long cseq) {
    this.cseq = cseq;
    return this;
  }

  /** Transport for Via; by default the Request-URI's {@code transport} parameter, else UDP. */
  public RequestBuilder transport(String transport) {
    this.transport = transport;
    return this;
  }

  public RequestBuilder contact(Address contact) {
    this.contact = contact;
    return this;
  }

  public RequestBuilder header(String name, String value) {
    headers.add(messages.header(name, value));
    return this;
  }

  public RequestBuilder header(Header header) {
    headers.add(header);
    return this;
  }

  /** Body with its media type, e.g. {@code body("application/sdp", sdp)}. */
  public RequestBuilder body(String mediaType, String body) {
    this.bodyType = mediaType;
    this.body = body;
    return this;
  }

  public Request build() {
    try {
      String via = transport != null ? transport : transportOf(requestUri);
      Address fromAddress = from != null ? from : endpoint.contact(endpoint.name());
      FromHeader fromHeader =
          messages
              .headerFactory()
              .createFromHeader(fromAddress, fromTag != null ? fromTag : SipEndpoint.newTag());
      ToHeader toHeader =
          messages
              .headerFactory()
              .createToHeader(to != null ? to : messages.address(requestUri), null);
      CallIdHeader callIdHeader =
          messages
              .headerFactory()
              .createCallIdHeader(callId != null ? callId : endpoint.newCallId());
      CSeqHeader cseqHeader = messages.headerFactory().createCSeqHeader(cseq, method);
      MaxForwardsHeader maxForwards = messages.headerFactory().createMaxForwardsHeader(70);
      List<ViaHeader> vias = new ArrayList<>(List.of(endpoint.newVia(via)));
      Request request =
          messages
              .messageFactory()
              .createRequest(
                  requestUri,
                  method,
                  callIdHeader,
                  cseqHeader,
                  fromHeader,
                  toHeader,
                  vias,
                  maxForwards);
      if (WITH_CONTACT.contains(method)) {
        Address c = contact != null ? contact : endpoint.contact(null, via);
        request.setHeader(messages.headerFactory().createContactHeader(c));
      }
      for (Header h : headers) {
        request.addHeader(h);
      }
      if (body != null) {
        String[] type = bodyType.split("/", 2);
        messages.setBody(request, type[0], type[1], body);
      }
      return request;
    } catch (ParseException | InvalidArgumentException e) {
      throw new IllegalArgumentException("cannot build " + method + " to " + requestUri, e);
    }
  }

  /** A {@code sips:} URI's next hop is TLS (RFC 3261 §26.2.2), else its transport parameter's. */
  static String transportOf(URI uri) {
    if (uri instanceof SipURI sip && sip.isSecure()) {
      return "tls";
    }
    if (uri instanceof SipURI sip && sip.getTransportParam() != null) {
      return sip.getTransportParam().toLowerCase(java.util.Locale.ROOT);
    }
    return "udp";
  }
}
