package io.baton.sbc;

import java.util.List;

/** Where a call or a transfer should go, before any SIP is sent (routing policy's answer). */
sealed interface Destination {

  /** Ask the redirect server for {@code user}, then try its Contacts in order. */
  record ViaRedirect(String user) implements Destination {}

  /** Try these targets in order. */
  record Direct(List<Target> targets) implements Destination {
    public Direct {
      targets = List.copyOf(targets);
    }
  }

  /** Nowhere: answer the caller with this status. */
  record Unroutable(int status, String reason) implements Destination {}
}
