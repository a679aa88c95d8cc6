package io.baton.sbc;

import io.baton.sip.Messages;
import io.baton.sip.PeerNames;
import java.time.Duration;
import java.util.List;
import javax.sip.address.SipURI;
import javax.sip.address.TelURL;
import javax.sip.address.URI;
import javax.sip.header.ReferToHeader;
import javax.sip.message.Request;

/**
 * What a REFER asks SBC-edge to do (docs "The transfer" steps 2 and 4), read from its headers.
 *
 * @param destination {@code tel:} numbers go through the redirect server, SIP URIs directly
 * @param mode {@code X-Baton-Transfer-Mode}, make-before-break unless it says blind
 * @param timeout {@code X-Baton-Transfer-Timeout} seconds, capped at the configured maximum
 * @param referCSeq the REFER's CSeq, which every NOTIFY names (RFC 3515 §2.4.6)
 */
record TransferRequest(
    Destination destination, TransferMode mode, Duration timeout, long referCSeq) {

  static final String MODE_HEADER = "X-Baton-Transfer-Mode";
  static final String TIMEOUT_HEADER = "X-Baton-Transfer-Timeout";

  /**
   * @throws IllegalArgumentException with the reason phrase for a {@code 400}
   */
  static TransferRequest parse(Request refer, TransferConfig config, PeerNames peers) {
    return new TransferRequest(
        destination(refer, peers),
        mode(Messages.headerValue(refer, MODE_HEADER)),
        timeout(Messages.headerValue(refer, TIMEOUT_HEADER), config),
        Messages.cseq(refer));
  }

  private static Destination destination(Request refer, PeerNames peers) {
    ReferToHeader referTo = (ReferToHeader) refer.getHeader(ReferToHeader.NAME);
    if (referTo == null || referTo.getAddress() == null) {
      throw new IllegalArgumentException("Missing Refer-To");
    }
    URI uri = referTo.getAddress().getURI();
    if (uri instanceof TelURL tel) {
      String number = Messages.userOf(tel);
      if (!E164.is(number)) {
        throw new IllegalArgumentException("Refer-To number is not E.164");
      }
      return new Destination.ViaRedirect(number);
    }
    if (uri instanceof SipURI sip && sip.getHost() != null) {
      return new Destination.Direct(List.of(Target.of(sip, peers)));
    }
    throw new IllegalArgumentException("Refer-To is neither a tel: number nor a SIP URI");
  }

  private static TransferMode mode(String value) {
    if (value == null) {
      return TransferMode.MAKE_BEFORE_BREAK;
    }
    return TransferMode.fromWire(value)
        .orElseThrow(
            () ->
                new IllegalArgumentException("Bad " + MODE_HEADER + " (make-before-break|blind)"));
  }

  private static Duration timeout(String value, TransferConfig config) {
    if (value == null) {
      return config.defaultTimeout();
    }
    long seconds;
    try {
      seconds = Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      seconds = 0;
    }
    if (seconds < 1) {
      throw new IllegalArgumentException("Bad " + TIMEOUT_HEADER + " (seconds, at least 1)");
    }
    Duration asked = Duration.ofSeconds(seconds);
    return asked.compareTo(config.maxTimeout()) > 0 ? config.maxTimeout() : asked;
  }
}
