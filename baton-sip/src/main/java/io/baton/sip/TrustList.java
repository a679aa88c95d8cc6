package io.baton.sip;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * Which sources an element believes: entries are {@code host} (any port) or {@code host:port}. The
 * check uses the packet's source address, never a header. On one loopback host every element shares
 * 127.0.0.1, so the lab trusts by port as well; across hosts an address alone suffices.
 */
public final class TrustList {
  private record Entry(InetAddress address, int port) {}

  private final List<Entry> entries;
  private final List<String> text;

  private TrustList(List<Entry> entries, List<String> text) {
    this.entries = entries;
    this.text = text;
  }

  /**
   * @throws IllegalArgumentException naming the entry that is neither an address nor host:port
   */
  public static TrustList of(List<String> entries) {
    return new TrustList(entries.stream().map(TrustList::parse).toList(), List.copyOf(entries));
  }

  private static Entry parse(String entry) {
    String s = entry.trim();
    long colons = s.chars().filter(c -> c == ':').count();
    boolean withPort = s.startsWith("[") ? s.contains("]:") : colons == 1;
    try {
      if (withPort) {
        HostPort hp = HostPort.parse(s);
        return new Entry(InetAddress.getByName(hp.host()), hp.port());
      }
      return new Entry(InetAddress.getByName(s.replace("[", "").replace("]", "")), 0);
    } catch (UnknownHostException | IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "trusted entry '" + entry + "' is not host or host:port", e);
    }
  }

  public static TrustList none() {
    return new TrustList(List.of(), List.of());
  }

  public boolean trusts(InetSocketAddress source) {
    if (source == null || source.getAddress() == null) {
      return false;
    }
    for (Entry e : entries) {
      if (e.address().equals(source.getAddress())
          && (e.port() == 0 || e.port() == source.getPort())) {
        return true;
      }
    }
    return false;
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
