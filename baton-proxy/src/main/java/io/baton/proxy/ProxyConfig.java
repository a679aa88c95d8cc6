package io.baton.proxy;

import io.baton.sip.PrefixRoute;
import io.baton.sip.SipConfig;
import io.baton.sip.TrustList;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The {@code proxy:} block of the configuration.
 *
 * <pre>
 * proxy:
 *   sip: {listen: 127.0.0.1:5080}
 *   routes: [{prefix: "+1312555", to: 127.0.0.1:5090}]
 *   trustedTransferServers: [127.0.0.1:5110]
 *   dialogMaxAge: 12h
 * </pre>
 *
 * @param sip where the proxy listens; its address is also its Record-Route and Via
 * @param routes next hop by longest prefix of the Request-URI user
 * @param trustedTransferServers packet sources ({@code host} or {@code host:port}) whose
 *     out-of-dialog REFERs are obeyed; everyone else gets 403
 * @param dialogMaxAge a confirmed dialog is forgotten after this long even without a BYE (a BYE
 *     lost on the way must not keep it forever); default 12h
 */
public record ProxyConfig(
    SipConfig sip,
    List<PrefixRoute> routes,
    List<String> trustedTransferServers,
    Duration dialogMaxAge) {

  public static final Duration DEFAULT_DIALOG_MAX_AGE = Duration.ofHours(12);

  public ProxyConfig {
    if (sip == null) {
      throw new IllegalArgumentException("proxy.sip: required (at least {listen: host:port})");
    }
    routes = routes == null ? List.of() : routes;
    Set<String> prefixes = new HashSet<>();
    for (int i = 0; i < routes.size(); i++) {
      PrefixRoute route = routes.get(i);
      if (route == null) {
        throw new IllegalArgumentException("proxy.routes[" + i + "]: empty route");
      }
      if (!prefixes.add(route.prefix())) {
        throw new IllegalArgumentException(
            "proxy.routes[" + i + "].prefix: '" + route.prefix() + "' is listed twice");
      }
      if (route.to().equals(sip.listen())) {
        throw new IllegalArgumentException(
            "proxy.routes[" + i + "].to: " + route.to() + " is the proxy itself (a loop)");
      }
    }
    routes = List.copyOf(routes);
    trustedTransferServers = trustedTransferServers == null ? List.of() : trustedTransferServers;
    for (int i = 0; i < trustedTransferServers.size(); i++) {
      try {
        TrustList.of(List.of(trustedTransferServers.get(i)));
      } catch (IllegalArgumentException | NullPointerException e) {
        throw new IllegalArgumentException(
            "proxy.trustedTransferServers["
                + i
                + "]: '"
                + trustedTransferServers.get(i)
                + "' is not host or host:port",
            e);
      }
    }
    trustedTransferServers = List.copyOf(trustedTransferServers);
    if (dialogMaxAge == null) {
      dialogMaxAge = DEFAULT_DIALOG_MAX_AGE;
    }
    if (dialogMaxAge.isNegative() || dialogMaxAge.isZero()) {
      throw new IllegalArgumentException(
          "proxy.dialogMaxAge: " + dialogMaxAge + " must be positive");
    }
  }

  /** The trust list built from {@link #trustedTransferServers}. */
  public TrustList transferTrust() {
    return TrustList.of(trustedTransferServers);
  }
}
