package io.baton.sip;

import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A static next hop for numbers starting with {@code prefix} ({@code ""} matches everything), as
 * the proxy and SBCs configure them; {@code to} may name the hop's transport ({@link NextHop}).
 */
public record PrefixRoute(String prefix, NextHop to) {
  public PrefixRoute {
    Objects.requireNonNull(to, "to");
    prefix = prefix == null ? "" : prefix;
  }

  /** A UDP route. */
  public PrefixRoute(String prefix, HostPort to) {
    this(prefix, new NextHop(to));
  }

  /** The route with the longest prefix of {@code user}; empty if none matches. */
  public static Optional<PrefixRoute> longestMatch(List<PrefixRoute> routes, String user) {
    if (user == null) {
      return Optional.empty();
    }
    return routes.stream()
        .filter(r -> user.startsWith(r.prefix()))
        .max(Comparator.comparingInt(r -> r.prefix().length()));
  }
}
