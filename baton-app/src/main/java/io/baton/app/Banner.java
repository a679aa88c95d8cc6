package io.baton.app;

import io.baton.app.config.BatonConfig;
import io.baton.registry.Call;
import io.baton.sip.HostPort;
import io.baton.store.TenantSeed;
import java.util.Map;

/** What the lab prints: where each element listens and how to call and transfer. */
final class Banner {
  private Banner() {}

  static String describe(Node node) {
    BatonConfig cfg = node.config();
    StringBuilder b = new StringBuilder();
    b.append("\nBaton is running: ").append(String.join(", ", node.running())).append("\n\n");
    for (Map.Entry<String, HostPort> e : cfg.network().entrySet()) {
      if (node.running().contains(e.getKey())) {
        b.append(String.format("  %-12s sip:%s%n", e.getKey(), e.getValue()));
      }
    }
    if (cfg.transfer() != null && node.running().contains("transfer")) {
      b.append(
          String.format("  %-12s %s  (API, /v1/openapi.json)%n", "api", cfg.transfer().baseUrl()));
    }
    node.edgeName()
        .ifPresent(
            edge -> {
              HostPort at = cfg.sbcs().get(edge).sip().listen();
              b.append("\nCall it:   sipp ")
                  .append(at)
                  .append(" -sf baton-testkit/src/main/resources/sipp/uac-call-expect-200.xml")
                  .append(" -s +18005550100 -set hold 60000 -m 1\n")
                  .append("     or a softphone: sip:+18005550100@")
                  .append(at)
                  .append("\n");
            });
    if (cfg.callcenter() != null && node.running().contains("callcenter")) {
      var cc = cfg.callcenter();
      b.append("Call center IVR: flow '")
          .append(cc.ivr().defaultFlow())
          .append("' (DTMF as RFC 4733 or SIP INFO); per DID: ")
          .append(cc.ivr().dids())
          .append("\n  agents ")
          .append(String.join(", ", cc.agents().stream().map(a -> a.name()).toList()))
          .append(" at http://")
          .append(cc.http().listen())
          .append("/agents (with Authorization: Bearer <callcenter.http.key>); an agent")
          .append(" transfers its caller:\n  bin/baton agent transfer --agent ")
          .append(cc.agents().isEmpty() ? "<name>" : cc.agents().get(0).name())
          .append(" --to target:support\n");
    }
    if (cfg.transfer() != null && node.running().contains("transfer")) {
      b.append("Transfer the newest call:\n  ")
          .append(
              curl(
                  cfg,
                  "$(curl -s -H 'Authorization: Bearer "
                      + key(cfg, null)
                      + "' "
                      + cfg.transfer().baseUrl()
                      + "/v1/calls?limit=1 | grep -o '\"c-[0-9a-f]*\"' | head -1 | tr -d '\"')",
                  null))
          .append("\n");
    }
    b.append("Ctrl-C stops every element.\n\n");
    return b.toString();
  }

  static String newCall(Node node, Call call) {
    BatonConfig cfg = node.config();
    String line = "call " + call.id() + " from " + call.from() + " to " + call.to();
    if (cfg.transfer() == null) {
      return line;
    }
    return line + "; transfer it:\n  " + curl(cfg, call.id(), call.did());
  }

  private static String curl(BatonConfig cfg, String callId, String did) {
    return "curl -s -X POST -H 'Authorization: Bearer "
        + key(cfg, did)
        + "' -H 'Content-Type: application/json' -d '{\"to\":\"target:sales\"}' "
        + cfg.transfer().baseUrl()
        + "/v1/calls/"
        + callId
        + "/transfer";
  }

  /** The demo key of the tenant owning {@code did} (lab seed data), or a placeholder. */
  private static String key(BatonConfig cfg, String did) {
    if (cfg.seed() == null) {
      return "<api-key>";
    }
    return cfg.seed().tenants().stream()
        .filter(t -> did == null || t.dids().stream().anyMatch(d -> d.did().equals(did)))
        .map(TenantSeed::apiKeys)
        .filter(keys -> !keys.isEmpty())
        .map(keys -> keys.get(0))
        .findFirst()
        .orElse("<api-key>");
  }
}
