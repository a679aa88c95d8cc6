package io.baton.proxy;

import io.baton.contract.ReferVerifier;
import io.baton.sip.InboundRequest;
import io.baton.sip.Messages;
import io.baton.sip.RequestBuilder;
import io.baton.sip.SignedRefers;
import io.baton.sip.SipEndpoint;
import io.baton.sip.TargetDialog;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.ListIterator;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import javax.sip.SipException;
import javax.sip.address.Address;
import javax.sip.address.URI;
import javax.sip.header.ContactHeader;
import javax.sip.header.ContentTypeHeader;
import javax.sip.header.EventHeader;
import javax.sip.header.FromHeader;
import javax.sip.header.Header;
import javax.sip.header.RecordRouteHeader;
import javax.sip.header.ReferToHeader;
import javax.sip.header.ToHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Out-of-band transfer requests (docs/architecture.md, "The transfer" steps 3 and 5): a transfer
 * server's REFER outside any dialog names a dialog the proxy tracks (Target-Dialog, RFC 4538); the
 * proxy sends an in-dialog REFER to the caller side as if the callee side had sent it, answers the
 * transfer server with the caller side's answer, and re-sends the caller side's NOTIFYs to it.
 */
final class OutOfBandRefers {
  private static final Logger LOG = LoggerFactory.getLogger(OutOfBandRefers.class);
  private static final String REFERRED_BY = "Referred-By";
  private static final String SUBSCRIPTION_STATE = "Subscription-State";
  private static final String REFER_EVENT = "refer";

  private final SipEndpoint endpoint;
  private final DialogTable dialogs;
  private final Optional<ReferVerifier> signatures;
  private final AtomicLong relayed = new AtomicLong();

  /**
   * @param signatures checks each REFER's {@code X-Baton-Signature}; empty: none is needed ({@code
   *     proxy.referSigning} has no keys)
   */
  OutOfBandRefers(SipEndpoint endpoint, DialogTable dialogs, Optional<ReferVerifier> signatures) {
    this.endpoint = endpoint;
    this.dialogs = dialogs;
    this.signatures = signatures;
  }

  /** Out-of-band REFERs accepted from trusted transfer servers and sent on to a caller side. */
  long relayed() {
    return relayed.get();
  }

  /**
   * An out-of-dialog REFER whose sender {@code proxy.trust} lets move calls (ProxyServer's
   * checkTrust): parseTargetDialog → checkRefer → checkSignature → findDialog → referCaller.
   */
  void onRefer(InboundRequest refer) {
    Optional<TargetDialog> target = parseTargetDialog(refer);
    if (target.isEmpty() || !checkRefer(refer) || !checkSignature(refer, target.get())) {
      return;
    }
    findDialog(refer, target.get()).ifPresent(dialog -> referCaller(refer, dialog));
  }

  private static Optional<TargetDialog> parseTargetDialog(InboundRequest refer) {
    String value = refer.header(TargetDialog.NAME);
    if (value == null) {
      refer.respond(Response.BAD_REQUEST, "Missing Target-Dialog");
      return Optional.empty();
    }
    try {
      return Optional.of(TargetDialog.parse(value));
    } catch (IllegalArgumentException e) {
      refer.respond(Response.BAD_REQUEST, "Malformed Target-Dialog");
      return Optional.empty();
    }
  }

  /**
   * RFC 3515 §2.4.1: exactly one Refer-To; a REFER creates a dialog, so it needs a Contact for the
   * NOTIFYs (RFC 3261 §8.1.1.8).
   */
  private static boolean checkRefer(InboundRequest refer) {
    int referTo = count(refer.request(), ReferToHeader.NAME);
    if (referTo != 1) {
      refer.respond(
          Response.BAD_REQUEST, referTo == 0 ? "Missing Refer-To" : "More than one Refer-To");
      return false;
    }
    if (refer.contact() == null) {
      refer.respond(Response.BAD_REQUEST, "Missing Contact");
      return false;
    }
    return true;
  }

  /**
   * docs/security.md "Signed REFERs": a trusted source is not enough to move a call, the REFER must
   * carry a signature the transfer server made for this Target-Dialog and Refer-To, fresh and not
   * seen before. Checked before the dialog is looked up, so a forger learns nothing of which calls
   * exist; the 403 says nothing of why (the log does).
   */
  private boolean checkSignature(InboundRequest refer, TargetDialog target) {
    if (signatures.isEmpty()) {
      return true;
    }
    ReferVerifier.Verdict verdict =
        SignedRefers.verifyOutOfDialog(signatures.get(), refer.request(), target);
    if (verdict == ReferVerifier.Verdict.VALID) {
      return true;
    }
    LOG.warn(
        "{}: REFER from {} for {} refused: signature {}",
        endpoint.name(),
        refer.source(),
        target,
        verdict);
    refer.respond(Response.FORBIDDEN);
    return false;
  }

  /**
   * A confirmed dialog whose callee side is {@code local-tag} and caller side {@code remote-tag}.
   */
  private Optional<TrackedDialog> findDialog(InboundRequest refer, TargetDialog target) {
    Optional<TrackedDialog> dialog =
        dialogs.find(target).filter(d -> d.state() == TrackedDialog.State.CONFIRMED);
    if (dialog.isEmpty()) {
      refer.respond(Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST);
    }
    return dialog;
  }

  /**
   * Sends the in-dialog REFER to the caller side and, once it answers, answers the transfer server
   * with the same status; a caller side that never answers yields 408.
   */
  private void referCaller(InboundRequest refer, TrackedDialog dialog) {
    TransferDialog transfer = TransferDialog.of(refer);
    InjectedRefer injected = dialog.injectRefer(new Relay(refer, transfer, dialog));
    if (injected == null) {
      refer.respond(Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST); // ended meanwhile
      return;
    }
    Request towardsCaller = inDialogRefer(refer.request(), dialog, injected.cseq());
    relayed.incrementAndGet();
    LOG.info(
        "{}: REFER from {} for {} sent to the caller side (CSeq {})",
        endpoint.name(),
        refer.source(),
        dialog,
        injected.cseq());
    endpoint
        .send(towardsCaller)
        .finalResponse()
        .thenAccept(
            r -> dialog.answerRefer(injected.cseq(), r.getStatusCode(), r.getReasonPhrase()));
  }

  /**
   * The REFER as the callee side would send it in the dialog (docs step 3): From/To swapped to the
   * callee's view, the caller's Contact as Request-URI and its route set, the next CSeq of the
   * callee side's sequence, the callee's Contact (the caller's remote target stays the callee). The
   * X-Baton-* headers go along unchanged, X-Baton-Signature among them: SBC-edge verifies it over
   * this dialog, which is the one the Target-Dialog it was made for names (SignedRefers).
   */
  private Request inDialogRefer(Request outOfBand, TrackedDialog dialog, long cseq) {
    TrackedDialog.Party caller = dialog.caller();
    TrackedDialog.Party callee = dialog.callee();
    RequestBuilder builder =
        endpoint
            .request(Request.REFER, (URI) caller.contact().getURI().clone())
            .from((Address) callee.uri().clone())
            .fromTag(callee.tag())
            .to((Address) caller.uri().clone())
            .callId(dialog.callId())
            .cseq(cseq)
            .contact((Address) callee.contact().clone())
            .header((Header) outOfBand.getHeader(ReferToHeader.NAME).clone())
            .header(EventHeader.NAME, REFER_EVENT);
    Header referredBy = outOfBand.getHeader(REFERRED_BY);
    if (referredBy != null) {
      builder.header((Header) referredBy.clone());
    }
    Request request = builder.build();
    setToTag(request, caller.tag());
    addRoutes(request, dialog.callerRouteSet());
    endpoint.messages().copyBatonHeaders(outOfBand, request);
    return request;
  }

  /**
   * A NOTIFY from the caller side about a REFER the proxy injected ({@code Event: refer;id=<its
   * CSeq>}) is the proxy's to answer and never reaches the callee side (docs step 5); false for any
   * other request.
   */
  boolean interceptNotify(InboundRequest request, DialogTable.Match match) {
    if (!Request.NOTIFY.equals(request.method()) || match.fromCallee()) {
      return false;
    }
    EventHeader event = (EventHeader) request.request().getHeader(EventHeader.NAME);
    if (event == null
        || !REFER_EVENT.equalsIgnoreCase(event.getEventType())
        || event.getEventId() == null) {
      return false;
    }
    long id;
    try {
      id = Long.parseLong(event.getEventId().trim());
    } catch (NumberFormatException e) {
      return false;
    }
    if (!match.dialog().notifyRefer(id, notifyOf(request.request()))) {
      return false;
    }
    request.respond(Response.OK);
    return true;
  }

  private static InjectedRefer.Notify notifyOf(Request notify) {
    ContentTypeHeader type = (ContentTypeHeader) notify.getHeader(ContentTypeHeader.NAME);
    String body = Messages.body(notify);
    return new InjectedRefer.Notify(
        Messages.cseq(notify),
        Messages.headerValue(notify, SUBSCRIPTION_STATE),
        type == null || body.isEmpty()
            ? null
            : type.getContentType() + "/" + type.getContentSubType(),
        body,
        // the attempt it reports, the transfer's outcome: for the transfer server, so they
        // travel on with the NOTIFY (docs "Transfers that always finish")
        Messages.batonHeaders(notify));
  }

  /**
   * The transfer server's REFER dialog as the proxy (its UAS) sees it (RFC 3261 §12.1.1): where the
   * NOTIFYs go and how they are addressed.
   */
  private record TransferDialog(
      String callId,
      Address local,
      String localTag,
      Address remote,
      String remoteTag,
      URI remoteTarget,
      List<Address> routeSet) {

    static TransferDialog of(InboundRequest refer) {
      Request r = refer.request();
      List<Address> routes = new ArrayList<>();
      for (ListIterator<?> it = r.getHeaders(RecordRouteHeader.NAME); it.hasNext(); ) {
        routes.add(((RecordRouteHeader) it.next()).getAddress());
      }
      return new TransferDialog(
          Messages.callId(r),
          ((ToHeader) r.getHeader(ToHeader.NAME)).getAddress(),
          refer.localTag(),
          ((FromHeader) r.getHeader(FromHeader.NAME)).getAddress(),
          Messages.fromTag(r),
          ((ContactHeader) r.getHeader(ContactHeader.NAME)).getAddress().getURI(),
          routes);
    }
  }

  /** What one injected REFER does: answer and notify the transfer server, end the usage. */
  private final class Relay implements InjectedRefer.Context {
    private final InboundRequest refer;
    private final TransferDialog transfer;
    private final TrackedDialog dialog;
    private CompletableFuture<?> previous = CompletableFuture.completedFuture(null);

    Relay(InboundRequest refer, TransferDialog transfer, TrackedDialog dialog) {
      this.refer = refer;
      this.transfer = transfer;
      this.dialog = dialog;
    }

    @Override
    public void answer(int status, String reason) {
      refer.respond(status, reason);
    }

    /**
     * The NOTIFY in the transfer server's REFER dialog (docs step 5), with the caller side's CSeq.
     * Each goes out once the one before it is answered: sent back to back over UDP they could be
     * processed out of order, and a dialog-stateful transfer server answers a lower CSeq 500 (RFC
     * 3261 §12.2.2).
     */
    @Override
    public synchronized void relay(InjectedRefer.Notify notify) {
      RequestBuilder builder =
          endpoint
              .request(Request.NOTIFY, (URI) transfer.remoteTarget().clone())
              .from((Address) transfer.local().clone())
              .fromTag(transfer.localTag())
              .to((Address) transfer.remote().clone())
              .callId(transfer.callId())
              .cseq(notify.cseq())
              .header(EventHeader.NAME, REFER_EVENT);
      if (notify.subscriptionState() != null) {
        builder.header(SUBSCRIPTION_STATE, notify.subscriptionState());
      }
      notify.batonHeaders().forEach(h -> builder.header((Header) h.clone()));
      if (notify.contentType() != null) {
        builder.body(notify.contentType(), notify.body());
      }
      Request request = builder.build();
      setToTag(request, transfer.remoteTag());
      addRoutes(request, transfer.routeSet());
      previous =
          previous
              .handle((r, e) -> null)
              .thenCompose(x -> endpoint.send(request).finalResponse())
              .thenAccept(
                  r -> {
                    if (r.getStatusCode() >= 300) {
                      LOG.info(
                          "{}: transfer server answered NOTIFY {} with {}",
                          endpoint.name(),
                          notify.cseq(),
                          r.getStatusCode());
                    }
                  });
    }

    @Override
    public void ended() {
      dialog.on(new TrackedDialog.SubscriptionEnded());
    }
  }

  private static void setToTag(Request request, String tag) {
    try {
      ((ToHeader) request.getHeader(ToHeader.NAME)).setTag(tag);
    } catch (ParseException e) {
      throw new IllegalArgumentException("bad To tag " + tag, e);
    }
  }

  /** The route set as Route headers, in order (RFC 3261 §12.2.1.1). */
  private void addRoutes(Request request, List<Address> routeSet) {
    try {
      for (Address hop : routeSet) {
        request.addLast(endpoint.headerFactory().createRouteHeader((Address) hop.clone()));
      }
    } catch (SipException e) {
      throw new IllegalStateException("cannot add Route", e);
    }
  }

  private static int count(Request request, String header) {
    int n = 0;
    for (ListIterator<?> it = request.getHeaders(header); it.hasNext(); it.next()) {
      n++;
    }
    return n;
  }
}
