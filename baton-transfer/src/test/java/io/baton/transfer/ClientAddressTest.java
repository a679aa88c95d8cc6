package io.baton.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ClientAddressTest {
  @Test
  void anIpv4ClientIsItsAddress() {
    assertThat(ClientAddress.key("203.0.113.7")).isEqualTo("203.0.113.7");
    assertThat(ClientAddress.key("::ffff:203.0.113.7")).isEqualTo("203.0.113.7");
  }

  @Test
  void anIpv6ClientIsItsSlash64() {
    String a = ClientAddress.key("2001:db8:1:2:aaaa:bbbb:cccc:dddd");
    assertThat(a).isEqualTo("2001:db8:1:2:0:0:0:0/64");
    assertThat(ClientAddress.key("[2001:db8:1:2::1]")).isEqualTo(a);
    assertThat(ClientAddress.key("2001:db8:1:3::1")).isNotEqualTo(a);
  }
}
