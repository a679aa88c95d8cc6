package io.baton.redirect;

import io.baton.routing.Numbers;
import io.baton.sip.NextHop;
import io.baton.sip.SipConfig;
import io.baton.sip.TrustPolicy;
import java.time.Duration;

/**
 * The redirect server (the {@code redirect:} block):
 *
 * <pre>
 * redirect:
 *   sip: {listen: 127.0.0.1:5070}
 *   coreProxy: 127.0.0.1:5080
 *   defaultRegion: US     # optional
 *   reload: 10s           # optional
 *   typicalCall: 60s      # optional
 *   healthCheck: {interval: 10s, timeout: 2s, downAfter: 2}   # optional; interval 0s: off
 *   trust:
 *     peers: [{name: sbc-edge, address: 127.0.0.1:5060, may: [invite, options]}]
 * </pre>
 *
 * @param sip where it listens
 * @param coreProxy the proxy through which DIDs redirected to a number are reached ({@code
 *     host:port}, or {@code host:port;transport=tls} for SIP over TLS to it)
 * @param defaultRegion region for dialled numbers written without a country code ({@code US})
 * @param reload how often DIDs, carriers and rates are re-read from the database ({@code 10s}; the
 *     rate decks only when their version changed)
 * @param typicalCall the call length routes are priced for: least-cost order counts connection fees
 *     and billing increments of a call this long ({@code 60s})
 * @param healthCheck SIP OPTIONS pings of the carriers' gateways
 * @param trust who may ask (docs/security.md): {@code invite} gets any route, {@code invite-to-did}
 *     only a DID's; a query saying {@code X-Baton-Origin: public} gets only a DID's too; default:
 *     nobody
 */
public record RedirectConfig(
    SipConfig sip,
    NextHop coreProxy,
    String defaultRegion,
    Duration reload,
    Duration typicalCall,
    HealthCheck healthCheck,
    TrustPolicy trust) {

  public static final String DEFAULT_REGION = "US";
  public static final Duration DEFAULT_RELOAD = Duration.ofSeconds(10);
  public static final Duration DEFAULT_TYPICAL_CALL = Duration.ofSeconds(60);

  public RedirectConfig {
    if (sip == null) {
      throw new IllegalArgumentException("redirect.sip: missing");
    }
    if (coreProxy == null) {
      throw new IllegalArgumentException("redirect.coreProxy: missing");
    }
    defaultRegion = defaultRegion == null ? DEFAULT_REGION : defaultRegion;
    try {
      new Numbers(defaultRegion);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "redirect.defaultRegion: '" + defaultRegion + "' is not an ISO 3166 region", e);
    }
    reload = reload == null ? DEFAULT_RELOAD : reload;
    if (reload.isNegative() || reload.isZero()) {
      throw new IllegalArgumentException("redirect.reload: " + reload + " is not positive");
    }
    typicalCall = typicalCall == null ? DEFAULT_TYPICAL_CALL : typicalCall;
    if (typicalCall.toSeconds() < 1) {
      throw new IllegalArgumentException(
          "redirect.typicalCall: " + typicalCall + " is not at least 1s");
    }
    healthCheck = healthCheck == null ? HealthCheck.DEFAULT : healthCheck;
    trust = trust == null ? TrustPolicy.none() : trust;
  }

  /** Without health checks, the defaults otherwise (tests of one element). */
  public RedirectConfig(
      SipConfig sip, NextHop coreProxy, String defaultRegion, Duration reload, TrustPolicy trust) {
    this(sip, coreProxy, defaultRegion, reload, null, HealthCheck.OFF, trust);
  }

  /**
   * SIP OPTIONS pings of every gateway of every enabled carrier (RFC 3261 §11): a gateway that
   * leaves {@code downAfter} pings in a row unanswered within {@code timeout} (or answers 408) is
   * down and left out of routes; the first answer brings it back.
   *
   * @param interval time between two rounds of pings; 0 turns health checks off
   */
  public record HealthCheck(Duration interval, Duration timeout, Integer downAfter) {
    public static final HealthCheck DEFAULT =
        new HealthCheck(Duration.ofSeconds(10), Duration.ofSeconds(2), 2);
    public static final HealthCheck OFF = new HealthCheck(Duration.ZERO, null, null);

    public HealthCheck {
      interval = interval == null ? DEFAULT.interval() : interval;
      timeout = timeout == null ? DEFAULT.timeout() : timeout;
      downAfter = downAfter == null ? DEFAULT.downAfter() : downAfter;
      if (interval.isNegative()) {
        throw new IllegalArgumentException(
            "redirect.healthCheck.interval: " + interval + " is negative");
      }
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException(
            "redirect.healthCheck.timeout: " + timeout + " is not positive");
      }
      if (downAfter < 1) {
        throw new IllegalArgumentException(
            "redirect.healthCheck.downAfter: " + downAfter + " is not at least 1");
      }
    }

    public boolean enabled() {
      return !interval.isZero();
    }
  }
}
