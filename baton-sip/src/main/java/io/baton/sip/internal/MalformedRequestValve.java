package io.baton.sip.internal;

import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.message.SIPResponse;
import gov.nist.javax.sip.stack.MessageChannel;
import gov.nist.javax.sip.stack.SIPMessageValve;
import io.baton.sip.SipEndpoint;
import java.io.IOException;
import java.util.Locale;
import java.util.Set;
import javax.sip.SipStack;
import javax.sip.header.ToHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers, statelessly and before any transaction exists ({@code SIP_MESSAGE_VALVE}), the requests
 * no Baton element can take: those {@link CheckedMessageParser} found malformed get {@code 400}
 * with the problem as reason phrase (RFC 3261 §21.4.1) or {@code 505} for another SIP version, and
 * those whose Request-URI scheme is neither {@code sip}, {@code sips} nor {@code tel} get {@code
 * 416} (§8.2.2.1, §16.3 item 3).
 */
public final class MalformedRequestValve implements SIPMessageValve {
  private static final Logger LOG = LoggerFactory.getLogger(MalformedRequestValve.class);
  private static final Set<String> SCHEMES = Set.of("sip", "sips", "tel");

  public MalformedRequestValve() {}

  @Override
  public boolean processRequest(SIPRequest request, MessageChannel channel) {
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
    return true;
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
  public void init(SipStack stack) {}

  @Override
  public void destroy() {}
}
