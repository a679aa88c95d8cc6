package io.baton.sbc;

import io.baton.contract.CallerId;
import io.baton.contract.RedirectInfo;
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
 * @param identity how a transfer's leg to it presents the call
 */
record Target(SipURI uri, HostPort nextHop, String peer, String carrier, CallerIdentity identity) {

  /** A redirect server's Contact: its {@code cid}/{@code ri} parameters say how to present. */
  static Target ofContact(SipURI contact, PeerNames peers) {
    return of(contact, peers, CallerIdentity.ofContact(contact));
  }

  /**
   * The target for a URI, without the parts a Request-URI must not carry (RFC 3261 §19.1.1 table 1:
   * {@code method} and embedded headers belong to Refer-To and Contact only) nor the redirect
   * server's instructions to this SBC ({@code cid}, {@code ri}).
   */
  static Target of(SipURI uri, PeerNames peers, CallerIdentity identity) {
    String text = uri.toString();
    int headers = text.indexOf('?'); // '?' cannot appear unescaped before the headers
    SipURI copy =
        headers < 0
            ? (SipURI) uri.clone()
            : (SipURI) Messages.get().parseUri(text.substring(0, headers));
    copy.removeParameter("method");
    copy.removeParameter(CallerId.PARAMETER);
    copy.removeParameter(RedirectInfo.PARAMETER);
    HostPort hop = new HostPort(copy.getHost(), copy.getPort() > 0 ? copy.getPort() : 5060);
    return new Target(copy, hop, peers.nameOf(hop), copy.getParameter("carrier"), identity);
  }
}
