package io.baton.sip;

import java.net.InetAddress;

/**
 * Which host a dialog's requests from outside the network must come from, as the element that holds
 * the dialog knows it (SBC-edge: its caller's). Asked as a request arrives, before the stack's
 * dialog layer, for requests in a dialog and for CANCEL and ACK from sources that are not the
 * element's peers: a request naming a dialog owned by another host gets {@code 403} (an ACK is
 * dropped) and changes no dialog state. The identifiers of a dialog are no secret to anyone who
 * sees its signalling (RFC 3261 §26.1.4).
 */
@FunctionalInterface
public interface DialogOwners {
  /**
   * @param callId the request's Call-ID
   * @return the host that may send requests in that dialog, or null if this element holds no such
   *     dialog or does not restrict it
   */
  InetAddress hostOf(String callId);
}
