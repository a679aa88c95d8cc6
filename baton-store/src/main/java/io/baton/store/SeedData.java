package io.baton.store;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Data written to the database at start-up (the {@code seed:} block; the lab's demo tenants, keys,
 * DIDs and carriers). Validated as a whole when built: every entry, and that no tenant id, DID, API
 * key or carrier name appears twice.
 *
 * @param adminKeys API keys with admin rights (routing data, all tenants)
 * @param tenants tenants with their keys, DIDs and targets
 * @param carriers carriers with their rates
 */
public record SeedData(
    List<String> adminKeys, List<TenantSeed> tenants, List<CarrierSeed> carriers) {

  public SeedData {
    adminKeys = adminKeys == null ? List.of() : List.copyOf(adminKeys);
    tenants = tenants == null ? List.of() : List.copyOf(tenants);
    carriers = carriers == null ? List.of() : List.copyOf(carriers);

    Map<String, String> apiKeySeen = new HashMap<>();
    for (int i = 0; i < adminKeys.size(); i++) {
      String key = "seed.adminKeys[" + i + "]";
      once(apiKeySeen, SeedCheck.text(key, adminKeys.get(i), 200), key);
    }
    Map<String, String> tenantSeen = new HashMap<>();
    Map<String, String> didSeen = new HashMap<>();
    for (int i = 0; i < tenants.size(); i++) {
      String key = "seed.tenants[" + i + "]";
      TenantSeed tenant = tenants.get(i);
      tenant.check(key);
      once(tenantSeen, tenant.id(), key + ".id");
      for (int k = 0; k < tenant.apiKeys().size(); k++) {
        once(apiKeySeen, tenant.apiKeys().get(k), key + ".apiKeys[" + k + "]");
      }
      for (int d = 0; d < tenant.dids().size(); d++) {
        once(didSeen, tenant.dids().get(d).did(), key + ".dids[" + d + "].did");
      }
    }
    Map<String, String> carrierSeen = new HashMap<>();
    for (int i = 0; i < carriers.size(); i++) {
      String key = "seed.carriers[" + i + "]";
      carriers.get(i).check(key);
      once(carrierSeen, carriers.get(i).name(), key + ".name");
    }
  }

  private static void once(Map<String, String> seen, String value, String key) {
    String first = seen.putIfAbsent(value, key);
    if (first != null) {
      throw SeedCheck.fail(key, "duplicate of " + first); // no value: it may be an API key
    }
  }
}
