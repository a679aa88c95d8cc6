package io.baton.sip;

import io.baton.sip.TrustPolicy.PeerAddress;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * A plain list of sources, {@code host} (any port) or {@code host:port}, matched by the packet's
 * source address and port whatever the transport: for lists that only exempt (the rate limit's
 * {@code sip.limits.exempt}), not for what an element lets a source do, which is its {@link
 * TrustPolicy}'s to say.
 */
public final class TrustList {
  private final List<PeerAddress> entries;
  private final List<String> text;

  private TrustList(List<PeerAddress> entries, List<String> text) {
    this.entries = entries;
    this.text = text;
  }

  /**
   * @throws IllegalArgumentException naming the entry that is neither an address nor host:port
   */
  public static TrustList of(List<String> entries) {
    return new TrustList(entries.stream().map(TrustList::parse).toList(), List.copyOf(entries));
  }

  private static PeerAddress parse(String entry) {
    try {
      return PeerAddress.parse(entry);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("trusted entry " + e.getMessage(), e);
    }
  }

  public static TrustList none() {
    return new TrustList(List.of(), List.of());
  }

  public boolean trusts(InetSocketAddress source) {
    if (source == null || source.getAddress() == null) {
      return false;
    }
    return entries.stream().anyMatch(e -> e.matches(source.getAddress(), source.getPort()));
  }

  public boolean trusts(HostPort address) {
    try {
      return trusts(new InetSocketAddress(InetAddress.getByName(address.host()), address.port()));
    } catch (UnknownHostException e) {
      return false;
    }
  }

  @Override
  public String toString() {
    return text.toString();
  }
}
