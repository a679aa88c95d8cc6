package io.baton.sbc;

import io.baton.sip.HostPort;
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

  static Target of(SipURI uri, PeerNames peers) {
    SipURI copy = (SipURI) uri.clone();
    HostPort hop = new HostPort(copy.getHost(), copy.getPort() > 0 ? copy.getPort() : 5060);
    return new Target(copy, hop, peers.nameOf(hop), copy.getParameter("carrier"));
  }
}
