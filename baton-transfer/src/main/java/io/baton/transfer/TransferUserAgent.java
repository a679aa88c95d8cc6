package io.baton.transfer;

import io.baton.contract.BatonHeaders;
import io.baton.contract.FallbackTarget;
import io.baton.contract.MaxRate;
import io.baton.contract.PassHeader;
import io.baton.contract.PositiveNumber;
import io.baton.contract.ReferKeys;
import io.baton.registry.Leg;
import io.baton.sip.HostPort;
import io.baton.sip.InboundRequest;
import io.baton.sip.Messages;
import io.baton.sip.NextHop;
import io.baton.sip.RequestBuilder;
import io.baton.sip.SignedRefers;
import io.baton.sip.SipConfig;
import io.baton.sip.SipEndpoint;
import io.baton.sip.SipFrag;
import io.baton.sip.SipHandler;
import io.baton.sip.StackMode;
import io.baton.sip.TargetDialog;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import javax.sip.SipException;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The transfer server on the SIP side: sends each transfer's out-of-dialog REFER to the proxy
 * holding the call (docs/architecture.md, "The transfer" 2) and reads the NOTIFYs the proxy relays
 * back. The stack keeps no dialogs (transactions only): a NOTIFY is matched to its transfer by the
 * REFER's Call-ID, which is built from the transfer id.
 */
final class TransferUserAgent implements SipHandler, Referrer, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(TransferUserAgent.class);
  static final String USER = "transfer";

  /**
   * A NOTIFY of a REFER's implicit subscription (RFC 3515 §2.4.4).
   *
   * @param transferId the transfer its Call-ID names
   * @param cseq orders the NOTIFYs of one subscription
   * @param sipfrag the status its {@code message/sipfrag} body reports, if it has one
   * @param reason the sipfrag's reason phrase
   * @param terminated true if {@code Subscription-State} is {@code terminated}
   * @param terminationReason its {@code reason} parameter, e.g. {@code noresource}
   * @param attempt its {@code X-Baton-Transfer-Attempt}; null if absent or not a number
   * @param outcome its {@code X-Baton-Transfer-Outcome} as written; null if absent
   */
  record Notify(
      String transferId,
      long cseq,
      OptionalInt sipfrag,
      String reason,
      boolean terminated,
      String terminationReason,
      Integer attempt,
      String outcome) {}

  /** Told each NOTIFY; answers whether it belongs to a transfer (else 481). May block. */
  interface NotifyListener {
    boolean onNotify(Notify notify);
  }

  private final Optional<ReferKeys> signer;
  private final Clock clock;
  private volatile NotifyListener listener;
  private volatile SipEndpoint endpoint;

  /**
   * @param signer signs every REFER (docs/security.md, "Signed REFERs"); empty: REFERs go unsigned
   *     ({@code transfer.referSigning} has no keys)
   * @param clock the signatures' time
   */
  TransferUserAgent(Optional<ReferKeys> signer, Clock clock) {
    this.signer = signer;
    this.clock = clock;
  }

  /** Starts listening; NOTIFYs go to {@code listener} from then on. */
  void start(String name, SipConfig config, NotifyListener listener) throws SipException {
    this.listener = listener;
    this.endpoint = SipEndpoint.start(name, StackMode.TRANSACTIONS_ONLY, config, this);
  }

  HostPort address() {
    return endpoint.address();
  }

  @Override
  public void close() {
    SipEndpoint ep = endpoint;
    if (ep != null) {
      ep.close();
    }
  }

  /**
   * Sends the REFER for {@code transfer} to the holder of {@code proxyLeg}, naming that leg's
   * dialog with Target-Dialog: {@code local-tag} is the destination side (the leg's UAS), on whose
   * behalf the transfer server acts; {@code remote-tag} the caller side, which receives the REFER
   * (RFC 4538 §7). The first target goes in {@code Refer-To}, the others in {@code
   * X-Baton-Transfer-Fallback}, the headers to pass on in {@code X-Baton-Pass}
   * (docs/architecture.md, "Transfers that always finish").
   */
  @Override
  public CompletableFuture<Referrer.Answer> refer(Transfer transfer, Leg proxyLeg) {
    SipEndpoint ep = endpoint;
    // the proxy's address, with transport=tls when it takes REFERs over TLS (a NextHop)
    NextHop holder = NextHop.parse(proxyLeg.holder());
    Messages m = ep.messages();
    TargetDialog dialog =
        new TargetDialog(proxyLeg.sipCallId(), proxyLeg.uasTag(), proxyLeg.uacTag());
    Transfer.Target first = transfer.first();
    RequestBuilder refer =
        ep.request(Request.REFER, holder.uri(null))
            .callId(referCallId(transfer.id(), ep.address()))
            .from(ep.contact(USER))
            .header("Event", "refer")
            .header("Require", "tdialog")
            .header(TargetDialog.NAME, dialog.value())
            .header("Refer-To", "<" + first.destination().uri() + ">")
            .header("Referred-By", "<" + ep.uri(USER) + ">")
            .header(BatonHeaders.CALL_ID, transfer.callId())
            .header(BatonHeaders.TRANSFER_ID, transfer.id())
            .header(BatonHeaders.TRANSFER_MODE, transfer.mode().wire())
            .header(BatonHeaders.TRANSFER_TIMEOUT, PositiveNumber.format(first.timeoutSeconds()));
    List<Transfer.Target> fallback = transfer.targets().subList(1, transfer.targets().size());
    if (!fallback.isEmpty()) {
      refer.header(BatonHeaders.TRANSFER_FALLBACK, fallback(fallback));
    }
    refer.header(BatonHeaders.ON_FAIL, transfer.onFail().wire());
    transfer
        .maxRate()
        .ifPresent(ceiling -> refer.header(BatonHeaders.MAX_RATE, MaxRate.format(ceiling)));
    transfer
        .passHeaders()
        .forEach(
            (name, value) -> refer.header(BatonHeaders.PASS, new PassHeader(name, value).format()));
    Request request = refer.build();
    signer.ifPresent(keys -> SignedRefers.sign(request, dialog, keys, clock.instant()));
    LOG.info("{}: REFER {} to {} for {}", ep.name(), transfer.id(), holder, dialog);
    return ep.send(request)
        .finalResponse()
        .thenApply(r -> new Referrer.Answer(r.getStatusCode(), r.getReasonPhrase()));
  }

  /**
   * {@code <sip:b@host>;timeout=20, <tel:+16465550111>;timeout=30}: the targets after the first.
   */
  static String fallback(List<Transfer.Target> targets) {
    return FallbackTarget.format(
        targets.stream()
            .map(t -> new FallbackTarget(t.destination().uri(), t.timeoutSeconds()))
            .toList());
  }

  /** The REFER's Call-ID: globally unique (RFC 3261 §8.1.1.4) and naming the transfer. */
  private static String referCallId(String transferId, HostPort at) {
    return transferId + "@" + at.host();
  }

  @Override
  public void onRequest(InboundRequest request) {
    switch (request.method()) {
      case Request.NOTIFY -> onNotify(request);
      case Request.ACK -> {}
      case Request.OPTIONS -> request.respond(Response.OK);
      default -> {
        Response response = request.createResponse(Response.METHOD_NOT_ALLOWED);
        for (String allowed : List.of(Request.NOTIFY, Request.OPTIONS)) {
          request.endpoint().messages().addHeader(response, "Allow", allowed);
        }
        request.respond(response);
      }
    }
  }

  /** Reads the NOTIFY here; matching and storing may block, so they run on a virtual thread. */
  private void onNotify(InboundRequest request) {
    Request r = request.request();
    String callId = Messages.callId(r);
    int at = callId.indexOf('@');
    String body = Messages.hasBody(r, SipFrag.TYPE, SipFrag.SUBTYPE) ? Messages.body(r) : null;
    SubscriptionState state = SubscriptionState.parse(request.header("Subscription-State"));
    Notify notify =
        new Notify(
            at < 0 ? callId : callId.substring(0, at),
            Messages.cseq(r),
            SipFrag.status(body),
            SipFrag.reason(body),
            state.terminated(),
            state.reason(),
            attempt(request.header(BatonHeaders.TRANSFER_ATTEMPT)),
            request.header(BatonHeaders.TRANSFER_OUTCOME));
    Thread.ofVirtual().name("notify-" + notify.transferId()).start(() -> answer(request, notify));
  }

  /** {@code X-Baton-Transfer-Attempt}: a positive number, else null (ignored). */
  private static Integer attempt(String header) {
    if (header == null) {
      return null;
    }
    OptionalLong n = PositiveNumber.parse(header);
    if (n.isEmpty() || n.getAsLong() > Integer.MAX_VALUE) {
      LOG.warn("ignored {}: {}", BatonHeaders.TRANSFER_ATTEMPT, header);
      return null;
    }
    return (int) n.getAsLong();
  }

  private void answer(InboundRequest request, Notify notify) {
    boolean known;
    try {
      known = listener.onNotify(notify);
    } catch (RuntimeException e) {
      LOG.error("NOTIFY for {} failed", notify.transferId(), e);
      request.respond(Response.SERVER_INTERNAL_ERROR);
      return;
    }
    request.respond(known ? Response.OK : Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST);
  }

  /** {@code terminated;reason=noresource} (RFC 6665 §8.2.3); an absent header is active. */
  record SubscriptionState(boolean terminated, String reason) {
    static SubscriptionState parse(String value) {
      if (value == null) {
        return new SubscriptionState(false, "");
      }
      String[] parts = value.split(";");
      String reason = "";
      for (int i = 1; i < parts.length; i++) {
        String[] kv = parts[i].trim().split("=", 2);
        if (kv.length == 2 && kv[0].trim().equalsIgnoreCase("reason")) {
          reason = kv[1].trim();
        }
      }
      return new SubscriptionState(parts[0].trim().equalsIgnoreCase("terminated"), reason);
    }
  }
}
