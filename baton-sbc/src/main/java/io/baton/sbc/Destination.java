package io.baton.sbc;

import java.math.BigDecimal;
import java.util.List;

/** Where a call or a transfer should go, before any SIP is sent (routing policy's answer). */
sealed interface Destination {

  /**
   * Ask the redirect server for {@code user}, then try its Contacts in order.
   *
   * @param maxRate the dearest carrier route per minute the redirect server may offer (a transfer's
   *     {@code X-Baton-Max-Rate}, passed on to it); null for no ceiling
   */
  record ViaRedirect(String user, BigDecimal maxRate) implements Destination {
    /** A call's own route: no ceiling. */
    ViaRedirect(String user) {
      this(user, null);
    }
  }

  /** Try these targets in order. */
  record Direct(List<Target> targets) implements Destination {
    public Direct {
      targets = List.copyOf(targets);
    }
  }

  /** Nowhere: answer the caller with this status. */
  record Unroutable(int status, String reason) implements Destination {}
}
