package io.baton.sbc;

import io.baton.sip.Messages;
import io.baton.sip.SipFrag;
import java.time.Duration;
import javax.sip.message.Request;

/**
 * The implicit subscription a REFER creates (RFC 3515 §2.4.4): progress of the referred INVITE goes
 * back as NOTIFYs in the REFER's dialog, with a {@code message/sipfrag} status line, until a final
 * one ends the subscription.
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
  void progress(int status, String reason) {
    if (!terminated) {
      send(status, reason, "active;expires=" + expires.toSeconds());
    }
  }

  /** The final NOTIFY; the subscription ends when it is answered. */
  void terminate(int status, String reason) {
    if (terminated) {
      return;
    }
    terminated = true;
    send(status, reason, "terminated;reason=noresource");
    leg.subscriptionEnded();
  }

  private void send(int status, String reason, String subscriptionState) {
    Messages m = Messages.get();
    leg.sendInDialog(
        Request.NOTIFY,
        notify -> {
          m.setHeader(notify, "Event", "refer;id=" + referCSeq);
          m.setHeader(notify, "Subscription-State", subscriptionState);
          m.setBody(notify, SipFrag.TYPE, SipFrag.SUBTYPE, SipFrag.of(status, reason));
        });
  }
}
