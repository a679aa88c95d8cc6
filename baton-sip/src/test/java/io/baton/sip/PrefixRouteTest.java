package io.baton.sip;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class PrefixRouteTest {
  private final List<PrefixRoute> routes =
      List.of(
          new PrefixRoute("", HostPort.parse("127.0.0.1:1000")),
          new PrefixRoute("+1312", HostPort.parse("127.0.0.1:2000")),
          new PrefixRoute("+1312555", HostPort.parse("127.0.0.1:3000")));

  @Test
  void longestPrefixWins() {
    assertThat(PrefixRoute.longestMatch(routes, "+13125550100").orElseThrow().to().address().port())
        .isEqualTo(3000);
    assertThat(PrefixRoute.longestMatch(routes, "+13129990100").orElseThrow().to().address().port())
        .isEqualTo(2000);
    assertThat(PrefixRoute.longestMatch(routes, "+4420").orElseThrow().to().address().port())
        .isEqualTo(1000);
    assertThat(PrefixRoute.longestMatch(routes.subList(1, 3), "+4420")).isEmpty();
    assertThat(PrefixRoute.longestMatch(routes, null)).isEmpty();
  }

  @Test
  void aNextHopNamesItsTransportAndASipsHopIsTls() {
    assertThat(NextHop.parse("127.0.0.1:5090"))
        .isEqualTo(new NextHop(HostPort.parse("127.0.0.1:5090")));
    assertThat(NextHop.parse("127.0.0.1:5091;transport=TLS").transport()).isEqualTo("tls");
    assertThat(NextHop.parse("sip:127.0.0.1:5090;transport=tcp").transport()).isEqualTo("tcp");
    assertThat(NextHop.parse("sips:127.0.0.1:5091"))
        .isEqualTo(new NextHop(HostPort.parse("127.0.0.1:5091"), "tls"));
    assertThat(NextHop.parse("sips:127.0.0.1:5091").uri("+1312").toString())
        .isEqualTo("sip:+1312@127.0.0.1:5091;transport=tls");
    assertThat(NextHop.parse("127.0.0.1:5090").uri("+1312").toString())
        .isEqualTo("sip:+1312@127.0.0.1:5090");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> NextHop.parse("sips:127.0.0.1:5091;transport=udp"))
        .hasMessageContaining("TLS only");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> NextHop.parse("127.0.0.1:5091;lr"))
        .hasMessageContaining("is not host:port");
  }
}
