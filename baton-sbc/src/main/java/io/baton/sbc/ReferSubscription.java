package io.baton.sbc;

import io.baton.contract.BatonHeaders;
import io.baton.contract.PositiveNumber;
import io.baton.contract.TransferOutcome;
import io.baton.sip.Messages;
import io.baton.sip.SipFrag;
import java.time.Duration;
import javax.sip.message.Request;

/**
 * The implicit subscription a REFER creates (RFC 3515 §2.4.4): progress of the referred INVITEs
 * goes back as NOTIFYs in the REFER's dialog, with a {@code message/sipfrag} status line, until a
 * final one ends the subscription. Each names the attempt it reports on ({@code
 * X-Baton-Transfer-Attempt}), the final one how the transfer ended ({@code
 * X-Baton-Transfer-Outcome}; docs "Transfers that always finish").
 */
final class ReferSubscription {
  private final OutboundLeg leg;
  private final long referCSeq;
  private final Duration expires;
  private boolean terminated;

  /**
   * @param leg the leg whose dialog carried the REFER
   * @param referCSeq the REFER's CSeq, the {@code id} of every NOTIFY's Event (RFC 3515 §2.4.6)
   * @param expires how long the subscription lasts if no final NOTIFY ends it
   */
  ReferSubscription(OutboundLeg leg, long referCSeq, Duration expires) {
    this.leg = leg;
    this.referCSeq = referCSeq;
    this.expires = expires;
    leg.keepDialogForSubscription();
  }

  /** NOTIFY with {@code Subscription-State: active}. */
  void progress(int attempt, int status, String reason) {
    if (!terminated) {
      send(attempt, status, reason, "active;expires=" + expires.toSeconds(), null);
    }
  }

  /** The final NOTIFY; the subscription ends when it is answered. */
  void terminate(int attempt, int status, String reason, TransferOutcome outcome) {
    if (terminated) {
      return;
    }
    terminated = true;
    send(attempt, status, reason, "terminated;reason=noresource", outcome);
    leg.subscriptionEnded();
  }

  private void send(
      int attempt, int status, String reason, String subscriptionState, TransferOutcome outcome) {
    Messages m = Messages.get();
    leg.sendInDialog(
        Request.NOTIFY,
        notify -> {
          m.setHeader(notify, "Event", "refer;id=" + referCSeq);
          m.setHeader(notify, "Subscription-State", subscriptionState);
          m.setHeader(notify, BatonHeaders.TRANSFER_ATTEMPT, PositiveNumber.format(attempt));
          if (outcome != null) {
            m.setHeader(notify, BatonHeaders.TRANSFER_OUTCOME, outcome.wire());
          }
          m.setBody(notify, SipFrag.TYPE, SipFrag.SUBTYPE, SipFrag.of(status, reason));
        });
  }
}
