package io.baton.redirect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.baton.sip.NextHop;
import io.baton.sip.SipConfig;
import io.baton.sip.TrustPolicy;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RedirectConfigTest {
  private static final SipConfig SIP = SipConfig.at("127.0.0.1:5070");
  private static final NextHop CORE = NextHop.parse("127.0.0.1:5080");

  @Test
  void regionAndReloadHaveDefaults() {
    RedirectConfig config = new RedirectConfig(SIP, CORE, null, null, null);

    assertThat(config.defaultRegion()).isEqualTo("US");
    assertThat(config.reload()).isEqualTo(Duration.ofSeconds(10));
    assertThat(config.trust()).isEqualTo(TrustPolicy.none());
  }

  @Test
  void errorsNameTheKey() {
    assertThatThrownBy(() -> new RedirectConfig(null, CORE, null, null, null))
        .hasMessage("redirect.sip: missing");
    assertThatThrownBy(() -> new RedirectConfig(SIP, null, null, null, null))
        .hasMessage("redirect.coreProxy: missing");
    assertThatThrownBy(() -> new RedirectConfig(SIP, CORE, "XX", null, null))
        .hasMessage("redirect.defaultRegion: 'XX' is not an ISO 3166 region");
    assertThatThrownBy(() -> new RedirectConfig(SIP, CORE, "GB", Duration.ZERO, null))
        .hasMessage("redirect.reload: PT0S is not positive");
  }
}
