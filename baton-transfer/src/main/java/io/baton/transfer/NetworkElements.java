package io.baton.transfer;

import io.baton.sip.HostPort;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The elements of Baton's network, which no transfer may be sent to: a {@code sip:} target at one
 * of them would skip the SBCs' trust checks, least-cost routing and the rate ceiling (a REFER to
 * {@code sip:+19005550000@<SBC-carrier>} reaches a carrier with the caller's media, whatever the
 * tenant's policy says about numbers). They are the {@code network:} addresses but those named in
 * {@code transfer.policy.outsideNetwork}, and every carrier's gateway.
 *
 * <p>A target reaches an element when one of its hosts resolves, as SBC-edge would resolve it, to
 * an address of the element's host and one of its ports is the element's. Every loopback address
 * ({@code 127.0.0.0/8}, {@code ::1}) and the unspecified address ({@code 0.0.0.0}, {@code ::},
 * which a connection to reaches this host) count as one: {@code localhost}, {@code [::1]}, {@code
 * 127.1} and {@code 127.0.0.1} are the same host here.
 */
final class NetworkElements {

  /** Resolves a host name or address literal to its addresses, as the SBCs do. */
  @FunctionalInterface
  interface Resolver {
    List<InetAddress> resolve(String host) throws UnknownHostException;
  }

  /** The system's resolver ({@code /etc/hosts}, DNS), which the SBCs' stacks use too. */
  static final Resolver SYSTEM = host -> List.of(InetAddress.getAllByName(host));

  /** Where a target leads. */
  sealed interface Reach {
    /** Not to an element of the network. */
    record Outside() implements Reach {}

    /** To the element {@code name} at {@code address}. */
    record Element(String name, HostPort address) implements Reach {}

    /** {@code host} does not resolve: whether it is an element cannot be told. */
    record Unresolvable(String host) implements Reach {}
  }

  private final Map<String, HostPort> elements;
  private final Resolver resolver;

  /**
   * @param elements every element by name (the {@code network:} entries that are elements)
   */
  NetworkElements(Map<String, HostPort> elements, Resolver resolver) {
    this.elements = Map.copyOf(elements);
    this.resolver = resolver;
  }

  /**
   * The elements of {@code network} but those {@code policy} names outside it.
   *
   * @throws IllegalArgumentException naming {@code transfer.policy.outsideNetwork} if it names
   *     something {@code network} does not
   */
  static NetworkElements of(
      Map<String, HostPort> network, TransferServerConfig.Policy policy, Resolver resolver) {
    policy.check(network.keySet());
    Map<String, HostPort> elements = new LinkedHashMap<>(network);
    policy.outsideNetwork().forEach(elements::remove);
    return new NetworkElements(elements, resolver);
  }

  /**
   * Where {@code hop} leads, checked against the network's elements and then {@code gateways}
   * (carriers' gateways by name, e.g. {@code carrier cheapnet}).
   */
  Reach reach(SipHop hop, Map<String, HostPort> gateways) {
    Map<String, HostPort> all = new LinkedHashMap<>(elements);
    gateways.forEach(all::putIfAbsent);
    for (String host : hop.hosts()) {
      List<InetAddress> target;
      try {
        target = resolver.resolve(host);
      } catch (UnknownHostException e) {
        return new Reach.Unresolvable(host);
      }
      for (Map.Entry<String, HostPort> element : all.entrySet()) {
        HostPort at = element.getValue();
        if (hop.ports().contains(at.port()) && sameHost(host, target, at.host())) {
          return new Reach.Element(element.getKey(), at);
        }
      }
    }
    return new Reach.Outside();
  }

  private boolean sameHost(String host, List<InetAddress> addresses, String elementHost) {
    List<InetAddress> element;
    try {
      element = resolver.resolve(elementHost);
    } catch (UnknownHostException e) {
      // an element whose name does not resolve now is matched by its name alone
      return host.equals(elementHost.toLowerCase(Locale.ROOT));
    }
    for (InetAddress a : addresses) {
      for (InetAddress e : element) {
        if (a.equals(e) || (thisHost(a) && thisHost(e))) {
          return true;
        }
      }
    }
    return false;
  }

  /** An address that reaches this host whatever its spelling. */
  private static boolean thisHost(InetAddress a) {
    return a.isLoopbackAddress() || a.isAnyLocalAddress();
  }
}
