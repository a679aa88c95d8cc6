package io.baton.transfer;

import io.baton.registry.Leg;
import java.util.concurrent.CompletableFuture;

/** Sends a transfer's REFER to the proxy holding the call. */
interface Referrer {

  /** Completes with the REFER's final answer (a local 408 or 503 if none came). */
  CompletableFuture<Answer> refer(Transfer transfer, Leg proxyLeg);

  /** A REFER's final status and reason phrase. */
  record Answer(int status, String reason) {}
}
