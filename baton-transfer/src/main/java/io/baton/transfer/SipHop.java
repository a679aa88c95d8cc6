package io.baton.transfer;

import io.baton.sip.Messages;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javax.sip.address.SipURI;

/**
 * Where a {@code sip:} or {@code sips:} URI sends a request: its host, or the host in its {@code
 * maddr} parameter, which overrides it (RFC 3261 §19.1.1); at its port, or, without one, at 5060 or
 * 5061 (TLS: {@code sips:}, {@code transport=tls}; RFC 3263 §4.2), both of which a port-less URI
 * may reach.
 *
 * @param host the URI's host as written (an IPv6 address without its brackets)
 * @param maddr the {@code maddr} parameter's host, if any
 * @param port the URI's port, or -1 for none
 */
record SipHop(String host, String maddr, int port) {
  static final int SIP = 5060;
  static final int SIPS = 5061;

  /** The hop of a URI {@link ReferTarget} accepted; empty for anything else. */
  static Optional<SipHop> of(String uri) {
    try {
      if (Messages.get().parseUri(uri) instanceof SipURI sip && sip.getHost() != null) {
        return Optional.of(
            new SipHop(unbracket(sip.getHost()), unbracketed(sip.getMAddrParam()), sip.getPort()));
      }
    } catch (IllegalArgumentException e) {
      // not a SIP URI: no hop
    }
    return Optional.empty();
  }

  private static String unbracketed(String host) {
    return host == null || host.isBlank() ? null : unbracket(host);
  }

  private static String unbracket(String host) {
    String h = host.strip().toLowerCase(Locale.ROOT);
    return h.startsWith("[") && h.endsWith("]") ? h.substring(1, h.length() - 1) : h;
  }

  /** Every host the request may go to: the URI's, and its {@code maddr}'s. */
  List<String> hosts() {
    List<String> out = new ArrayList<>(List.of(host));
    if (maddr != null && !maddr.equals(host)) {
      out.add(maddr);
    }
    return out;
  }

  /** Every port the request may go to. */
  List<Integer> ports() {
    return port > 0 ? List.of(port) : List.of(SIP, SIPS);
  }
}
