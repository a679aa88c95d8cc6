package io.baton.store;

/**
 * A DID in the seed: {@code {did: "+18005550100", redirectTo: "+13125550100"}}. What happens to a
 * call once it arrives (an IVR, a transfer on arrival) is the destination platform's business.
 *
 * @param did the number, E.164
 * @param redirectTo an E.164 number (reached through the core proxy) or a SIP URI
 */
public record DidSeed(String did, String redirectTo) {

  /** Checks the fields, {@code key} naming this entry, e.g. {@code seed.tenants[0].dids[1]}. */
  void check(String key) {
    SeedCheck.e164(key + ".did", did);
    SeedCheck.destination(key + ".redirectTo", redirectTo);
  }
}
