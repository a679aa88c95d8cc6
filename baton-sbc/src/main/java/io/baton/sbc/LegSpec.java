package io.baton.sbc;

import java.util.List;

/**
 * What the legs of one dial carry besides the caller's offer.
 *
 * @param callerCodecOnly offer only the codec the caller settled on plus telephone-event: the
 *     caller is answered already and is never re-INVITEd, so a new leg must fit its stream
 * @param transferred present the call as each target's {@link CallerIdentity} says, naming the DID
 * @param pass the customer's headers every leg gets ({@code X-Baton-Pass})
 */
record LegSpec(boolean callerCodecOnly, boolean transferred, List<HeaderField> pass) {
  /** The caller's own call: its offer as it is, its identity as it is. */
  static final LegSpec SETUP = new LegSpec(false, false, List.of());

  /** A parked caller going back to where it called: its identity as it is. */
  static final LegSpec ROUTE_BACK = new LegSpec(true, false, List.of());

  LegSpec {
    pass = List.copyOf(pass);
  }

  static LegSpec transfer(List<HeaderField> pass) {
    return new LegSpec(true, true, pass);
  }
}
