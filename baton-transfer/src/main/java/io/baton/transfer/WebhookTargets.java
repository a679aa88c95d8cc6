package io.baton.transfer;

import io.baton.sip.HostPort;
import io.baton.store.WebhookSeed;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where a tenant's webhook may send Baton's POSTs, so a webhook cannot turn the transfer server
 * into a proxy towards its own network (server-side request forgery). A webhook URL is {@code
 * https}, or {@code http} to a host in {@code transfer.webhooks.allowHttpHosts}; every address its
 * host resolves to is public (not loopback, link-local, private, shared, unspecified, multicast or
 * reserved) unless {@code transfer.webhooks.allowPrivate} names the host or a range holding the
 * address; and it is never one of this server's own listening addresses. Checked when the URL is
 * set ({@link #problem}) and again for every connection ({@link #addresses}), which then goes to an
 * address just checked, so a name that resolves elsewhere later (DNS rebinding) gains nothing.
 * Plain code: name resolution is injected.
 */
final class WebhookTargets {
  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
  private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");
  private static final Pattern HOST_NAME =
      Pattern.compile("(?=.{1,253}\\.?$)([A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?\\.?)+");

  /** Resolves a host name to its addresses ({@link InetAddress#getAllByName} in production). */
  @FunctionalInterface
  interface Resolver {
    List<InetAddress> resolve(String host) throws UnknownHostException;
  }

  /** Address ranges that are not the public Internet, with what to call them. */
  private static final List<Range> NOT_PUBLIC =
      List.of(
          new Range(Cidr.parse("0.0.0.0/8"), "an unspecified address"),
          new Range(Cidr.parse("10.0.0.0/8"), "a private address (RFC 1918)"),
          new Range(Cidr.parse("100.64.0.0/10"), "a shared address (RFC 6598)"),
          new Range(Cidr.parse("127.0.0.0/8"), "a loopback address"),
          new Range(Cidr.parse("169.254.0.0/16"), "a link-local address"),
          new Range(Cidr.parse("172.16.0.0/12"), "a private address (RFC 1918)"),
          new Range(Cidr.parse("192.0.0.0/24"), "a reserved address (RFC 6890)"),
          new Range(Cidr.parse("192.168.0.0/16"), "a private address (RFC 1918)"),
          new Range(Cidr.parse("198.18.0.0/15"), "a reserved address (RFC 2544)"),
          new Range(Cidr.parse("224.0.0.0/4"), "a multicast address"),
          new Range(Cidr.parse("240.0.0.0/4"), "a reserved address"),
          new Range(Cidr.parse("::/128"), "an unspecified address"),
          new Range(Cidr.parse("::1/128"), "a loopback address"),
          new Range(Cidr.parse("fc00::/7"), "a unique local address (RFC 4193)"),
          new Range(Cidr.parse("fe80::/10"), "a link-local address"),
          new Range(Cidr.parse("fec0::/10"), "a site-local address"),
          new Range(Cidr.parse("ff00::/8"), "a multicast address"));

  private record Range(Cidr cidr, String what) {}

  private final List<String> httpHosts;
  private final List<String> privateHosts = new ArrayList<>();
  private final List<Cidr> privateRanges = new ArrayList<>();
  private final List<HostPort> own;
  private final Resolver resolver;

  /**
   * @param allowHttpHosts {@code transfer.webhooks.allowHttpHosts}
   * @param allowPrivate {@code transfer.webhooks.allowPrivate}
   * @param own this server's listening addresses (its API, its SIP user agent)
   */
  WebhookTargets(
      List<String> allowHttpHosts,
      List<String> allowPrivate,
      List<HostPort> own,
      Resolver resolver) {
    checkAllowances(allowHttpHosts, allowPrivate);
    this.httpHosts = allowHttpHosts.stream().map(WebhookTargets::normalise).toList();
    for (String entry : allowPrivate) {
      if (isAddress(entry)) {
        privateRanges.add(Cidr.parse(entry));
      } else {
        privateHosts.add(normalise(entry));
      }
    }
    this.own = List.copyOf(own);
    this.resolver = resolver;
  }

  /** The production resolver: the system's. */
  static Resolver systemResolver() {
    return host -> List.of(InetAddress.getAllByName(host));
  }

  /** Checks the allowances' syntax, naming the YAML key. */
  static void checkAllowances(List<String> allowHttpHosts, List<String> allowPrivate) {
    for (int i = 0; i < allowHttpHosts.size(); i++) {
      String host = allowHttpHosts.get(i);
      if (host == null || !(isAddress(host) || HOST_NAME.matcher(host).matches())) {
        throw new IllegalArgumentException(
            "transfer.webhooks.allowHttpHosts[" + i + "]: '" + host + "' is not a host");
      }
    }
    for (int i = 0; i < allowPrivate.size(); i++) {
      String entry = allowPrivate.get(i);
      String key = "transfer.webhooks.allowPrivate[" + i + "]";
      if (entry == null) {
        throw new IllegalArgumentException(key + ": missing");
      }
      if (isAddress(entry)) {
        try {
          Cidr.parse(entry);
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(key + ": " + e.getMessage());
        }
      } else if (!HOST_NAME.matcher(entry).matches()) {
        throw new IllegalArgumentException(
            key + ": '" + entry + "' is neither a host, an address nor address/prefix");
      }
    }
  }

  /**
   * What is wrong with {@code url} as a webhook URL, if anything: the text of a {@code 400}
   * problem, naming the field.
   */
  Optional<String> problem(String url) {
    Optional<String> syntax = WebhookSeed.urlProblem(url);
    if (syntax.isPresent()) {
      return syntax.map(p -> "url: " + p);
    }
    URI uri = URI.create(url);
    if (uri.getRawUserInfo() != null) {
      return Optional.of("url: must not carry a user name or password");
    }
    String host = host(uri);
    if (uri.getScheme().equalsIgnoreCase("http") && !httpHosts.contains(normalise(host))) {
      return Optional.of(
          "url: '"
              + url
              + "' is not https:// (plain http:// only to transfer.webhooks.allowHttpHosts)");
    }
    try {
      addresses(host, port(uri));
      return Optional.empty();
    } catch (Refused e) {
      return Optional.of("url: " + e.getMessage());
    }
  }

  /**
   * The addresses of {@code host} a delivery to {@code port} may connect to: those that pass.
   *
   * @throws Refused if the host does not resolve or none of its addresses passes; at registration
   *     (through {@link #problem}) one that fails is enough
   */
  List<InetSocketAddress> addresses(String host, int port) throws Refused {
    List<InetAddress> resolved;
    try {
      resolved = resolver.resolve(host);
    } catch (UnknownHostException e) {
      throw new Refused("host '" + host + "' does not resolve");
    }
    if (resolved.isEmpty()) {
      throw new Refused("host '" + host + "' does not resolve");
    }
    boolean hostAllowed = privateHosts.contains(normalise(host));
    List<InetSocketAddress> out = new ArrayList<>();
    for (InetAddress address : resolved) {
      Optional<String> why = refusal(address, port, hostAllowed);
      if (why.isPresent()) {
        throw new Refused(
            "'" + host + "' resolves to " + address.getHostAddress() + ", " + why.get());
      }
      out.add(new InetSocketAddress(address, port));
    }
    return out;
  }

  /** Why a connection to {@code address:port} is refused, if it is. */
  private Optional<String> refusal(InetAddress address, int port, boolean hostAllowed) {
    for (HostPort mine : own) {
      if (mine.port() == port && isOwnAddress(address, mine.host())) {
        return Optional.of("this server's own " + mine + " (never allowed)");
      }
    }
    if (hostAllowed || privateRanges.stream().anyMatch(c -> c.contains(address))) {
      return Optional.empty();
    }
    return notPublic(address).map(what -> what + " (allow it in transfer.webhooks.allowPrivate)");
  }

  /** What kind of non-public address {@code address} is, if it is one. */
  static Optional<String> notPublic(InetAddress address) {
    Optional<InetAddress> embedded = embeddedIpv4(address);
    if (embedded.isPresent()) {
      return notPublic(embedded.get()).map(what -> what + " inside an IPv6 address");
    }
    return NOT_PUBLIC.stream().filter(r -> r.cidr().contains(address)).map(Range::what).findFirst();
  }

  /**
   * The IPv4 address an IPv6 one carries and routes to: IPv4-mapped ({@code ::ffff:0:0/96}),
   * IPv4-compatible ({@code ::/96}), NAT64 ({@code 64:ff9b::/96}, RFC 6052) and 6to4 ({@code
   * 2002::/16}, RFC 3056).
   */
  private static Optional<InetAddress> embeddedIpv4(InetAddress address) {
    if (!(address instanceof Inet6Address)) {
      return Optional.empty();
    }
    byte[] b = address.getAddress();
    int from = -1;
    if (zeros(b, 0, 10) && ((b[10] == (byte) 0xff && b[11] == (byte) 0xff) || zeros(b, 10, 12))) {
      from = zeros(b, 0, 16) || (zeros(b, 0, 15) && b[15] == 1) ? -1 : 12;
    } else if (b[0] == 0
        && b[1] == 0x64
        && b[2] == (byte) 0xff
        && b[3] == (byte) 0x9b
        && zeros(b, 4, 12)) {
      from = 12;
    } else if (b[0] == 0x20 && b[1] == 0x02) {
      from = 2;
    }
    if (from < 0) {
      return Optional.empty();
    }
    try {
      return Optional.of(
          InetAddress.getByAddress(new byte[] {b[from], b[from + 1], b[from + 2], b[from + 3]}));
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  private static boolean zeros(byte[] b, int from, int to) {
    for (int i = from; i < to; i++) {
      if (b[i] != 0) {
        return false;
      }
    }
    return true;
  }

  /** Whether {@code address} is one this server listens on as {@code host}. */
  private static boolean isOwnAddress(InetAddress address, String host) {
    try {
      InetAddress bound = InetAddress.getByName(host);
      if (bound.isAnyLocalAddress()) {
        return address.isAnyLocalAddress()
            || address.isLoopbackAddress()
            || java.net.NetworkInterface.getByInetAddress(address) != null;
      }
      return bound.equals(address) || (address.isAnyLocalAddress() && bound.isLoopbackAddress());
    } catch (IOException e) {
      return false;
    }
  }

  private static String host(URI uri) {
    String host = uri.getHost();
    return host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
  }

  private static int port(URI uri) {
    return uri.getPort() >= 0
        ? uri.getPort()
        : uri.getScheme().equalsIgnoreCase("https") ? 443 : 80;
  }

  /** A host name as compared: lower case, without the root's trailing dot, brackets dropped. */
  private static String normalise(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    if (h.startsWith("[") && h.endsWith("]")) {
      h = h.substring(1, h.length() - 1);
    }
    return h.endsWith(".") ? h.substring(0, h.length() - 1) : h;
  }

  private static boolean isAddress(String entry) {
    String address = entry.contains("/") ? entry.substring(0, entry.indexOf('/')) : entry;
    return IPV4.matcher(address).matches() || IPV6.matcher(address).matches();
  }

  /** A webhook's connection is not allowed; the message says why. */
  static final class Refused extends IOException {
    Refused(String message) {
      super(message);
    }
  }

  /** An address range: an address and how many of its leading bits a member shares. */
  record Cidr(byte[] network, int prefix) {
    /** {@code 10.0.0.0/8}, {@code fd00::/8}, or one address ({@code 127.0.0.1}). */
    static Cidr parse(String text) {
      int slash = text.indexOf('/');
      String address = slash < 0 ? text : text.substring(0, slash);
      if (!IPV4.matcher(address).matches() && !IPV6.matcher(address).matches()) {
        throw new IllegalArgumentException("'" + text + "' is not an address");
      }
      byte[] bytes;
      try {
        bytes = InetAddress.getByName(address).getAddress(); // a literal: no name lookup
      } catch (UnknownHostException e) {
        throw new IllegalArgumentException("'" + text + "' is not an address");
      }
      int max = bytes.length * 8;
      int prefix;
      try {
        prefix = slash < 0 ? max : Integer.parseInt(text.substring(slash + 1));
      } catch (NumberFormatException e) {
        prefix = -1;
      }
      if (prefix < 0 || prefix > max) {
        throw new IllegalArgumentException("'" + text + "': prefix not in 0.." + max);
      }
      return new Cidr(bytes, prefix);
    }

    boolean contains(InetAddress address) {
      byte[] a = address.getAddress();
      if (a.length != network.length) {
        return false;
      }
      int full = prefix / 8;
      for (int i = 0; i < full; i++) {
        if (a[i] != network[i]) {
          return false;
        }
      }
      int rest = prefix % 8;
      if (rest == 0) {
        return true;
      }
      int mask = 0xff << (8 - rest) & 0xff;
      return (a[full] & mask) == (network[full] & mask);
    }
  }
}
