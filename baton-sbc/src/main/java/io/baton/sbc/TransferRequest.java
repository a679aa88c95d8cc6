package io.baton.sbc;

import io.baton.sip.Messages;
import io.baton.sip.PeerNames;
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

/**
 * What a REFER asks SBC-edge to do (docs "The transfer" steps 2 and 4, "Transfers that always
 * finish"), read from its headers.
 *
 * @param targets {@code Refer-To} with {@code X-Baton-Transfer-Timeout}, then each entry of {@code
 *     X-Baton-Transfer-Fallback}, tried in this order
 * @param mode {@code X-Baton-Transfer-Mode}, make-before-break unless it says blind
 * @param onFail {@code X-Baton-On-Fail}, stay unless it says hangup
 * @param pass the customer's headers every new leg carries ({@code X-Baton-Pass})
 * @param referCSeq the REFER's CSeq, which every NOTIFY names (RFC 3515 §2.4.6)
 */
record TransferRequest(
    List<TransferTarget> targets,
    TransferMode mode,
    OnFail onFail,
    List<HeaderField> pass,
    long referCSeq) {

  static final String MODE_HEADER = "X-Baton-Transfer-Mode";
  static final String TIMEOUT_HEADER = "X-Baton-Transfer-Timeout";
  static final String FALLBACK_HEADER = "X-Baton-Transfer-Fallback";
  static final String ON_FAIL_HEADER = "X-Baton-On-Fail";

  /** Targets in one transfer at most: each may ring for minutes, and a NOTIFY reports each. */
  static final int MAX_TARGETS = 10;

  /**
   * One target with the time it may take to answer.
   *
   * @param destination {@code tel:} numbers go through the redirect server, SIP URIs directly
   */
  record TransferTarget(Destination destination, Duration timeout) {}

  TransferRequest {
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
  static TransferRequest parse(Request refer, TransferConfig config, PeerNames peers) {
    List<TransferTarget> targets = new ArrayList<>();
    targets.add(
        new TransferTarget(
            destination(referTo(refer), "Refer-To", config, peers),
            timeout(Messages.headerValue(refer, TIMEOUT_HEADER), TIMEOUT_HEADER, config)));
    for (String value : values(refer, FALLBACK_HEADER)) {
      for (String entry : splitList(value)) {
        targets.add(fallback(entry, config, peers));
      }
    }
    if (targets.size() > MAX_TARGETS) {
      throw new IllegalArgumentException("More than " + MAX_TARGETS + " transfer targets");
    }
    return new TransferRequest(
        targets,
        mode(Messages.headerValue(refer, MODE_HEADER)),
        onFail(Messages.headerValue(refer, ON_FAIL_HEADER)),
        PassHeaders.parse(values(refer, PassHeaders.HEADER)),
        Messages.cseq(refer));
  }

  private static URI referTo(Request refer) {
    ReferToHeader referTo = (ReferToHeader) refer.getHeader(ReferToHeader.NAME);
    if (referTo == null || referTo.getAddress() == null) {
      throw new IllegalArgumentException("Missing Refer-To");
    }
    return referTo.getAddress().getURI();
  }

  /**
   * One fallback entry, {@code <uri>;timeout=<seconds>} (a name-addr with header parameters, like a
   * Contact, RFC 3261 §20.10); other parameters are ignored.
   */
  private static TransferTarget fallback(String entry, TransferConfig config, PeerNames peers) {
    int close = entry.indexOf('>');
    if (!entry.startsWith("<") || close < 0) {
      throw new IllegalArgumentException("Bad " + FALLBACK_HEADER + " (<uri>;timeout=s, ...)");
    }
    URI uri;
    try {
      uri = Messages.get().parseUri(entry.substring(1, close));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("Bad " + FALLBACK_HEADER + " URI", e);
    }
    String timeout = null;
    for (String param : entry.substring(close + 1).split(";")) {
      int eq = param.indexOf('=');
      if (eq > 0 && param.substring(0, eq).trim().equalsIgnoreCase("timeout")) {
        timeout = param.substring(eq + 1);
      }
    }
    return new TransferTarget(
        destination(uri, FALLBACK_HEADER, config, peers),
        timeout(timeout, FALLBACK_HEADER + " timeout", config));
  }

  private static Destination destination(
      URI uri, String from, TransferConfig config, PeerNames peers) {
    if (uri instanceof TelURL tel) {
      String number = Messages.userOf(tel);
      if (!E164.is(number)) {
        throw new IllegalArgumentException(from + " number is not E.164");
      }
      return new Destination.ViaRedirect(number);
    }
    if (uri instanceof SipURI sip && sip.getHost() != null) {
      return new Destination.Direct(List.of(Target.of(sip, peers, config.sipTargetIdentity())));
    }
    throw new IllegalArgumentException(from + " is neither a tel: number nor a SIP URI");
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

  private static OnFail onFail(String value) {
    if (value == null) {
      return OnFail.STAY;
    }
    return OnFail.fromWire(value)
        .orElseThrow(
            () -> new IllegalArgumentException("Bad " + ON_FAIL_HEADER + " (stay|hangup)"));
  }

  private static Duration timeout(String value, String what, TransferConfig config) {
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
      throw new IllegalArgumentException("Bad " + what + " (seconds, at least 1)");
    }
    Duration asked = Duration.ofSeconds(seconds);
    return asked.compareTo(config.maxTimeout()) > 0 ? config.maxTimeout() : asked;
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

  /**
   * A header value's comma-separated entries (RFC 3261 §7.3.1); commas inside {@code <...>} or a
   * quoted string belong to the entry.
   */
  static List<String> splitList(String value) {
    List<String> entries = new ArrayList<>();
    boolean inAngle = false;
    boolean inQuotes = false;
    int start = 0;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (inQuotes) {
        if (c == '\\') {
          i++;
        } else if (c == '"') {
          inQuotes = false;
        }
      } else if (c == '"') {
        inQuotes = true;
      } else if (c == '<') {
        inAngle = true;
      } else if (c == '>') {
        inAngle = false;
      } else if (c == ',' && !inAngle) {
        entries.add(value.substring(start, i).trim());
        start = i + 1;
      }
    }
    entries.add(value.substring(start).trim());
    return entries.stream().filter(e -> !e.isEmpty()).toList();
  }
}
