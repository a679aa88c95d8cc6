package io.baton.sbc;

import io.baton.contract.BatonHeaders;
import io.baton.contract.CallOrigin;
import io.baton.contract.MaxRate;
import io.baton.sip.OutboundTransaction;
import io.baton.sip.RequestBuilder;
import io.baton.sip.SipEndpoint;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import javax.sip.Dialog;
import javax.sip.SipException;
import javax.sip.address.Address;
import javax.sip.address.SipURI;
import javax.sip.header.ContactHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Docs "Call setup" step 2: SBC-edge asks the redirect server where a user goes, with an INVITE
 * without SDP whose 3xx lists the routes as Contacts, best (highest q) first. A call setup from a
 * source that may call DIDs only says so ({@code X-Baton-Origin: public}): the redirect server then
 * answers with a DID's routes or 403.
 */
final class RedirectQuery {
  private static final Logger LOG = LoggerFactory.getLogger(RedirectQuery.class);

  private RedirectQuery() {}

  /**
   * The query for {@code where} on behalf of the caller {@code from} in call {@code callId}; a
   * transfer's rate ceiling goes with it ({@code X-Baton-Max-Rate}): the redirect server leaves
   * dearer carriers out.
   */
  static Request request(
      Sbc sbc, Destination.ViaRedirect where, Address from, String callId, CallOrigin origin) {
    SipEndpoint endpoint = sbc.endpoint();
    RequestBuilder query =
        endpoint
            .request(Request.INVITE, sbc.config().redirectServer().uri(where.user()))
            .from(from)
            .header(BatonHeaders.CALL_ID, callId);
    if (origin != CallOrigin.DEFAULT) {
      query.header(BatonHeaders.ORIGIN, origin.wire());
    }
    if (where.maxRate() != null) {
      query.header(BatonHeaders.MAX_RATE, MaxRate.format(where.maxRate()));
    }
    return query.build();
  }

  /** Sends the query; completes with where the redirect server says the call goes. */
  static CompletableFuture<Destination> ask(
      Sbc sbc, Destination.ViaRedirect where, Address from, String callId, CallOrigin origin) {
    OutboundTransaction tx = sbc.endpoint().send(request(sbc, where, from, callId, origin));
    return tx.finalResponse().thenApply(response -> destination(sbc, tx, response));
  }

  /**
   * The redirect server's answer as a destination: its SIP Contacts in q order for a 3xx, the
   * status itself for an error (the redirect server's reason is its own: this SBC's caller may be
   * outside the network, and gets the standard phrase then).
   */
  static Destination destination(Sbc sbc, OutboundTransaction tx, Response response) {
    int status = response.getStatusCode();
    if (status < 300) {
      hangUp(sbc, tx, response);
      return new Destination.Unroutable(502, "Redirect server answered " + status);
    }
    if (status >= 400) {
      return new Destination.Unroutable(status, Dial.reasonOf(response));
    }
    List<Target> targets = contacts(sbc, response);
    return targets.isEmpty()
        ? new Destination.Unroutable(502, "Redirect without a usable Contact")
        : new Destination.Direct(targets);
  }

  /** The SIP Contacts of a 3xx in q order, highest first; equal q keep their order. */
  private static List<Target> contacts(Sbc sbc, Response redirect) {
    record Ranked(Target target, float q) {}
    List<Ranked> ranked = new ArrayList<>();
    for (Iterator<?> it = redirect.getHeaders(ContactHeader.NAME); it.hasNext(); ) {
      ContactHeader contact = (ContactHeader) it.next();
      if (contact.getAddress() != null && contact.getAddress().getURI() instanceof SipURI uri) {
        float q = contact.getQValue();
        ranked.add(new Ranked(Target.ofContact(uri, sbc.peers()), q < 0 ? 1.0f : q));
      }
    }
    return ranked.stream()
        .sorted(Comparator.comparingDouble((Ranked r) -> r.q()).reversed())
        .map(Ranked::target)
        .toList();
  }

  /** A redirect server never answers 2xx; if one did, it gets its ACK and a BYE. */
  private static void hangUp(Sbc sbc, OutboundTransaction tx, Response ok) {
    Dialog dialog = tx.dialog();
    if (dialog == null) {
      return;
    }
    try {
      sbc.endpoint().ack(dialog, ok);
      sbc.endpoint().send(dialog.createRequest(Request.BYE), dialog);
    } catch (SipException e) {
      LOG.debug("cannot hang up the redirect server's 2xx: {}", e.toString());
    }
  }
}
