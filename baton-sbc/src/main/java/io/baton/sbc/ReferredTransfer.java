package io.baton.sbc;

import io.baton.contract.BatonHeaders;
import io.baton.contract.FallbackTarget;
import io.baton.contract.MaxRate;
import io.baton.contract.OnFail;
import io.baton.contract.PassHeader;
import io.baton.contract.PositiveNumber;
import io.baton.contract.TransferMode;
import io.baton.sip.Messages;
import io.baton.sip.PeerNames;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.ListIterator;
import javax.sip.address.SipURI;
import javax.sip.address.TelURL;
import javax.sip.address.URI;
import javax.sip.header.ExtensionHeader;
import javax.sip.header.ReferToHeader;
import javax.sip.message.Request;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a REFER asks SBC-edge to do (docs "The transfer" steps 2 and 4, "Transfers that always
 * finish"), read from its headers by the wire contract (docs "Wire contract").
 *
 * @param targets {@code Refer-To} with {@code X-Baton-Transfer-Timeout}, then each entry of {@code
 *     X-Baton-Transfer-Fallback}, tried in this order; numbers under the ceiling of {@code
 *     X-Baton-Max-Rate}, if the REFER carries one
 * @param mode {@code X-Baton-Transfer-Mode}, make-before-break unless it says blind
 * @param onFail {@code X-Baton-On-Fail}, stay unless it says hangup
 * @param pass the customer's headers every new leg carries ({@code X-Baton-Pass})
 * @param referCSeq the REFER's CSeq, which every NOTIFY names (RFC 3515 §2.4.6)
 */
record ReferredTransfer(
    List<TransferTarget> targets,
    TransferMode mode,
    OnFail onFail,
    List<HeaderField> pass,
    long referCSeq) {
  private static final Logger LOG = LoggerFactory.getLogger(ReferredTransfer.class);

  /** Targets in one transfer at most: each may ring for minutes, and a NOTIFY reports each. */
  static final int MAX_TARGETS = 10;

  /**
   * One target with the time it may take to answer.
   *
   * @param destination {@code tel:} numbers go through the redirect server, SIP URIs directly
   */
  record TransferTarget(Destination destination, Duration timeout) {}

  ReferredTransfer {
    targets = List.copyOf(targets);
    pass = List.copyOf(pass);
  }

  /** How long the whole transfer may take if every target rings out. */
  Duration ringTime() {
    return targets.stream().map(TransferTarget::timeout).reduce(Duration.ZERO, Duration::plus);
  }

  /**
   * @throws IllegalArgumentException with the reason phrase for a {@code 400}
   */
  static ReferredTransfer parse(Request refer, TransferConfig config, PeerNames peers) {
    String ceiling = Messages.headerValue(refer, BatonHeaders.MAX_RATE);
    BigDecimal maxRate = ceiling == null ? null : MaxRate.read(ceiling);
    List<TransferTarget> targets = new ArrayList<>();
    String firstTimeout = Messages.headerValue(refer, BatonHeaders.TRANSFER_TIMEOUT);
    targets.add(
        new TransferTarget(
            destination(referTo(refer), "Refer-To", config, peers, maxRate),
            firstTimeout == null
                ? config.defaultTimeout()
                : timeout(
                    PositiveNumber.seconds(firstTimeout, BatonHeaders.TRANSFER_TIMEOUT), config)));
    for (String value : values(refer, BatonHeaders.TRANSFER_FALLBACK)) {
      for (FallbackTarget entry : FallbackTarget.parse(value)) {
        targets.add(fallback(entry, config, peers, maxRate));
      }
    }
    if (targets.size() > MAX_TARGETS) {
      throw new IllegalArgumentException("More than " + MAX_TARGETS + " transfer targets");
    }
    return new ReferredTransfer(
        targets,
        mode(Messages.headerValue(refer, BatonHeaders.TRANSFER_MODE)),
        onFail(Messages.headerValue(refer, BatonHeaders.ON_FAIL)),
        pass(values(refer, BatonHeaders.PASS)),
        Messages.cseq(refer));
  }

  private static URI referTo(Request refer) {
    ReferToHeader referTo = (ReferToHeader) refer.getHeader(ReferToHeader.NAME);
    if (referTo == null || referTo.getAddress() == null) {
      throw new IllegalArgumentException("Missing Refer-To");
    }
    return referTo.getAddress().getURI();
  }

  private static TransferTarget fallback(
      FallbackTarget entry, TransferConfig config, PeerNames peers, BigDecimal maxRate) {
    URI uri;
    try {
      uri = Messages.get().parseUri(entry.uri());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("Bad " + BatonHeaders.TRANSFER_FALLBACK + " URI", e);
    }
    return new TransferTarget(
        destination(uri, BatonHeaders.TRANSFER_FALLBACK, config, peers, maxRate),
        entry.timeoutSeconds().isPresent()
            ? timeout(entry.timeoutSeconds().getAsLong(), config)
            : config.defaultTimeout());
  }

  private static Destination destination(
      URI uri, String from, TransferConfig config, PeerNames peers, BigDecimal maxRate) {
    if (uri instanceof TelURL tel) {
      String number = Messages.userOf(tel);
      if (!E164.is(number)) {
        throw new IllegalArgumentException(from + " number is not E.164");
      }
      return new Destination.ViaRedirect(number, maxRate);
    }
    if (uri instanceof SipURI sip && sip.getHost() != null) {
      return new Destination.Direct(List.of(Target.of(sip, peers, config.sipTargetIdentity())));
    }
    throw new IllegalArgumentException(from + " is neither a tel: number nor a SIP URI");
  }

  private static TransferMode mode(String value) {
    try {
      return value == null ? TransferMode.DEFAULT : TransferMode.parse(value);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "Bad " + BatonHeaders.TRANSFER_MODE + ": " + e.getMessage());
    }
  }

  private static OnFail onFail(String value) {
    try {
      return value == null ? OnFail.DEFAULT : OnFail.parse(value);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("Bad " + BatonHeaders.ON_FAIL + ": " + e.getMessage());
    }
  }

  /** The ring time asked for, cut to {@code transfer.maxTimeout}. */
  private static Duration timeout(long seconds, TransferConfig config) {
    Duration asked = Duration.ofSeconds(seconds);
    return asked.compareTo(config.maxTimeout()) > 0 ? config.maxTimeout() : asked;
  }

  /**
   * The headers to pass, in the order named; one that cannot be passed is left out with a log line,
   * never an error: the transfer itself is still worth doing.
   */
  private static List<HeaderField> pass(List<String> values) {
    List<HeaderField> out = new ArrayList<>();
    for (String value : values) {
      try {
        PassHeader header = PassHeader.parse(value);
        out.add(new HeaderField(header.name(), header.value()));
      } catch (IllegalArgumentException e) {
        LOG.info("ignoring {}: {} ({})", BatonHeaders.PASS, value, e.getMessage());
      }
    }
    return out;
  }

  /** Every value of an extension header, in order. */
  private static List<String> values(Request request, String name) {
    List<String> out = new ArrayList<>();
    for (ListIterator<?> it = request.getHeaders(name); it.hasNext(); ) {
      if (it.next() instanceof ExtensionHeader header) {
        out.add(header.getValue().trim());
      }
    }
    return out;
  }
}
