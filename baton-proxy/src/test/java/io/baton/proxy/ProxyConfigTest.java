package io.baton.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.baton.sip.HostPort;
import io.baton.sip.PrefixRoute;
import io.baton.sip.SipConfig;
import io.baton.sip.TrustPolicy;
import io.baton.sip.TrustPolicy.Peer;
import io.baton.sip.TrustPolicy.Permission;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProxyConfigTest {
  private static final SipConfig SIP = SipConfig.at("127.0.0.1:5080");
  private static final PrefixRoute DEST =
      new PrefixRoute("+1312555", HostPort.parse("127.0.0.1:5090"));

  @Test
  void labShapeWithDefaults() {
    TrustPolicy trust =
        new TrustPolicy(List.of(new Peer("transfer", "127.0.0.1:5110", Permission.REFER)), null);
    ProxyConfig config = new ProxyConfig(SIP, List.of(DEST), trust, null);

    assertThat(config.dialogMaxAge()).isEqualTo(Duration.ofHours(12));
    assertThat(config.trust()).isEqualTo(trust);
    assertThat(new ProxyConfig(SIP, null, null, null).routes()).isEmpty();
    assertThat(new ProxyConfig(SIP, null, null, null).trust()).isEqualTo(TrustPolicy.none());
  }

  @Test
  void errorsNameTheYamlKey() {
    assertThatThrownBy(() -> new ProxyConfig(null, List.of(), null, null))
        .hasMessageStartingWith("proxy.sip:");
    assertThatThrownBy(() -> new ProxyConfig(SIP, Arrays.asList(DEST, null), null, null))
        .hasMessageStartingWith("proxy.routes[1]:");
    assertThatThrownBy(() -> new ProxyConfig(SIP, List.of(DEST, DEST), null, null))
        .hasMessageStartingWith("proxy.routes[1].prefix:");
    assertThatThrownBy(
            () ->
                new ProxyConfig(
                    SIP,
                    List.of(new PrefixRoute("", HostPort.parse("127.0.0.1:5080"))),
                    null,
                    null))
        .hasMessageStartingWith("proxy.routes[0].to:");
    assertThatThrownBy(
            () ->
                new ProxyConfig(
                    SIP,
                    List.of(),
                    TrustPolicy.publicMay(Permission.OPTIONS, Permission.INVITE_TO_DID),
                    null))
        .hasMessageStartingWith("proxy.trust.public.may: invite-to-did needs the DIDs");
    assertThatThrownBy(() -> new ProxyConfig(SIP, List.of(), null, Duration.ZERO))
        .hasMessageStartingWith("proxy.dialogMaxAge:");
  }

  @Test
  void dialogsAreSweptAtAQuarterOfTheirMaximumAgeAtMostEveryMinute() {
    assertThat(ProxyServer.sweepPeriod(Duration.ofHours(12))).isEqualTo(Duration.ofMinutes(1));
    assertThat(ProxyServer.sweepPeriod(Duration.ofSeconds(2))).isEqualTo(Duration.ofMillis(500));
  }
}
