package io.baton.sbc;

import io.baton.sip.HostPort;
import io.baton.sip.Messages;
import io.baton.sip.PeerNames;
import javax.sip.address.SipURI;

/**
 * One place a leg can be opened to: a Contact from the redirect server, a static route or a REFER's
 * SIP URI.
 *
 * @param uri the Request-URI of the leg's INVITE
 * @param nextHop where it goes (decides trust: {@code X-Baton-*} headers go to trusted hops only)
 * @param peer the element's name at that address, for the registry
 * @param carrier the Contact's {@code carrier} parameter (least-cost routing), or null
 */
record Target(SipURI uri, HostPort nextHop, String peer, String carrier) {

  /**
   * The target for a URI, without the parts a Request-URI must not carry (RFC 3261 §19.1.1 table 1:
   * {@code method} and embedded headers belong to Refer-To and Contact only).
   */
  static Target of(SipURI uri, PeerNames peers) {
    String text = uri.toString();
    int headers = text.indexOf('?'); // '?' cannot appear unescaped before the headers
    SipURI copy =
        headers < 0
            ? (SipURI) uri.clone()
            : (SipURI) Messages.get().parseUri(text.substring(0, headers));
    copy.removeParameter("method");
    HostPort hop = new HostPort(copy.getHost(), copy.getPort() > 0 ? copy.getPort() : 5060);
    return new Target(copy, hop, peers.nameOf(hop), copy.getParameter("carrier"));
  }
}
