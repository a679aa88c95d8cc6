package io.baton.proxy;

import io.baton.contract.ReferSigningConfig;
import io.baton.sip.PrefixRoute;
import io.baton.sip.SipConfig;
import io.baton.sip.TrustPolicy;
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
 *   trust:
 *     peers:
 *       - {name: sbc-edge, address: 127.0.0.1:5060, may: [invite, in-dialog, options]}
 *       - {name: transfer, address: 127.0.0.1:5110, may: [refer]}
 *   dialogMaxAge: 12h
 *   referSigning: {keys: [{id: k1, secret: env:BATON_REFER_KEY_K1}], window: 30s}
 * </pre>
 *
 * @param sip where the proxy listens; its address is also its Record-Route and Via
 * @param routes next hop by longest prefix of the Request-URI user
 * @param trust who may send what (docs/security.md): its neighbours, and the transfer servers whose
 *     out-of-dialog REFERs it obeys; anything else gets 403; default: nobody
 * @param dialogMaxAge a confirmed dialog is forgotten after this long even without a BYE (a BYE
 *     lost on the way must not keep it forever); default 12h
 * @param referSigning the keys an out-of-band REFER must be signed with, besides coming from a peer
 *     that may {@code refer} (docs/security.md, "Signed REFERs"); default none: the trust policy
 *     alone decides
 */
public record ProxyConfig(
    SipConfig sip,
    List<PrefixRoute> routes,
    TrustPolicy trust,
    Duration dialogMaxAge,
    ReferSigningConfig referSigning) {

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
      if (route.to().address().equals(sip.listen())) {
        throw new IllegalArgumentException(
            "proxy.routes[" + i + "].to: " + route.to() + " is the proxy itself (a loop)");
      }
    }
    routes = List.copyOf(routes);
    trust = trust == null ? TrustPolicy.none() : trust;
    trust.requireNoDidCheck("proxy.trust");
    if (dialogMaxAge == null) {
      dialogMaxAge = DEFAULT_DIALOG_MAX_AGE;
    }
    if (dialogMaxAge.isNegative() || dialogMaxAge.isZero()) {
      throw new IllegalArgumentException(
          "proxy.dialogMaxAge: " + dialogMaxAge + " must be positive");
    }
    referSigning = referSigning == null ? ReferSigningConfig.off() : referSigning;
  }

  /** A proxy that believes REFERs by their source alone (no {@code referSigning}). */
  public ProxyConfig(
      SipConfig sip, List<PrefixRoute> routes, TrustPolicy trust, Duration dialogMaxAge) {
    this(sip, routes, trust, dialogMaxAge, null);
  }
}
