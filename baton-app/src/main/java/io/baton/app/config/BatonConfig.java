package io.baton.app.config;

import io.baton.callcenter.CallCenterConfig;
import io.baton.media.MediaPorts;
import io.baton.proxy.ProxyConfig;
import io.baton.redirect.RedirectConfig;
import io.baton.sbc.Role;
import io.baton.sbc.SbcConfig;
import io.baton.sip.HepConfig;
import io.baton.sip.HostPort;
import io.baton.store.DatabaseConfig;
import io.baton.store.SeedData;
import io.baton.transfer.TransferServerConfig;
import io.baton.ua.UserAgentConfig;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything one Baton process reads: shared services, then one section per element. An element
 * section that is absent (null) is not run; {@code baton lab} runs every section present. {@code
 * hep}, when present, exports every SIP message of this process's elements to a HEP collector.
 */
public record BatonConfig(
    DatabaseConfig database,
    RegistryConfig registry,
    Map<String, HostPort> network,
    RedirectConfig redirect,
    ProxyConfig proxy,
    Map<String, SbcConfig> sbcs,
    TransferServerConfig transfer,
    CallCenterConfig callcenter,
    List<UserAgentConfig> endpoints,
    MediaPorts endpointMedia,
    SeedData seed,
    HepConfig hep) {

  public BatonConfig {
    network =
        network == null
            ? Map.of()
            : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(network));
    sbcs =
        sbcs == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(sbcs));
    endpoints = endpoints == null ? List.of() : List.copyOf(endpoints);
    if (transfer != null) {
      transfer.policy().check(network.keySet());
    }
  }

  /** Names of every element this configuration defines, in start order (far end first). */
  public List<String> elements() {
    List<String> names = new java.util.ArrayList<>();
    endpoints.forEach(e -> names.add(e.name()));
    if (callcenter != null) {
      names.add("callcenter");
    }
    sbcs.keySet().stream().filter(n -> sbcs.get(n).role() != Role.EDGE).forEach(names::add);
    if (proxy != null) {
      names.add("proxy");
    }
    if (redirect != null) {
      names.add("redirect");
    }
    sbcs.keySet().stream().filter(n -> sbcs.get(n).role() == Role.EDGE).forEach(names::add);
    if (transfer != null) {
      names.add("transfer");
    }
    return names;
  }
}
