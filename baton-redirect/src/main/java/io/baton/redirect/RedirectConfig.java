package io.baton.redirect;

import io.baton.routing.Numbers;
import io.baton.sip.HostPort;
import io.baton.sip.SipConfig;
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
 * </pre>
 *
 * @param sip where it listens
 * @param coreProxy the proxy through which DIDs redirected to a number are reached
 * @param defaultRegion region for dialled numbers written without a country code ({@code US})
 * @param reload how often DIDs, carriers and rates are re-read from the database ({@code 10s})
 */
public record RedirectConfig(
    SipConfig sip, HostPort coreProxy, String defaultRegion, Duration reload) {

  public static final String DEFAULT_REGION = "US";
  public static final Duration DEFAULT_RELOAD = Duration.ofSeconds(10);

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
  }
}
