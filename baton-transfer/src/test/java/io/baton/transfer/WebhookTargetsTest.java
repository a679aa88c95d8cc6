package io.baton.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.baton.sip.HostPort;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The SSRF guard as plain data: URLs and what their hosts resolve to in, problems out. */
class WebhookTargetsTest {
  private final Map<String, List<String>> dns = new HashMap<>();
  private final WebhookTargets.Resolver resolver =
      host -> {
        List<String> addresses = dns.get(host.toLowerCase());
        if (addresses == null) {
          if (host.matches("[0-9.]+|[0-9a-fA-F:.]*:[0-9a-fA-F:.]*")) {
            return List.of(InetAddress.getByName(host)); // a literal
          }
          throw new UnknownHostException(host);
        }
        List<InetAddress> out = new java.util.ArrayList<>();
        for (String a : addresses) {
          out.add(InetAddress.getByName(a));
        }
        return out;
      };
  private static final List<HostPort> OWN =
      List.of(HostPort.parse("127.0.0.1:8080"), HostPort.parse("0.0.0.0:5110"));

  private WebhookTargets targets(List<String> httpHosts, List<String> allowPrivate) {
    return new WebhookTargets(httpHosts, allowPrivate, OWN, resolver);
  }

  private WebhookTargets strict() {
    return targets(List.of(), List.of());
  }

  @Test
  void anHttpsUrlToAPublicHostPasses() {
    dns.put("hooks.example.com", List.of("93.184.216.34", "2606:2800:220:1::1"));
    assertThat(strict().problem("https://hooks.example.com/baton")).isEmpty();
    assertThat(strict().problem("https://93.184.216.34:8443/baton")).isEmpty();
  }

  @Test
  void plainHttpOnlyToAllowedHosts() {
    dns.put("example.com", List.of("93.184.216.34"));
    assertThat(strict().problem("http://example.com/hook"))
        .contains(
            "url: 'http://example.com/hook' is not https:// (plain http:// only to"
                + " transfer.webhooks.allowHttpHosts)");
    assertThat(targets(List.of("EXAMPLE.com."), List.of()).problem("http://example.com/hook"))
        .isEmpty();
  }

  @Test
  void loopbackLinkLocalPrivateAndOtherNonPublicAddressesAreRefused() {
    Map<String, String> refused =
        Map.ofEntries(
            Map.entry("https://127.0.0.1/x", "a loopback address"),
            Map.entry("https://127.8.9.10/x", "a loopback address"),
            Map.entry("https://[::1]/x", "a loopback address"),
            Map.entry("https://169.254.169.254/latest/meta-data", "a link-local address"),
            Map.entry("https://[fe80::1]/x", "a link-local address"),
            Map.entry("https://10.0.0.1/x", "a private address (RFC 1918)"),
            Map.entry("https://172.16.5.4/x", "a private address (RFC 1918)"),
            Map.entry("https://172.31.255.255/x", "a private address (RFC 1918)"),
            Map.entry("https://192.168.1.1/x", "a private address (RFC 1918)"),
            Map.entry("https://[fd12:3456::1]/x", "a unique local address (RFC 4193)"),
            Map.entry("https://0.0.0.0/x", "an unspecified address"),
            Map.entry("https://[::]/x", "an unspecified address"),
            Map.entry("https://100.64.0.1/x", "a shared address (RFC 6598)"),
            Map.entry("https://224.0.0.1/x", "a multicast address"),
            Map.entry("https://[ff02::1]/x", "a multicast address"),
            Map.entry("https://255.255.255.255/x", "a reserved address"),
            Map.entry("https://[::ffff:127.0.0.1]/x", "a loopback address"),
            Map.entry(
                "https://[64:ff9b::a9fe:a9fe]/x", "a link-local address inside an IPv6 address"),
            Map.entry("https://[2002:7f00:1::1]/x", "a loopback address inside an IPv6 address"),
            Map.entry("https://2130706433/x", "a loopback address"));
    refused.forEach(
        (url, what) ->
            assertThat(strict().problem(url))
                .as(url)
                .hasValueSatisfying(
                    p ->
                        assertThat(p)
                            .startsWith("url: '")
                            .contains(what + " (allow it in transfer.webhooks.allowPrivate)")));
    assertThat(strict().problem("https://172.32.0.1/x")).as("just outside 172.16/12").isEmpty();
  }

  @Test
  void aHostNameIsJudgedByEveryAddressItResolvesTo() {
    dns.put("localhost.", List.of("127.0.0.1"));
    dns.put("rebind.example", List.of("93.184.216.34", "10.1.2.3"));
    assertThat(strict().problem("https://localhost./x"))
        .contains(
            "url: 'localhost.' resolves to 127.0.0.1, a loopback address (allow it in"
                + " transfer.webhooks.allowPrivate)");
    assertThat(strict().problem("https://rebind.example/x"))
        .hasValueSatisfying(p -> assertThat(p).contains("10.1.2.3"));
    assertThat(strict().problem("https://nowhere.example/x"))
        .contains("url: host 'nowhere.example' does not resolve");
  }

  @Test
  void anAdminMayAllowARangeOrAHost() {
    dns.put("hooks.internal", List.of("10.20.30.40"));
    WebhookTargets allowing =
        targets(List.of("127.0.0.1", "hooks.internal"), List.of("127.0.0.1", "10.20.0.0/16"));
    assertThat(allowing.problem("http://127.0.0.1:9000/hook")).isEmpty();
    assertThat(allowing.problem("https://10.20.1.1/hook")).isEmpty();
    assertThat(allowing.problem("https://10.21.1.1/hook")).isPresent();
    assertThat(allowing.problem("http://hooks.internal/hook")).isEmpty();
    assertThat(targets(List.of(), List.of("hooks.internal")).problem("https://hooks.internal/h"))
        .isEmpty();
  }

  @Test
  void thisServersOwnAddressesAreNeverAllowed() {
    WebhookTargets allowing = targets(List.of("127.0.0.1"), List.of("127.0.0.0/8"));
    assertThat(allowing.problem("http://127.0.0.1:8080/v1/calls"))
        .contains(
            "url: '127.0.0.1' resolves to 127.0.0.1, this server's own 127.0.0.1:8080 (never"
                + " allowed)");
    assertThat(allowing.problem("http://127.0.0.1:5110/")).as("bound to 0.0.0.0").isPresent();
    assertThat(allowing.problem("http://127.0.0.1:8081/hook")).isEmpty();
  }

  @Test
  void userInformationAndOtherSchemesAreRefused() {
    assertThat(strict().problem("https://user:pw@93.184.216.34/x"))
        .contains("url: must not carry a user name or password");
    assertThat(strict().problem("ftp://93.184.216.34/x"))
        .contains("url: 'ftp://93.184.216.34/x' is not an absolute http:// or https:// URL");
  }

  @Test
  void atDeliveryAHostThatNowResolvesToAForbiddenAddressIsRefused() throws Exception {
    dns.put("hooks.example.com", List.of("93.184.216.34"));
    assertThat(strict().addresses("hooks.example.com", 443))
        .containsExactly(new InetSocketAddress("93.184.216.34", 443));

    dns.put("hooks.example.com", List.of("169.254.169.254")); // rebound since it was set
    assertThatThrownBy(() -> strict().addresses("hooks.example.com", 443))
        .isInstanceOf(WebhookTargets.Refused.class)
        .hasMessageContaining("a link-local address");
  }

  @Test
  void allowancesAreCheckedWhenTheConfigurationIsRead() {
    assertThatThrownBy(() -> WebhookTargets.checkAllowances(List.of("not a host"), List.of()))
        .hasMessage("transfer.webhooks.allowHttpHosts[0]: 'not a host' is not a host");
    assertThatThrownBy(() -> WebhookTargets.checkAllowances(List.of(), List.of("10.0.0.0/33")))
        .hasMessage("transfer.webhooks.allowPrivate[0]: '10.0.0.0/33': prefix not in 0..32");
    assertThatThrownBy(() -> WebhookTargets.checkAllowances(List.of(), List.of("a b")))
        .hasMessageStartingWith("transfer.webhooks.allowPrivate[0]: 'a b' is neither");
  }
}
