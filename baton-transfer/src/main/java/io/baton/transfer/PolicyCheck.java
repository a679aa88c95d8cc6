package io.baton.transfer;

import io.baton.sip.HostPort;
import io.baton.store.TransferPolicies;
import io.baton.store.TransferPolicy;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Holds every target of a request to its tenant's transfer policy: gathers what {@link
 * TransferGuard} decides on (the policy, a number's routes, where a {@code sip:} URI leads) and
 * asks it, target by target, before anything is recorded or sent.
 */
final class PolicyCheck {
  private final TransferPolicies policies;
  private final RoutingData routing;
  private final NetworkElements elements;

  PolicyCheck(TransferPolicies policies, RoutingData routing, NetworkElements elements) {
    this.policies = policies;
    this.routing = routing;
    this.elements = elements;
  }

  /**
   * The policy a call's transfers are held to: its tenant's, or for a call no tenant owns the
   * default.
   */
  TransferPolicy policyOf(String tenant) {
    return tenant.isEmpty() ? TransferPolicy.DEFAULT : policies.of(tenant);
  }

  /**
   * The first refusal among {@code targets} (resolved from {@code requests}, in the same order), or
   * empty if the policy allows them all.
   */
  Optional<TransferGuard.Verdict.Refused> targets(
      String tenant,
      TransferPolicy policy,
      List<TransferRequest.TargetRequest> requests,
      List<Transfer.Target> targets) {
    Map<String, HostPort> gateways = null;
    for (int i = 0; i < targets.size(); i++) {
      TransferRequest.TargetRequest asked = requests.get(i);
      TransferGuard.Subject subject =
          new TransferGuard.Subject(
              tenant,
              policy,
              asked.field(),
              asked.to(),
              asked.target() instanceof TransferRequest.Target.Named);
      TransferGuard.Verdict verdict =
          switch (targets.get(i).destination()) {
            case ReferTarget.Number n ->
                TransferGuard.number(
                    subject,
                    n.e164(),
                    policy.maxRatePerMinute() == null ? null : routing.routes(n.e164()));
            case ReferTarget.Sip s -> {
              SipHop hop = SipHop.of(s.uri()).orElseThrow();
              TransferGuard.Verdict domain = TransferGuard.sipDomain(subject, s.uri(), hop);
              if (domain instanceof TransferGuard.Verdict.Refused) {
                yield domain; // resolved only once allowed: no lookup for a name refused anyway
              }
              if (gateways == null) {
                gateways = routing.gateways();
              }
              yield TransferGuard.sipReach(subject, s.uri(), elements.reach(hop, gateways));
            }
          };
      if (verdict instanceof TransferGuard.Verdict.Refused refused) {
        return Optional.of(refused);
      }
    }
    return Optional.empty();
  }
}
