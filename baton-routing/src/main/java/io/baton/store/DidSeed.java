package io.baton.store;

/**
 * A DID in the seed: {@code {did: "+18005550101", redirectTo: "+13125550100", onArrival:
 * "target:support"}}.
 *
 * @param did the number, E.164
 * @param redirectTo an E.164 number (reached through the core proxy) or a SIP URI
 * @param onArrival optional transfer target applied when a call arrives: {@code target:<name>} of
 *     the tenant's targets, an E.164 number or a SIP URI
 */
public record DidSeed(String did, String redirectTo, String onArrival) {
  static final String TARGET_SCHEME = "target:";

  public DidSeed {
    onArrival = onArrival == null || onArrival.isBlank() ? null : onArrival.strip();
  }

  /** Checks the fields, {@code key} naming this entry, e.g. {@code seed.tenants[0].dids[1]}. */
  void check(String key, TenantSeed tenant) {
    SeedCheck.e164(key + ".did", did);
    SeedCheck.destination(key + ".redirectTo", redirectTo);
    if (onArrival == null) {
      return;
    }
    if (onArrival.startsWith(TARGET_SCHEME)) {
      String target = onArrival.substring(TARGET_SCHEME.length());
      if (!tenant.targets().containsKey(target)) {
        throw SeedCheck.fail(
            key + ".onArrival", "target '" + target + "' is not one of the tenant's targets");
      }
    } else {
      SeedCheck.destination(key + ".onArrival", onArrival);
    }
  }
}
