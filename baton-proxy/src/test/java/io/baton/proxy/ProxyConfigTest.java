package io.baton.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.baton.sip.HostPort;
import io.baton.sip.PrefixRoute;
import io.baton.sip.SipConfig;
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
    ProxyConfig config = new ProxyConfig(SIP, List.of(DEST), List.of("127.0.0.1:5110"), null);

    assertThat(config.dialogMaxAge()).isEqualTo(Duration.ofHours(12));
    assertThat(config.transferTrust().trusts(HostPort.parse("127.0.0.1:5110"))).isTrue();
    assertThat(config.transferTrust().trusts(HostPort.parse("127.0.0.1:5111"))).isFalse();
    assertThat(new ProxyConfig(SIP, null, null, null).routes()).isEmpty();
  }

  @Test
  void errorsNameTheYamlKey() {
    assertThatThrownBy(() -> new ProxyConfig(null, List.of(), List.of(), null))
        .hasMessageStartingWith("proxy.sip:");
    assertThatThrownBy(() -> new ProxyConfig(SIP, Arrays.asList(DEST, null), List.of(), null))
        .hasMessageStartingWith("proxy.routes[1]:");
    assertThatThrownBy(() -> new ProxyConfig(SIP, List.of(DEST, DEST), List.of(), null))
        .hasMessageStartingWith("proxy.routes[1].prefix:");
    assertThatThrownBy(
            () ->
                new ProxyConfig(
                    SIP,
                    List.of(new PrefixRoute("", HostPort.parse("127.0.0.1:5080"))),
                    List.of(),
                    null))
        .hasMessageStartingWith("proxy.routes[0].to:");
    assertThatThrownBy(
            () -> new ProxyConfig(SIP, List.of(), List.of("127.0.0.1:5110", "not a host:x"), null))
        .hasMessageStartingWith("proxy.trustedTransferServers[1]:");
    assertThatThrownBy(() -> new ProxyConfig(SIP, List.of(), List.of(), Duration.ZERO))
        .hasMessageStartingWith("proxy.dialogMaxAge:");
  }

  @Test
  void dialogsAreSweptAtAQuarterOfTheirMaximumAgeAtMostEveryMinute() {
    assertThat(ProxyServer.sweepPeriod(Duration.ofHours(12))).isEqualTo(Duration.ofMinutes(1));
    assertThat(ProxyServer.sweepPeriod(Duration.ofSeconds(2))).isEqualTo(Duration.ofMillis(500));
  }
}
