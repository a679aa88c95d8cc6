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
    assertThat(PrefixRoute.longestMatch(routes, "+13125550100").orElseThrow().to().port())
        .isEqualTo(3000);
    assertThat(PrefixRoute.longestMatch(routes, "+13129990100").orElseThrow().to().port())
        .isEqualTo(2000);
    assertThat(PrefixRoute.longestMatch(routes, "+4420").orElseThrow().to().port()).isEqualTo(1000);
    assertThat(PrefixRoute.longestMatch(routes.subList(1, 3), "+4420")).isEmpty();
    assertThat(PrefixRoute.longestMatch(routes, null)).isEmpty();
  }
}
