package io.baton.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.baton.sip.HostPort;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Which {@code sip:} targets reach an element of the network, however the address is spelled; names
 * are resolved by a table here (no DNS), address literals as Java reads them.
 */
class NetworkElementsTest {
  private static final Map<String, List<String>> NAMES =
      Map.of(
          "localhost", List.of("127.0.0.1", "::1"),
          "sbc.example.net", List.of("10.1.1.1"),
          "alias.example.net", List.of("10.1.1.1"),
          "pbx.acme.example", List.of("203.0.113.5"));

  private static final NetworkElements.Resolver TABLE =
      host -> {
        if (host.matches("[0-9.]+|.*:.*")) {
          return List.of(InetAddress.getByName(host)); // a literal: read, never looked up
        }
        List<String> addresses = NAMES.get(host.toLowerCase(java.util.Locale.ROOT));
        if (addresses == null) {
          throw new UnknownHostException(host);
        }
        List<InetAddress> out = new java.util.ArrayList<>();
        for (String a : addresses) {
          out.add(InetAddress.getByName(a));
        }
        return out;
      };

  private static final Map<String, HostPort> NETWORK = network();

  private static Map<String, HostPort> network() {
    Map<String, HostPort> n = new LinkedHashMap<>();
    n.put("proxy", HostPort.parse("127.0.0.1:5080"));
    n.put("sbc-carrier", HostPort.parse("127.0.0.1:5120"));
    n.put("pstn-sales", HostPort.parse("127.0.0.1:5130"));
    n.put("support", HostPort.parse("127.0.0.1:5131"));
    n.put("sbc-edge", HostPort.parse("sbc.example.net:5060"));
    n.put("tls-edge", HostPort.parse("10.1.1.2:5061"));
    n.put("v6-proxy", HostPort.parse("[2001:db8::7]:5080"));
    return n;
  }

  private static final Map<String, HostPort> GATEWAYS =
      Map.of("carrier flakytel", HostPort.parse("127.0.0.1:5133"));

  private final NetworkElements elements =
      NetworkElements.of(NETWORK, new TransferServerConfig.Policy(List.of("support")), TABLE);

  private NetworkElements.Reach reach(String uri) {
    return elements.reach(SipHop.of(uri).orElseThrow(), GATEWAYS);
  }

  @ParameterizedTest
  @CsvSource({
    "sip:x@127.0.0.1:5080, proxy",
    "sip:x@localhost:5080, proxy",
    "sip:x@LocalHost:5080, proxy",
    "sip:x@[::1]:5080, proxy",
    "sip:x@[0:0:0:0:0:0:0:1]:5080, proxy",
    "sip:x@[::ffff:127.0.0.1]:5080, proxy",
    "sip:x@127.1:5080, proxy",
    "sip:x@127.0.0.2:5080, proxy",
    "sip:x@2130706433:5080, proxy",
    "sip:x@0.0.0.0:5080, proxy",
    "sip:x@[::]:5080, proxy",
    "sip:+19005550000@127.0.0.1:5130, pstn-sales",
    "sip:+19005550000@127.0.0.1:5130;user=phone, pstn-sales",
    "sips:x@127.0.0.1:5120;transport=tls, sbc-carrier",
    "sip:x@pbx.acme.example:5120;maddr=127.0.0.1, sbc-carrier",
    "sip:x@sbc.example.net, sbc-edge",
    "sip:x@SBC.example.net:5060, sbc-edge",
    "sip:x@alias.example.net, sbc-edge",
    "sip:x@10.1.1.1, sbc-edge",
    "sip:x@10.1.1.2, tls-edge",
    "sips:x@10.1.1.2, tls-edge",
    "sip:x@[2001:db8:0:0:0:0:0:7]:5080, v6-proxy",
    "sip:x@[2001:DB8::7]:5080, v6-proxy",
    "sip:x@localhost:5133, carrier flakytel"
  })
  void anElementIsReachedHoweverItsAddressIsSpelled(String uri, String element) {
    assertThat(reach(uri))
        .isInstanceOfSatisfying(
            NetworkElements.Reach.Element.class, e -> assertThat(e.name()).isEqualTo(element));
  }

  @ParameterizedTest
  @CsvSource({
    "sip:support@127.0.0.1:5131",
    "sip:support@localhost:5131",
    "sip:x@127.0.0.1:5081",
    "sip:x@10.1.1.1:5062",
    "sip:x@10.1.1.3",
    "sip:x@pbx.acme.example",
    "sip:x@pbx.acme.example:5080",
    "sip:x@[2001:db8::8]:5080"
  })
  void anythingElseIsOutside(String uri) {
    assertThat(reach(uri)).isEqualTo(new NetworkElements.Reach.Outside());
  }

  @Test
  void aHostThatDoesNotResolveCannotBeToldFromAnElement() {
    assertThat(reach("sip:x@nowhere.example:5080"))
        .isEqualTo(new NetworkElements.Reach.Unresolvable("nowhere.example"));
    assertThat(reach("sip:x@pbx.acme.example;maddr=nowhere.example"))
        .isEqualTo(new NetworkElements.Reach.Unresolvable("nowhere.example"));
  }

  @Test
  void theReachedElementIsNamedWithItsAddress() {
    assertThat(reach("sip:x@localhost:5080"))
        .isEqualTo(new NetworkElements.Reach.Element("proxy", HostPort.parse("127.0.0.1:5080")));
  }

  @Test
  void outsideNetworkNamesOnlyNetworkEntries() {
    assertThatThrownBy(
            () ->
                NetworkElements.of(
                    NETWORK, new TransferServerConfig.Policy(List.of("support", "suport")), TABLE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("transfer.policy.outsideNetwork[1]: 'suport' is not a name in network:");
  }

  @Test
  void withoutOutsideNamesEveryNetworkEntryIsAnElement() {
    NetworkElements all = NetworkElements.of(NETWORK, TransferServerConfig.Policy.DEFAULT, TABLE);
    assertThat(all.reach(SipHop.of("sip:support@127.0.0.1:5131").orElseThrow(), Map.of()))
        .isEqualTo(new NetworkElements.Reach.Element("support", HostPort.parse("127.0.0.1:5131")));
  }
}
