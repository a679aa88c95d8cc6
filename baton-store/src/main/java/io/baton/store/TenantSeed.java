package io.baton.store;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A tenant in the seed, with its API keys, DIDs, named transfer targets and transfer policy.
 *
 * @param id the tenant id, e.g. {@code acme}
 * @param name display name
 * @param apiKeys keys that act for this tenant
 * @param dids numbers it owns
 * @param targets {@code name → E.164 number or SIP URI}, reachable as {@code target:<name>}
 * @param webhook where the tenant's events are POSTed; null for none
 * @param transferPolicy where its transfers may go and how many it may start; null leaves the
 *     database's (a new tenant: {@link TransferPolicy#DEFAULT}, named targets only)
 */
public record TenantSeed(
    String id,
    String name,
    List<String> apiKeys,
    List<DidSeed> dids,
    Map<String, String> targets,
    WebhookSeed webhook,
    TransferPolicy transferPolicy) {

  public TenantSeed {
    apiKeys = apiKeys == null ? List.of() : List.copyOf(apiKeys);
    dids = dids == null ? List.of() : List.copyOf(dids);
    targets =
        targets == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(targets));
  }

  /** A tenant whose transfer policy the seed leaves alone. */
  public TenantSeed(
      String id,
      String name,
      List<String> apiKeys,
      List<DidSeed> dids,
      Map<String, String> targets,
      WebhookSeed webhook) {
    this(id, name, apiKeys, dids, targets, webhook, null);
  }

  /** A tenant without a webhook. */
  public TenantSeed(
      String id,
      String name,
      List<String> apiKeys,
      List<DidSeed> dids,
      Map<String, String> targets) {
    this(id, name, apiKeys, dids, targets, null, null);
  }

  /**
   * Checks the tenant and everything in it, {@code key} naming it, e.g. {@code seed.tenants[0]}.
   */
  void check(String key) {
    SeedCheck.name(key + ".id", id);
    SeedCheck.text(key + ".name", name, 200);
    for (int i = 0; i < apiKeys.size(); i++) {
      SeedCheck.text(key + ".apiKeys[" + i + "]", apiKeys.get(i), 200);
    }
    targets.forEach(
        (target, destination) -> {
          SeedCheck.name(key + ".targets", target);
          SeedCheck.destination(key + ".targets." + target, destination);
        });
    for (int i = 0; i < dids.size(); i++) {
      dids.get(i).check(key + ".dids[" + i + "]");
    }
    if (webhook != null) {
      webhook.check(key + ".webhook");
    }
    if (transferPolicy != null) {
      transferPolicy.check(key + ".transferPolicy");
    }
  }
}
