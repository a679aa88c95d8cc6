package io.baton.transfer;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * What a client's requests are counted under for the per-client limits: its IPv4 address, or the
 * /64 its IPv6 address is in, since a single host is routinely handed a whole /64 (RFC 4291 §2.5.4)
 * and would otherwise get a fresh bucket for every address it picks.
 */
final class ClientAddress {
  private ClientAddress() {}

  /**
   * The key of the peer at {@code remoteAddress} (an address literal, as the server reports it).
   */
  static String key(String remoteAddress) {
    String literal =
        remoteAddress.startsWith("[") && remoteAddress.endsWith("]")
            ? remoteAddress.substring(1, remoteAddress.length() - 1)
            : remoteAddress;
    if (!literal.contains(":")) {
      return literal;
    }
    try {
      InetAddress address = InetAddress.getByName(literal); // a literal: no name lookup
      if (!(address instanceof Inet6Address)) {
        return address.getHostAddress(); // IPv4-mapped
      }
      byte[] prefix = Arrays.copyOf(address.getAddress(), 16);
      Arrays.fill(prefix, 8, 16, (byte) 0);
      return InetAddress.getByAddress(prefix).getHostAddress() + "/64";
    } catch (UnknownHostException e) {
      return literal;
    }
  }
}
