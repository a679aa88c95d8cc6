package io.baton.sbc;

import io.baton.contract.CallerId;
import io.baton.contract.RedirectInfo;
import java.util.Optional;
import javax.sip.address.SipURI;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a transfer's new leg presents the call (docs "Transfers that always finish"): the caller ID
 * it shows and the redirect header naming the transferring DID. Plain policy: it writes header
 * values, it sends nothing.
 *
 * @param callerId the caller's own From, or the DID
 * @param redirectInfo no header, {@code Diversion} (RFC 5806) or {@code History-Info} (RFC 7044)
 */
record CallerIdentity(CallerId callerId, RedirectInfo redirectInfo) {
  private static final Logger LOG = LoggerFactory.getLogger(CallerIdentity.class);

  /** What a leg shows when nothing says otherwise: the caller as it is, no redirect header. */
  static final CallerIdentity UNCHANGED = new CallerIdentity(CallerId.KEEP, RedirectInfo.NONE);

  /**
   * The carrier's choice from a redirect server's Contact; a parameter that is absent, or that this
   * SBC does not know, leaves that part unchanged.
   */
  static CallerIdentity ofContact(SipURI contact) {
    String cid = contact.getParameter(CallerId.PARAMETER);
    String ri = contact.getParameter(RedirectInfo.PARAMETER);
    CallerId callerId = cid == null ? CallerId.KEEP : CallerId.fromWire(cid).orElse(null);
    RedirectInfo redirectInfo =
        ri == null ? RedirectInfo.NONE : RedirectInfo.fromWire(ri).orElse(null);
    if (callerId == null || redirectInfo == null) {
      LOG.info(
          "Contact {}: unknown {}={} or {}={}, left unchanged",
          contact,
          CallerId.PARAMETER,
          cid,
          RedirectInfo.PARAMETER,
          ri);
    }
    return new CallerIdentity(
        callerId == null ? CallerId.KEEP : callerId,
        redirectInfo == null ? RedirectInfo.NONE : redirectInfo);
  }

  /** The From URI the leg presents: the DID's, or empty to keep the caller's own. */
  Optional<String> from(String didUri) {
    return callerId == CallerId.DID ? Optional.of(didUri) : Optional.empty();
  }

  /**
   * The header naming the DID the call was redirected from, if any: {@code Diversion} with reason
   * {@code deflection} (RFC 5806 §3: the DID's owner moved an answered call), or {@code
   * History-Info} with the DID as entry 1 and the new target as 1.1, mapped from it (RFC 7044 §4.2,
   * §10.3 {@code mp}).
   */
  Optional<HeaderField> redirectHeader(String didUri, String targetUri) {
    return switch (redirectInfo) {
      case NONE -> Optional.empty();
      case DIVERSION ->
          Optional.of(new HeaderField("Diversion", "<" + didUri + ">;reason=deflection;counter=1"));
      case HISTORY_INFO ->
          Optional.of(
              new HeaderField(
                  "History-Info", "<" + didUri + ">;index=1, <" + targetUri + ">;index=1.1;mp=1"));
    };
  }
}
